#!/usr/bin/env node
// Entry point of the relay and its CLI. Node >= 22.19 runs the TypeScript sources directly
// (type stripping), so there is no build step between a change and a run.
import { main } from '../src/cli/main.ts';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
