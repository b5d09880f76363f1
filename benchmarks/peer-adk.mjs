// A peer, side by side: one-shot tool-call round trips through Google's ADK for JS (live mode:
// Runner.runLive + LiveRequestQueue), through livetools (createLiveAgent + defineTool) and through
// the raw @google/genai client, all against the same fake Live server in another process
// (lib/peer-server.mjs), with the same trivial `add(a, b)` tool. The server issues a `toolCall` and
// times it until the function response frame arrives, on its own clock; calls are sequential. The
// raw and livetools clients share this process; ADK's run in one of their own (lib/adk-host.mjs),
// whose heap and garbage would otherwise weigh on the others' CPU figures.
//
//   node --expose-gc benchmarks/peer-adk.mjs
//   PEER_ITERATIONS=500 PEER_ROUNDS=4 node --expose-gc benchmarks/peer-adk.mjs
//
// Environment: PEER_ITERATIONS (6000 timed round trips per client and scenario), PEER_ROUNDS (36:
// the iterations are split into rounds and the clients take turns, each round in the order of one
// row of a balanced Latin square, so that drift, noise and each client's leftovers hit every client
// alike; 18 rows complete the square of the 9 clients, and 36 go through it twice: the CPU ratios
// are medians over the rounds, and with 18 rounds of 167 round trips they moved by up to 0.14
// between runs), PEER_WARMUP (6000 per client and scenario, so livetools' code, which both of
// its scenarios share, has run 12,000 calls before the rounds: after 300 its background
// compilations showed as 1-4 ms round trips in the first half of the rounds, and one client alone
// still had V8 optimize 28 functions in the 20,000 round trips after 4,000, 12 after 12,000, most
// of them Node's streams and task queues, which every client runs), PEER_CONNECTS
// (20 connect + setup timings per client, taken in turns after the round trips), PEER_WINDOW_LOG (a
// file to write each window's client, start and end on CLOCK_MONOTONIC, for tools/window-profile.mjs).
//
// Two scenarios, because ADK JS treats models differently (node_modules/@google/adk/dist/esm/utils/
// live_connection_utils.js, LiveResponseAggregator.processMessage): for a Gemini 3.x "flash-live"
// model it runs a tool call as soon as the `toolCall` message arrives; for any other model (2.5
// native audio, say) it keeps the call until the server's `turnComplete`. Scenario A uses a 3.x
// model name and sends only `toolCall`; scenario B a 2.5 model name and `toolCall` + `turnComplete`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as genai3 from '@google/genai';
import { niceFromEnv, raisePriority, startChild } from './lib/child.mjs';
import { overlapsAny, recordGc } from './lib/gc.mjs';
import { ADD_DESCRIPTION, livetoolsClient, PEER_SCENARIOS, rawClient } from './lib/peer-clients.mjs';
import { createReport } from './lib/report.mjs';
import {
  cpuMs,
  distBuiltAt,
  fmt,
  fullGc,
  machineCpu,
  ms,
  packageVersion,
  percentile,
  summarize,
} from './lib/stats.mjs';

const env = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} must be a positive number`);
  return Math.round(value);
};
const ITERATIONS = env('PEER_ITERATIONS', 6000);
const ROUNDS = Math.min(env('PEER_ROUNDS', 36), ITERATIONS);
const WARMUP = env('PEER_WARMUP', 6000);
const CONNECTS = env('PEER_CONNECTS', 20);
const MODEL_3X = PEER_SCENARIOS.A.model;
// Targets, livetools against the raw @google/genai client measured in the same run.
const TARGET_CPU = 1.25; // client CPU per round trip, scenarios A and B
const TARGET_P99_A = 1.5; // round-trip p99, scenario A
const MODEL_25 = PEER_SCENARIOS.B.model;

// ADK depends on @google/genai ^2.9 and gets its own copy; the raw baseline is measured on both.
const adkGenaiUrl = new URL(
  '../../node_modules/@google/genai/dist/node/index.mjs',
  import.meta.resolve('@google/adk'),
);
const genai2 = existsSync(adkGenaiUrl) ? await import(adkGenaiUrl.href) : genai3;
const adkGenaiVersion = existsSync(adkGenaiUrl)
  ? packageVersionAt(adkGenaiUrl)
  : packageVersion('@google/genai');

const report = createReport();
console.log(
  `peer benchmark: ${fmt(ITERATIONS, 0)} sequential one-shot round trips per client and scenario in ${ROUNDS} ` +
    `balanced rounds (+${WARMUP} warm-up); Node ${process.version}, @google/adk ${packageVersion('@google/adk')} ` +
    `(on @google/genai ${adkGenaiVersion}), @google/genai ${packageVersion('@google/genai')}, @livetools/core dist of ` +
    `${distBuiltAt('@livetools/core')}, ${cpus().length} CPU(s), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);

