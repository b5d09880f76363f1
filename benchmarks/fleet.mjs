// A fleet of agent processes sharing one market feed over NATS: one nats-server, one quote relay
// (its own process, the simulated source at FLEET_SPEED), FLEET_AGENTS agent processes with
// FLEET_SESSIONS_PER_AGENT sessions each, FLEET_SYMBOLS symbols; then the same sessions in one
// process on the simulated source directly, for comparison. Prints two lines:
//
//   fleet: P processes, S sessions, K symbols, U upstream subscriptions (PASS|MISS), hop p50 X ms p99 Y ms, relay CPU Z%
//   single process: 1 process, S sessions, K symbols, hop p50 X ms p99 Y ms, process CPU Z%
//
// and its progress on stderr. U is the relay's count of upstream subscriptions (QuoteRelay.stats()),
// which must equal K: one per symbol for the whole fleet. Hop: the relay's publish → the
// `monitor_stock_price` tool's emission in an agent process (lib/fleet-sessions.mjs), with the
// clock offset of each process (estimated over IPC, shortest of 30 pings) removed. Relay CPU:
// process.cpuUsage() of the relay process over the window, as a share of one core.
//
//   npm run bench:fleet -w benchmarks
//   FLEET_SECONDS=10 node benchmarks/fleet.mjs
//
// Environment: FLEET_AGENTS (4), FLEET_SESSIONS_PER_AGENT (250), FLEET_SYMBOLS (50), FLEET_SPEED
// (600 simulated trading seconds a second), FLEET_SECONDS (30, each window), FLEET_WARMUP_SECONDS
// (5), NATS_SERVER_BIN (nats-server on the PATH).
import { cpus, loadavg } from 'node:os';
import { SIMULATED_INSTRUMENTS } from '@livetools/tools-stock';
import { startChild } from './lib/child.mjs';
import { startNats } from './lib/fleet-nats.mjs';
import { benchSymbols } from './lib/fleet-sessions.mjs';
import { fmt, sleep, summarize, wallNow } from './lib/stats.mjs';

const env = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const AGENTS = Math.max(1, Math.round(env('FLEET_AGENTS', 4)));
const PER_AGENT = Math.max(1, Math.round(env('FLEET_SESSIONS_PER_AGENT', 250)));
const SYMBOL_COUNT = Math.max(1, Math.round(env('FLEET_SYMBOLS', 50)));
const SPEED = env('FLEET_SPEED', 600);
const SECONDS = env('FLEET_SECONDS', 30);
const WARMUP_SECONDS = env('FLEET_WARMUP_SECONDS', 5);
const SESSIONS = AGENTS * PER_AGENT;
const symbols = benchSymbols(SYMBOL_COUNT, Object.keys(SIMULATED_INSTRUMENTS));
const progress = (line) => process.stderr.write(`${line}\n`);

