#!/usr/bin/env node
// The `livetools` command. npm links a package's bin only when the file exists at install time, so
// this small file is committed (dist/ is built later) and loads the built CLI from dist/bin.js.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    `livetools: the CLI is not built yet (${fileURLToPath(entry)} is missing).\n` +
      'In a clone of the livetools repository, run `npm run build` at its root, then try again.\n' +
      'To use a released CLI instead: npx @livetools/cli --help\n',
  );
  process.exit(1);
}
await import(entry.href);
