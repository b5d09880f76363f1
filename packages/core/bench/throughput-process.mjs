// One process's part of the end-to-end throughput row (throughput.mjs, which starts it with
// --expose-gc): `node --expose-gc bench/throughput-process.mjs <responses per burst> <rounds>`.
// Sends each path's rates to the parent and exits.
import { endToEndRounds } from './throughput.mjs';

const [n, rounds] = process.argv.slice(2).map(Number);
if (!Number.isInteger(n) || !Number.isInteger(rounds) || n < 1 || rounds < 1 || !process.send) {
  console.error(
    'Run by throughput.mjs: throughput-process.mjs <responses per burst> <rounds>, with an IPC channel.',
  );
  process.exit(2);
}
const rates = await endToEndRounds({ n, rounds });
process.send(rates, () => process.exit(0));