progress(
  `fleet benchmark: ${AGENTS} agent processes × ${PER_AGENT} sessions, ${SYMBOL_COUNT} symbols, speed ${SPEED}, ` +
    `${SECONDS} s windows after ${WARMUP_SECONDS} s warm-up; Node ${process.version}, ${cpus().length} CPU(s), ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);

const fleet = await runFleet();
console.log(
  `fleet: ${AGENTS} processes, ${fmt(SESSIONS, 0)} sessions, ${SYMBOL_COUNT} symbols, ` +
    `${fleet.upstream} upstream subscriptions (${fleet.upstream === SYMBOL_COUNT ? 'PASS' : 'MISS'}: U == K), ` +
    `hop p50 ${fmt(fleet.hop.p50, 2)} ms p99 ${fmt(fleet.hop.p99, 2)} ms, relay CPU ${fmt(fleet.relayCpu, 1)}%`,
);
const single = await runSingle();
console.log(
  `single process: 1 process, ${fmt(SESSIONS, 0)} sessions, ${SYMBOL_COUNT} symbols, ` +
    `hop p50 ${fmt(single.hop.p50, 2)} ms p99 ${fmt(single.hop.p99, 2)} ms, process CPU ${fmt(single.cpu, 1)}%`,
);
if (fleet.upstream !== SYMBOL_COUNT) process.exitCode = 1;

async function runFleet() {
  const nats = await startNats();
  const children = [];
  try {
    const relay = await startChild(new URL('./lib/fleet-relay.mjs', import.meta.url), {
      env: { NATS_URL: nats.url, FLEET_SPEED: String(SPEED) },
    });
    children.push(relay);
    const agents = [];
    for (let a = 0; a < AGENTS; a++) {
      const agent = await startChild(new URL('./lib/fleet-agent.mjs', import.meta.url), {
        env: {
          NATS_URL: nats.url,
          FLEET_SYMBOLS: JSON.stringify(symbols),
          FLEET_AGENT_SESSIONS: String(PER_AGENT),
          FLEET_AGENT_FIRST: String(a * PER_AGENT),
        },
      });
      children.push(agent);
      agents.push(agent);
    }
    await waitFor(
      async () => (await relay.request('stats')).upstreamSubscriptions >= SYMBOL_COUNT,
      30_000,
      'the relay to subscribe upstream to every symbol',
    );
    await sleep(WARMUP_SECONDS * 1000);
    const relayOffset = await clockOffset(relay);
    const agentOffsets = [];
    for (const agent of agents) agentOffsets.push(await clockOffset(agent));
    for (const child of children) await child.request('cpu-start');
    for (const agent of agents) await agent.request('take');
    await sleep(SECONDS * 1000);
    const relayCpu = await relay.request('cpu');
    const stats = await relay.request('stats');
    const hops = [];
    const counts = { emissions: 0, matched: 0, unmatched: 0, errors: 0, firstError: undefined };
    let agentCpuMs = 0;
    const natsSubscriptions = [];
    for (const [i, agent] of agents.entries()) {
      const taken = await agent.request('take');
      const agentCpu = await agent.request('cpu');
      agentCpuMs += agentCpu.cpuMs;
      natsSubscriptions.push((await agent.request('stats')).subscriptions);
      // sample = emission (agent clock) − publish (relay clock); to one clock: + relay offset − agent offset
      const correction = relayOffset.offset - agentOffsets[i].offset;
      for (const sample of taken.samples) hops.push(sample + correction);
      for (const key of ['emissions', 'matched', 'unmatched', 'errors']) counts[key] += taken.counts[key];
      counts.firstError ??= taken.counts.firstError;
    }
    const hop = summarize(hops);
    progress(
      `fleet window: ${fmt(hop.n, 0)} emissions timed (${fmt(counts.unmatched, 0)} unmatched, ${counts.errors} error responses${counts.firstError ? `, first: ${counts.firstError}` : ''}), ` +
        `relay published ${fmt(stats.published, 0)} quotes in all, demand from ${stats.demandProcesses} processes, ` +
        `${stats.symbols.length} symbols; NATS subscriptions per agent process ${natsSubscriptions.join(', ')}; hop p90 ${fmt(hop.p90, 2)} ms max ${fmt(hop.max, 2)} ms; ` +
        `agents' CPU ${fmt((agentCpuMs / relayCpu.wallMs) * 100, 1)}% of one core in all; clock offsets ` +
        `relay ${fmt(relayOffset.offset, 3)} ± ${fmt(relayOffset.error, 3)} ms, agents ${agentOffsets
          .map((o) => `${fmt(o.offset, 3)} ± ${fmt(o.error, 3)}`)
          .join(', ')} ms`,
    );
    return {
      upstream: stats.upstreamSubscriptions,
      hop,
      relayCpu: (relayCpu.cpuMs / relayCpu.wallMs) * 100,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    await nats.stop();
  }
}

async function runSingle() {
  const child = await startChild(new URL('./lib/fleet-single.mjs', import.meta.url), {
    env: {
      FLEET_SYMBOLS: JSON.stringify(symbols),
      FLEET_AGENT_SESSIONS: String(SESSIONS),
      FLEET_SPEED: String(SPEED),
    },
  });
  try {
    await sleep(WARMUP_SECONDS * 1000);
    await child.request('cpu-start');
    await child.request('take');
    await sleep(SECONDS * 1000);
    const cpu = await child.request('cpu');
    const taken = await child.request('take');
    const hop = summarize(taken.samples);
    progress(
      `single-process window: ${fmt(hop.n, 0)} emissions timed (${fmt(taken.counts.unmatched, 0)} unmatched, ` +
        `${taken.counts.errors} error responses${taken.counts.firstError ? `, first: ${taken.counts.firstError}` : ''}); hop p90 ${fmt(hop.p90, 2)} ms max ${fmt(hop.max, 2)} ms`,
    );
    return { hop, cpu: (cpu.cpuMs / cpu.wallMs) * 100 };
  } finally {
    await child.stop();
  }
}

/** The child's clock minus ours, from the IPC ping with the shortest round trip. */
async function clockOffset(child) {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < 30; i++) {
    const t0 = wallNow();
    const remote = await child.request('clock');
    const t1 = wallNow();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: remote - (t0 + t1) / 2 };
  }
  return { offset: best.offset, error: best.rtt / 2 };
}

/** Polls `probe` (no event to wait on: the relay's stats live in another process) until it holds. */
async function waitFor(probe, timeoutMs, what) {
  const deadline = wallNow() + timeoutMs;
  while (!(await probe())) {
    if (wallNow() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
