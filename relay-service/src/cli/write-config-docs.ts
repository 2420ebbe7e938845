import { writeFileSync } from 'node:fs';
import { configurationDocument } from '../config/docs.ts';

// `npm run docs:config`: regenerates docs/configuration.md from the settings table.
writeFileSync(new URL('../../../docs/configuration.md', import.meta.url), configurationDocument());
