/**
 * Runs before the root `npm start` builds the packages (the root script is
 * `tsx examples/stock-agent/src/prestart.ts && turbo run build … && npm run start --workspace=examples/stock-agent --`):
 * a flag npm took for itself (`npm start --terminal`, without `--`) is caught before the build
 * rather than after it, and the user sees that the build is running instead of a silent minute.
 */
import { readCommandLine } from './command-line.js';

const command = readCommandLine([], process.env);
if (command.kind === 'exit' && command.code !== 0) {
  process.stderr.write(`${command.text}\n`);
  process.exit(command.code);
}
process.stdout.write(
  'Building the livetools packages first (about a minute the first time, seconds after that)…\n',
);
