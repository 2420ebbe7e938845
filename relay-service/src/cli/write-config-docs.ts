import { writeFileSync } from 'node:fs';
import { configurationDocument } from '../config/docs.ts';
import { logEventsDocument } from '../log-events.ts';

// `npm run docs:config`: regenerates the operator docs that are derived from code tables.
writeFileSync(new URL('../../../docs/configuration.md', import.meta.url), configurationDocument());
writeFileSync(new URL('../../../docs/log-events.md', import.meta.url), logEventsDocument());
