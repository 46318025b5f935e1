#!/usr/bin/env node
// Entry of the `causeway` command: runs the compiled collector (built by `npm install`'s prepare step).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`causeway: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