const SERVER_NICE = niceFromEnv('PEER_SERVER_NICE');
const server = await startChild(new URL('./lib/peer-server.mjs', import.meta.url));
console.log(`fake server: ${raisePriority(server.child.pid, SERVER_NICE)}`);
const adkHost = await startChild(new URL('./lib/adk-host.mjs', import.meta.url), {
  execArgv: ['--expose-gc'],
});
const closers = [];

/**
 * Connects a client under `label`; resolves with what the server saw in its setup and the time
 * until both the client was ready and the server had accepted the setup (ADK's runLive gives no
 * "connected" signal: for it, the server's acceptance is the end).
 */
async function connect(label, open, keep = true) {
  const accepted = server.request('expect', { label });
  const t0 = performance.now();
  const close = await open();
  const setup = await accepted;
  const connectMs = performance.now() - t0;
  if (keep) closers.push(close);
  else await close();
  return { label, setup, connectMs };
}

/**
 * ADK: an LlmAgent with one FunctionTool run live in the ADK host process (lib/adk-host.mjs), `add`
 * by default, or `countdown`, an async-generator tool (the Python ADK's way of writing a streaming
 * tool), to see what ADK JS makes of it in live mode.
 */
function adkClient(model, label, tool = 'add') {
  return async () => {
    await adkHost.request('open', {
      label,
      model,
      serverUrl: server.url,
      tool,
      description: ADD_DESCRIPTION,
    });
    return () => adkHost.request('close', { label });
  };
}

/** True for the clients that run in the ADK host process, false for those of this one. */
const inAdkHost = (label) => label.startsWith('adk');

/** The CPU time so far (ms) of the process a client runs in. */
const cpuOf = (client) => (inAdkHost(client.label) ? adkHost.request('cpu') : cpuMs());

const scenarios = [
  {
    key: 'A',
    title: `scenario A: ${MODEL_3X}, server sends toolCall`,
    turnComplete: false,
    clients: [
      {
        label: 'raw-genai3',
        name: `raw @google/genai ${packageVersion('@google/genai')}`,
        open: rawClient(genai3, MODEL_3X, server.url),
      },
      {
        label: 'raw-genai3-aa',
        name: 'raw @google/genai (A/A control)',
        open: rawClient(genai3, MODEL_3X, server.url),
      },
      {
        label: 'raw-genai2',
        name: `raw @google/genai ${adkGenaiVersion} (ADK's copy)`,
        open: rawClient(genai2, MODEL_3X, server.url),
      },
      { label: 'livetools-A', name: 'livetools', open: livetoolsClient(MODEL_3X, server.url) },
      {
        label: 'adk-A',
        name: `@google/adk ${packageVersion('@google/adk')}`,
        open: adkClient(MODEL_3X, 'adk-A'),
      },
    ],
  },
  {
    key: 'B',
    title: `scenario B: ${MODEL_25}, server sends toolCall + turnComplete`,
    turnComplete: true,
    clients: [
      {
        label: 'raw-genai3-B',
        name: `raw @google/genai ${packageVersion('@google/genai')}`,
        open: rawClient(genai3, MODEL_25, server.url),
      },
      {
        label: 'raw-genai3-B-aa',
        name: 'raw @google/genai (A/A control)',
        open: rawClient(genai3, MODEL_25, server.url),
      },
      { label: 'livetools-B', name: 'livetools', open: livetoolsClient(MODEL_25, server.url) },
      {
        label: 'adk-B',
        name: `@google/adk ${packageVersion('@google/adk')}`,
        open: adkClient(MODEL_25, 'adk-B'),
      },
    ],
  },
];

const started = performance.now();
const setups = new Map();
for (const scenario of scenarios) {
  for (const client of scenario.clients) setups.set(client.label, await connect(client.label, client.open));
}
setups.set('adk-stream', await connect('adk-stream', adkClient(MODEL_3X, 'adk-stream', 'countdown')));

