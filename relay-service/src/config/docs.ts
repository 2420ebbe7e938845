import { configurationTable } from './load.ts';

/** docs/configuration.md, generated from config/schema.ts (a test keeps the file current). */
export function configurationDocument(): string {
  return `# Relay configuration

<!-- Generated from relay-service/src/config/schema.ts by \`npm run docs:config\`; do not edit by hand. -->

The relay reads these environment variables at start (a \`.env\` file in the working folder is
read too; real environment variables win). Every value is validated before anything starts,
and all problems are reported together, each naming its variable.

Durations are written \`500ms\`, \`30s\`, \`5m\`, \`2h\` or \`1d\`; sizes as bytes or \`512KB\`,
\`25MB\`; an empty port disables that listener.

${configurationTable()}
`;
}
