#!/usr/bin/env node
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), processIo());
// Exit once the output is flushed: a package imported by `check` or `run` may hold handles open.
process.stdout.write('', () => {
  process.stderr.write('', () => process.exit(code));
});