// What each client declared, and whether ADK runs a call without turnComplete (scenario B's model).
const adkSetup = setups.get('adk-A').setup;
const livetoolsSetup = setups.get('livetools-A').setup;
const heldProbe = await server.request('probe', {
  label: 'adk-B',
  name: 'add',
  args: { a: 1, b: 2 },
  waitMs: 500,
});
await server.request('turnComplete', { label: 'adk-B' }); // releases the held call
await new Promise((resolve) => setTimeout(resolve, 100));
const streamProbe = await server.request('probe', {
  label: 'adk-stream',
  name: 'countdown',
  args: { n: 3 },
  waitMs: 1000,
});

// Warm-up, then the timed rounds (below), the clients taking turns.
const samples = new Map();
for (const scenario of scenarios) {
  for (const client of scenario.clients) {
    await server.request('run', {
      label: client.label,
      iterations: WARMUP,
      turnComplete: scenario.turnComplete,
    });
    samples.set(client.label, []);
  }
}
const starts = new Map([...samples.keys()].map((label) => [label, []]));
const cpuPerLabel = new Map([...samples.keys()].map((label) => [label, 0]));
// CPU per round trip of each client in each round (ms), for the per-round ratios.
const cpuPerRound = new Map([...samples.keys()].map((label) => [label, []]));
// The first round trip of each window, and how many of a window's first round trips the latency
// percentiles leave out.
const firsts = new Map([...samples.keys()].map((label) => [label, []]));
const COLD = 2;
// Each window as `label startNs endNs roundTrips` (process.hrtime, CLOCK_MONOTONIC like `perf record
// -k CLOCK_MONOTONIC`), when PEER_WINDOW_LOG names a file.
const windowLog = [];
// Every client of both scenarios in one list, each round in the order of one row of a balanced
// Latin square: over a full cycle of rows every client runs right after every other equally often,
// so whatever a client leaves behind (its garbage, its asynchronous tails) lands on all the others
// alike. (A rotation of one fixed order would keep the neighbours: the first raw client always ran
// right after ADK and read 15 % more CPU than its A/A twin.) The setup's garbage is collected
// first, so that no client's first window pays for it.
await fullGc();
const windows = scenarios.flatMap((scenario) => scenario.clients.map((client) => ({ scenario, client })));
const orders = balancedOrders(windows.length);
const gc = recordGc();
const cpuStart = process.cpuUsage();
const serverCpuStart = await server.request('cpu');
const adkCpuStart = await adkHost.request('cpu');
const machineStart = machineCpu();
const roundsStart = performance.now();
for (let round = 0; round < ROUNDS; round++) {
  const per = Math.floor(ITERATIONS / ROUNDS) + (round < ITERATIONS % ROUNDS ? 1 : 0);
  for (const index of orders[round % orders.length]) {
    const { scenario, client } = windows[index];
    const w0 = process.hrtime.bigint();
    const c0 = await cpuOf(client);
    const got = await server.request('run', {
      label: client.label,
      iterations: per,
      turnComplete: scenario.turnComplete,
    });
    const usedMs = (await cpuOf(client)) - c0;
    windowLog.push(`${client.label} ${w0} ${process.hrtime.bigint()} ${per}`);
    cpuPerLabel.set(client.label, cpuPerLabel.get(client.label) + usedMs);
    cpuPerRound.get(client.label).push(usedMs / per);
    // A window's first round trips run with caches cold after the other clients' windows (the
    // more code a client runs, the slower): kept apart, so that the latency percentiles are those
    // of a client in use, and shown on their own below.
    firsts.get(client.label).push(got.samples[0]);
    samples.get(client.label).push(...got.samples.slice(COLD));
    starts.get(client.label).push(...got.starts.slice(COLD));
  }
}
const elapsedS = (performance.now() - started) / 1000;
if (process.env.PEER_WINDOW_LOG) writeFileSync(process.env.PEER_WINDOW_LOG, `${windowLog.join('\n')}\n`);
const roundsMs = performance.now() - roundsStart;
const machineEnd = machineCpu();
const clientCpu = process.cpuUsage(cpuStart);
const serverCpuMs = (await server.request('cpu')) - serverCpuStart;
const adkCpuMs = (await adkHost.request('cpu')) - adkCpuStart;
const pauses = await gc.stop();

