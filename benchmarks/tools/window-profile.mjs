// Splits a `perf record` profile of the peer benchmark by client window and prints where one
// client spends more CPU per round trip than another, by symbol and by module: livetools' own
// files, @google/genai, ws, Node's streams, V8, the kernel. Both clients are sampled in the same
// run, interleaved, so the difference is theirs and not the machine's mood.
//
//   PEER_WINDOW_LOG=/tmp/windows.log perf record -k CLOCK_MONOTONIC -F 10000 --no-inherit \
//     -o /tmp/peer.data -- node --perf-basic-prof --no-flush-bytecode --no-flush-baseline-code \
//     --no-compact-code-space --expose-gc benchmarks/peer-adk.mjs
//   node benchmarks/tools/window-profile.mjs --perf=/tmp/peer.data --windows=/tmp/windows.log \
//     --base=raw-genai3 --vs=livetools-A [--freq=10000] [--top=40]
//
// `perf` (Debian's linux-perf) must be on the PATH. `--no-inherit` samples the benchmark's own
// process only: the fake server and ADK's clients run in processes of their own. `--freq` is the
// sampling frequency given to perf record (each sample stands for 1/freq s of CPU).
//
// Read the JavaScript rows with care. `--perf-basic-prof` writes a map of where V8 put each piece
// of compiled code, but V8 frees code and reuses its addresses (flushed bytecode and baseline code,
// compacted code space, replaced optimized code), and perf then names a sample after whatever was
// there first: without the three flags above, startup code (zod's JSON Schema conversion, a
// session's connect and teardown, ws's Receiver) showed up in windows where it never ran, and even
// with them a few rows can be misnamed. The native rows (V8's builtins and runtime, Node, the
// kernel) come from files on disk and are exact.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { optionText } from '../lib/options.mjs';

const perfData = optionText('perf');
const windowsFile = optionText('windows');
const base = optionText('base', 'raw-genai3');
const vs = optionText('vs', 'livetools-A');
const freq = Number(optionText('freq', '10000'));
const top = Number(optionText('top', '40'));
if (!perfData || !windowsFile || !(freq > 0)) {
  console.error(
    'usage: window-profile.mjs --perf=<perf.data> --windows=<PEER_WINDOW_LOG file> [--base=raw-genai3] [--vs=livetools-A] [--freq=10000] [--top=40]',
  );
  process.exit(2);
}

/** The windows, by start time: [startNs, endNs, label, roundTrips]. */
const windows = readFileSync(windowsFile, 'utf8')
  .split('\n')
  .map((line) => line.trim().split(/\s+/))
  .filter((parts) => parts.length === 4)
  .map(([label, start, end, trips]) => [BigInt(start), BigInt(end), label, Number(trips)])
  .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const roundTrips = new Map();
for (const [, , label, trips] of windows) roundTrips.set(label, (roundTrips.get(label) ?? 0) + trips);
for (const label of [base, vs]) {
  if (!roundTrips.has(label)) {
    console.error(`no window of "${label}" in ${windowsFile}; clients: ${[...roundTrips.keys()].join(', ')}`);
    process.exit(2);
  }
}

/** The window a sample at `ns` falls in, or undefined. */
function windowAt(ns) {
  let low = 0;
  let high = windows.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (windows[mid][0] <= ns) low = mid + 1;
    else high = mid - 1;
  }
  const w = windows[high];
  return w && ns <= w[1] ? w : undefined;
}

/** The module a sampled symbol belongs to. */
function moduleOf(symbol, dso) {
  const file = /(?:file:\/\/)?(\/\S+?):\d+:\d+$/.exec(symbol)?.[1] ?? '';
  const core = /packages\/core\/dist\/(.+)$/.exec(file)?.[1];
  if (core) return `livetools ${core.split('/')[0]}/`;
  if (file.includes('@google/genai')) return '@google/genai';
  if (file.includes('/ws/lib/')) return 'ws';
  if (file.includes('/zod/')) return 'zod';
  if (symbol.includes('node:internal/streams') || symbol.includes('node:net')) return 'node streams';
  if (symbol.startsWith('JS:')) return 'other JavaScript';
  if (dso.includes('kernel')) return 'kernel';
  if (dso === 'node' || dso.endsWith('/node')) return 'node and V8 (native)';
  return dso || 'unknown';
}

const bySymbol = { [base]: new Map(), [vs]: new Map() };
const byModule = { [base]: new Map(), [vs]: new Map() };
const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);

const perf = spawn('perf', ['script', '-i', perfData, '-F', 'time,ip,sym,dso', '--ns'], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
perf.on('error', (error) => {
  console.error(`cannot run perf (${error.message}): install linux-perf`);
  process.exit(1);
});
for await (const line of createInterface({ input: perf.stdout })) {
  const m = /^\s*(\d+)\.(\d+):\s+\S+\s+(.*?)\s+\(([^)]*)\)\s*$/.exec(line);
  if (!m) continue;
  const ns = BigInt(m[1]) * 1_000_000_000n + BigInt(m[2].padEnd(9, '0').slice(0, 9));
  const w = windowAt(ns);
  if (!w || (w[2] !== base && w[2] !== vs)) continue;
  const symbol = m[3].replace(/file:\/\/\/?\S*?\/(packages|node_modules)\//, '$1/');
  const dso = m[4].split('/').at(-1) ?? '';
  add(bySymbol[w[2]], symbol);
  add(byModule[w[2]], moduleOf(m[3], dso));
}

const usPerSample = 1e6 / freq;
const perTrip = (label, samples) => (samples * usPerSample) / roundTrips.get(label);
const fmt = (x) => x.toFixed(2).padStart(8);
function table(title, maps, limit) {
  const keys = new Set([...maps[base].keys(), ...maps[vs].keys()]);
  const rows = [...keys].map((key) => {
    const a = perTrip(base, maps[base].get(key) ?? 0);
    const b = perTrip(vs, maps[vs].get(key) ?? 0);
    return { key, a, b, d: b - a };
  });
  rows.sort((x, y) => y.d - x.d);
  console.log(`\n${title} (µs of CPU per round trip; ${base} | ${vs} | difference)`);
  for (const r of rows.slice(0, limit))
    console.log(`${fmt(r.a)} ${fmt(r.b)} ${r.d >= 0 ? '+' : ''}${fmt(r.d)}  ${r.key}`);
}
const total = (label) =>
  perTrip(
    label,
    [...bySymbol[label].values()].reduce((s, n) => s + n, 0),
  );
console.log(
  `${base}: ${roundTrips.get(base)} round trips, ${total(base).toFixed(1)} µs sampled per round trip; ` +
    `${vs}: ${roundTrips.get(vs)} round trips, ${total(vs).toFixed(1)} µs`,
);
table('By module', byModule, 30);
table('By symbol, most added first', bySymbol, top);
