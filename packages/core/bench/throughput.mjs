// 2. Throughput: emissions per second through the ToolRunner into an in-memory sink, and end to
// end over loopback as a fraction of the raw SDK's pipelined throughput (N responses back to back,
// until the fake server has received all of them).
import { performance } from 'node:perf_hooks';
import { range, Subject } from 'rxjs';
import { z } from 'zod';
import { defineStreamingTool, ToolRunner } from '../dist/index.js';
import {
  connectLivetools,
  connectRaw,
  createFakeLiveServer,
  frameProbe,
  payloads,
  rawResponse,
} from './lib/live.mjs';
import { addRow } from './lib/report.mjs';
import { fmt, fullGc, median } from './lib/stats.mjs';

const TARGET_SCHEDULER = 500_000;
const TARGET_E2E = 0.95;

/** Emissions per second of one call pushed through a runner whose sink only counts. */
function runnerRate(kind, n) {
  const feed = new Subject();
  const tool = defineStreamingTool({
    name: 'burst',
    description: 'Emits what the benchmark pushes, or n numbers synchronously.',
    parameters: z.object({ n: z.number() }),
    execute: ({ n }) => (kind === 'range' ? range(0, n) : feed),
  });
  let responses = 0;
  const runner = new ToolRunner({ tools: [tool], sink: { send: (r) => (responses += r.length) } });
  let events = 0;
  runner.events$.subscribe(() => (events += 1));
  let ms;
  if (kind === 'range') {
    const t0 = performance.now();
    runner.handleToolCall([{ id: 'b', name: 'burst', args: { n } }]);
    ms = performance.now() - t0;
  } else {
    runner.handleToolCall([{ id: 'b', name: 'burst', args: { n } }]);
    const value = { symbol: 'AAPL', price: 187.25 };
    const t0 = performance.now();
    for (let i = 0; i < n; i++) feed.next(value);
    ms = performance.now() - t0;
  }
  runner.dispose();
  if (responses < n) throw new Error(`the sink received ${responses} responses for ${n} emissions`);
  return n / (ms / 1000);
}

export function runnerThroughput({ n = 1_000_000, reps = 5 } = {}) {
  const results = {};
  for (const kind of ['subject', 'range']) {
    runnerRate(kind, n / 10); // warm-up
    const rates = [];
    for (let i = 0; i < reps; i++) {
      fullGc();
      rates.push(runnerRate(kind, n));
    }
    results[kind] = { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
  }
  for (const [kind, r] of Object.entries(results)) {
    console.log(
      `runner throughput (${kind === 'range' ? 'range(0, n) emitted synchronously' : 'Subject.next from the benchmark'}, ` +
        `${fmt(n, 0)} emissions × ${reps}, in-memory sink, events$ subscribed): median ${fmt(r.median / 1e6, 2)} M/s ` +
        `(min ${fmt(r.min / 1e6, 2)}, max ${fmt(r.max / 1e6, 2)})`,
    );
  }
  const worst = Math.min(results.subject.median, results.range.median);
  addRow({
    name: 'runner throughput, in-memory sink',
    figure: `${fmt(worst / 1e6, 2)} M emissions/s`,
    target: `≥ ${fmt(TARGET_SCHEDULER / 1000, 0)}k/s`,
    ratio: fmt(worst / TARGET_SCHEDULER, 1),
    pass: worst >= TARGET_SCHEDULER,
  });
  return results;
}

export async function endToEndThroughput({ n = 10_000, rounds = 16 } = {}) {
  const server = await createFakeLiveServer({ timeoutMs: 10_000 });
  const raw = await connectRaw(server);
  const lt = await connectLivetools(server);
  const rawProbe = frameProbe(raw.connection);
  const ltProbe = frameProbe(lt.connection);
  const value = payloads()[0].value;

  const burstRaw = async (count) => {
    const done = rawProbe.afterResponses(count);
    const t0 = performance.now();
    for (let i = 0; i < count; i++) raw.session.sendToolResponse(rawResponse(raw.callId, value));
    return count / (((await done) - t0) / 1000);
  };
  const burstLt = async (count) => {
    const done = ltProbe.afterResponses(count);
    const t0 = performance.now();
    for (let i = 0; i < count; i++) lt.fixture.feed.next(value);
    return count / (((await done) - t0) / 1000);
  };

  // Warm-up: whole bursts, alternating, after a full GC each like the timed ones. A full GC
  // deoptimizes the socket's send path (`ws`, `net`: code both paths share), and the first bursts
  // after a few of them ran at two-thirds of the rate on either path; with shorter warm-up those
  // slow bursts fell into the timed rounds of one path or the other at random.
  for (let i = 0; i < 3; i++) {
    fullGc();
    await burstRaw(n);
    fullGc();
    await burstLt(n);
  }
  // A full GC before every burst: the young generation is resized after one, which slows the next
  // burst down, so every burst starts from the same state. Rounds alternate which path goes first.
  const rawRates = [];
  const ltRates = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['raw', 'lt'] : ['lt', 'raw'];
    for (const path of order) {
      fullGc();
      if (path === 'raw') rawRates.push(await burstRaw(n));
      else ltRates.push(await burstLt(n));
    }
  }
  rawProbe.dispose();
  ltProbe.dispose();
  await lt.close();
  raw.session.close();
  await server.close();

  const r = median(rawRates);
  const l = median(ltRates);
  const ratio = l / r;
  console.log(
    `end-to-end throughput (${fmt(n, 0)} responses back to back until the fake server received all, ${rounds} rounds, ` +
      'alternating which path goes first, full GC before each burst): ' +
      `raw SDK median ${fmt(r, 0)}/s [${rawRates.map((x) => fmt(x, 0)).join(', ')}], ` +
      `livetools median ${fmt(l, 0)}/s [${ltRates.map((x) => fmt(x, 0)).join(', ')}], ratio ${fmt(ratio, 3)}`,
  );
  addRow({
    name: 'end-to-end throughput vs raw SDK',
    figure: `${fmt(l, 0)}/s vs raw ${fmt(r, 0)}/s`,
    target: `ratio ≥ ${TARGET_E2E}`,
    ratio: fmt(ratio, 3),
    pass: ratio >= TARGET_E2E,
  });
  return { raw: r, lt: l, ratio };
}