// Heap kept per round trip: 2,000 more calls on one client, full GC before and after (in the
// process the client runs in).
const retained = new Map();
if (globalThis.gc) {
  const heapOf = async (label) => {
    if (inAdkHost(label)) return adkHost.request('heap');
    await fullGc();
    return process.memoryUsage().heapUsed;
  };
  for (const label of ['raw-genai3', 'livetools-A', 'adk-A']) {
    const h0 = await heapOf(label);
    await server.request('run', { label, iterations: 2000, turnComplete: false });
    retained.set(label, ((await heapOf(label)) - h0) / 2000);
  }
}

// Connect + setup, the clients taking turns (the first connections above paid for cold code).
const connectClients = [
  ['raw @google/genai', () => rawClient(genai3, MODEL_3X, server.url)],
  ['livetools', () => livetoolsClient(MODEL_3X, server.url)],
  ['@google/adk', (label) => adkClient(MODEL_3X, label)],
];
const connectMs = new Map(connectClients.map(([name]) => [name, []]));
for (let k = 0; k < CONNECTS; k++) {
  for (let j = 0; j < connectClients.length; j++) {
    const [name, make] = connectClients[(j + k) % connectClients.length];
    const label = `connect-${k}-${j}`;
    connectMs.get(name).push((await connect(label, make(label), false)).connectMs);
  }
}

const lastResponses = {
  livetools: await server.request('lastResponse', { label: 'livetools-A' }),
  adk: await server.request('lastResponse', { label: 'adk-A' }),
  raw: await server.request('lastResponse', { label: 'raw-genai3' }),
};
for (const close of closers) await close();
await adkHost.stop();
await server.stop();

// The tables.
for (const scenario of scenarios) {
  const base = summarize(samples.get(scenario.clients[0].label));
  report.add({
    name: `${scenario.title} (each window's first ${COLD} round trips left out)`,
    figure: 'p50 / p99 / mean',
    ratio: 'p50× / p99× vs raw (p50 added)',
  });
  for (const client of scenario.clients) {
    const list = samples.get(client.label);
    const s = summarize(list);
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    const judged = scenario.key === 'A' && client.name === 'livetools';
    report.add({
      name: `  ${client.name}`,
      figure: `${ms(s.p50)} / ${ms(s.p99)} / ${ms(mean)}`,
      ratio:
        client === scenario.clients[0]
          ? '1 / 1'
          : `${fmt(s.p50 / base.p50, 2)} / ${fmt(s.p99 / base.p99, 2)} (${s.p50 >= base.p50 ? '+' : '−'}${fmt(Math.abs(s.p50 - base.p50) * 1000, 0)} µs)`,
      ...(judged ? { target: `p99× ≤ ${TARGET_P99_A}`, pass: s.p99 / base.p99 <= TARGET_P99_A } : {}),
    });
  }
}
report.add({
  name: `first round trip of each of the ${ROUNDS} windows (caches cold after the other clients ran): p50 / max`,
  figure: '',
});
for (const scenario of scenarios) {
  for (const client of scenario.clients) {
    const cold = summarize(firsts.get(client.label));
    report.add({ name: `  ${scenario.key}: ${client.name}`, figure: `${ms(cold.p50)} / ${ms(cold.max)}` });
  }
}
report.add({
  name: 'client CPU per round trip (the process the client runs in, while it runs; IPC included)',
  figure: 'mean',
  ratio: 'vs raw: median of the rounds (all rounds)',
});
for (const scenario of scenarios) {
  const baseLabel = scenario.clients[0].label;
  // Every client ran ITERATIONS round trips in the rounds (the latency samples leave some out).
  const base = cpuPerLabel.get(baseLabel) / ITERATIONS;
  const baseRounds = cpuPerRound.get(baseLabel);
  for (const client of scenario.clients) {
    const per = cpuPerLabel.get(client.label) / ITERATIONS;
    // One ratio per round, against the raw client's window of the same round: a lump of work that
    // lands in one window (a major GC, a neighbour's tail) moves one ratio, not the figure.
    const ratio = percentile(
      cpuPerRound
        .get(client.label)
        .map((ms, round) => ms / baseRounds[round])
        .sort((a, b) => a - b),
      50,
    );
    report.add({
      name: `  ${scenario.key}: ${client.name}`,
      figure: `${fmt(per * 1000, 1)} µs`,
      ratio: `${fmt(ratio, 2)}× (${fmt(per / base, 2)}×)`,
      ...(client.name === 'livetools' ? { target: `≤ ${TARGET_CPU}×`, pass: ratio <= TARGET_CPU } : {}),
    });
  }
}
report.add({ name: 'round trips with a client GC pause inside them: share; p99 of the others', figure: '' });
for (const scenario of scenarios) {
  for (const client of scenario.clients) {
    const list = samples.get(client.label);
    const from = starts.get(client.label);
    const clean = [];
    for (let i = 0; i < list.length; i++) {
      if (!overlapsAny(pauses, from[i], from[i] + list[i])) clean.push(list[i]);
    }
    report.add({
      name: `  ${scenario.key}: ${client.name}`,
      figure: `${fmt(((list.length - clean.length) / list.length) * 100, 2)} %; ${ms(summarize(clean).p99)}`,
    });
  }
}
for (const [label, name] of [
  ['raw-genai3', 'raw @google/genai'],
  ['livetools-A', 'livetools'],
  ['adk-A', '@google/adk'],
]) {
  const times = summarize(connectMs.get(name) ?? []);
  report.add({
    name: `connect + setup p50 / max of ${CONNECTS}, ${name}`,
    figure: `${ms(times.p50, 1)} / ${ms(times.max, 1)}`,
  });
  if (retained.has(label)) {
    report.add({
      name: `heap kept per round trip after GC, ${name}`,
      figure: `${fmt(retained.get(label), 0)} B`,
    });
  }
}
report.add({
  name: 'ADK, 2.5 model, toolCall without turnComplete: responses within 500 ms',
  figure: `${heldProbe.responses.length} (the call runs only when turnComplete arrives)`,
});
if (machineStart && machineEnd) {
  const share = (machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total);
  const ours = ((clientCpu.user + clientCpu.system) / 1000 + adkCpuMs + serverCpuMs) / roundsMs;
  report.add({
    name: 'machine CPU busy during the rounds: all / clients + server / everything else',
    figure: `${fmt(share * cpus().length * 100, 0)} % / ${fmt(ours * 100, 0)} % / ${fmt((share * cpus().length - ours) * 100, 0)} % of one core`,
  });
}
report.print(
  `Results (${fmt(elapsedS, 1)} s; load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')})`,
);

