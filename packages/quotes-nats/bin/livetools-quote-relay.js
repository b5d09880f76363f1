#!/usr/bin/env node
// The `livetools-quote-relay` command. npm links a package's bin only when the file exists at install
// time, so this small file is committed (dist/ is built later) and loads the built relay.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/relay-bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    `livetools-quote-relay: the relay is not built yet (${fileURLToPath(entry)} is missing).\n` +
      'In a clone of the livetools repository, run `npm run build` at its root, then try again.\n' +
      'To use a released relay instead: npx -p @livetools/quotes-nats livetools-quote-relay --help\n',
  );
  process.exit(1);
}
await import(entry.href);