console.log('\nWhat each client declared (setup.tools) and answered (last function response):');
console.log(`  raw:         ${JSON.stringify(lastResponses.raw)}`);
console.log(`  livetools:   ${JSON.stringify(livetoolsSetup.declarations)}`);
console.log(
  `               ${JSON.stringify(lastResponses.livetools)} (apiVersion ${livetoolsSetup.apiVersion})`,
);
console.log(`  @google/adk: ${JSON.stringify(adkSetup.declarations)}`);
console.log(`               ${JSON.stringify(lastResponses.adk)} (apiVersion ${adkSetup.apiVersion})`);
const streamDeclared = setups.get('adk-stream').setup.declarations.map((d) => d.name);
console.log(
  `\nADK JS streaming tools in live mode: an async-generator FunctionTool (countdown, n=3, a value every 50 ms) ` +
    `declared as ${JSON.stringify(streamDeclared)} (no stop_streaming, no behavior: NON_BLOCKING); ` +
    `responses within 1 s of the call: ${streamProbe.responses.length}: ` +
    `${streamProbe.responses.map((r) => `${fmt(r.afterMs, 1)} ms ${JSON.stringify(r.response)}`).join('; ') || 'none'}`,
);

/** The version in the package.json above a module URL. */
function packageVersionAt(url) {
  let dir = new URL('.', url);
  for (let i = 0; i < 6; i++) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')).version ?? 'unknown';
      } catch {}
    }
    dir = new URL('..', dir);
  }
  return 'unknown';
}

/**
 * The rows of a balanced Latin square of order `n` (Williams' design): each row is an order of
 * 0..n-1, and over the rows each ordered pair of neighbours occurs equally often (once for an even
 * `n`; for an odd `n` the square and its mirror, twice as many rows).
 */
function balancedOrders(n) {
  const first = [];
  for (let low = 0, high = n - 1, k = 0; k < n; k++) first.push(k % 2 === 0 ? low++ : high--);
  const rows = [];
  for (let shift = 0; shift < n; shift++) rows.push(first.map((v) => (v + shift) % n));
  return n % 2 === 0 ? rows : [...rows, ...rows.map((row) => [...row].reverse())];
}
