// 4. Leaks: many start/cancel cycles leave no subscription, timer or listener behind, and the heap
// after a full GC stays within 5% of where it started. First through a bare ToolRunner, then
// through a live session whose fake server runs in a worker thread (so that the frames it records
// are not in this thread's heap).
import { createHook } from 'node:async_hooks';
import { getActiveResourcesInfo } from 'node:process';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { interval, merge } from 'rxjs';
import { createLiveAgent, ToolRunner } from '../dist/index.js';
import { feedTool, genai, MODEL } from './lib/live.mjs';
import { addRow } from './lib/report.mjs';
import { fmt, fullGc, sleep, tick } from './lib/stats.mjs';

const TARGET_HEAP = 0.05;

const heapUsed = () => getHeapStatistics().used_heap_size;
const timers = () => getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const handles = () => getActiveResourcesInfo().length;

/**
 * A feed tool whose every call also holds a timer (an hour-long interval) and an abort listener, and
 * is armed with a max duration (a scheduler timer), so that a leak of any of them shows.
 */
function leakProbeTool() {
  const aborts = { added: 0, fired: 0 };
  const fixture = feedTool({
    maxDurationMs: 3_600_000,
    source: (ctx) => {
      aborts.added += 1;
      ctx.signal.addEventListener('abort', () => (aborts.fired += 1), { once: true });
      return merge(fixture.feed, interval(3_600_000));
    },
  });
  return { fixture, aborts };
}

/**
 * Counts the timers created while it is on and not yet cleared or fired (async_hooks `Timeout`
 * resources), so that timers left from before (say, another benchmark's) do not blur the figure.
 */
function timerLedger() {
  const live = new Set();
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout') live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  });
  return {
    start: () => hook.enable(),
    stop() {
      hook.disable();
      return live.size;
    },
  };
}

/** Waits (at most `ms`) until no timer is pending, e.g. those left by earlier benchmarks. */
async function drainTimers(ms = 4000) {
  const until = performance.now() + ms;
  while (timers() > 0 && performance.now() < until) await sleep(20);
}

/** The listeners on an EventEmitter and on its socket, if it has one. */
function listenerTotal(emitter) {
  if (!emitter) return 0;
  const count = (e) => (e ? e.eventNames().reduce((n, name) => n + e.listenerCount(name), 0) : 0);
  return count(emitter) + count(emitter._socket);
}

async function measured(label, run) {
  await tick();
  fullGc();
  const before = { heap: heapUsed(), timers: timers(), handles: handles() };
  const ledger = timerLedger();
  ledger.start();
  const t0 = performance.now();
  const extra = await run();
  const ms = performance.now() - t0;
  await tick();
  const timersLeft = ledger.stop();
  fullGc();
  const after = { heap: heapUsed(), timers: timers(), handles: handles() };
  const growth = (after.heap - before.heap) / before.heap;
  return { label, before, after, growth, ms, timersLeft, ...extra };
}

export async function runnerLeaks({ cycles = 100_000, warmup = 5_000 } = {}) {
  const { fixture, aborts } = leakProbeTool();
  let responses = 0;
  const runner = new ToolRunner({
    tools: [fixture.tool],
    sink: { send: (r) => (responses += r.length) },
  });
  let events = 0;
  runner.events$.subscribe(() => (events += 1));
  let n = 0;
  const cycle = () => {
    const id = `c${++n}`;
    runner.handleToolCall([{ id, name: fixture.tool.name, args: { symbol: 'AAPL' } }]);
    switch (n % 3) {
      case 0:
        runner.handleCancellation([id]);
        break;
      case 1:
        runner.handleToolCall([{ id: `s${n}`, name: 'stop_streaming', args: { call_id: id } }]);
        break;
      default:
        runner.stopCalls({ callId: id });
    }
  };
  await drainTimers();
  for (let i = 0; i < warmup; i++) cycle();
  // The probe must see what a running call holds: its interval and its max-duration timer.
  const idle = timers();
  runner.handleToolCall([{ id: 'probe', name: fixture.tool.name, args: {} }]);
  const held = timers() - idle;
  runner.handleCancellation(['probe']);
  const m = await measured('runner', async () => {
    const started = fixture.counters.subscribed;
    for (let i = 0; i < cycles; i++) cycle();
    return { started: fixture.counters.subscribed - started };
  });
  const active = runner.activeCalls().length;
  const live = fixture.live;
  const observed = fixture.feed.observed;
  runner.dispose();
  report(m, {
    name: `leaks: ${fmt(cycles, 0)} start/cancel cycles, ToolRunner`,
    cycles,
    checks: {
      'probe sees timers': held >= 2,
      'calls started': m.started === cycles,
      'active calls 0': active === 0,
      'live subscriptions 0': live === 0,
      'feed unobserved': !observed,
      'no timer left': m.timersLeft === 0 && m.after.timers <= m.before.timers,
      'abort listeners fired': aborts.fired === aborts.added,
    },
    detail: `${fmt(cycles / (m.ms / 1000), 0)} cycles/s; active calls ${active}, live subscriptions ${live}, timers left ${m.timersLeft} (pending ${m.before.timers} → ${m.after.timers}; a running call holds ${held}), abort listeners ${aborts.fired}/${aborts.added} fired, ${fmt(responses, 0)} responses, ${fmt(events, 0)} events`,
  });
  return m;
}

export async function sessionLeaks({ cycles = 5_000, warmup = 3_000, batch = 250 } = {}) {
  const worker = new Worker(new URL('./lib/server-worker.mjs', import.meta.url));
  const inbox = [];
  let wake;
  worker.on('message', (message) => {
    inbox.push(message);
    wake?.();
  });
  const receive = async (...types) => {
    for (;;) {
      const index = inbox.findIndex((m) => types.includes(m.type));
      if (index >= 0) return inbox.splice(index, 1)[0];
      await new Promise((resolve) => {
        wake = resolve;
      });
    }
  };
  const { url } = await receive('ready');
  const { fixture, aborts } = leakProbeTool();
  await drainTimers();
  const ai = genai({ url });
  let sdkSession;
  const client = { vertexai: false, live: { connect: async (p) => (sdkSession = await ai.live.connect(p)) } };
  const session = await createLiveAgent({ ai: client, model: MODEL, tools: [fixture.tool] }).connect();
  // Internal look (the SDK's ws socket): listeners must not pile up with calls.
  const listeners = () => listenerTotal(sdkSession?.conn?.ws);
  let events = 0;
  const subscription = session.events$.subscribe(() => (events += 1));
  let from = 0;
  const run = async (count) => {
    const tornDown = fixture.counters.tornDown;
    worker.postMessage({ type: 'cycles', tool: fixture.tool.name, from, count, batch });
    from += count;
    for (;;) {
      const message = await receive('batch', 'cycles-done');
      if (message.type === 'cycles-done') break;
      while (fixture.counters.tornDown - tornDown < message.done) await sleep(1);
      worker.postMessage({ type: 'next' });
    }
    return { started: fixture.counters.tornDown - tornDown };
  };
  await run(warmup);
  const listenersBefore = listeners();
  const m = await measured('session', () => run(cycles));
  const listenersAfter = listeners();
  const active = session.activeCalls().length;
  const live = fixture.live;
  // Internal look (not public API): the session's realtime-input subjects must have no tool left on them.
  const inputs = ['video', 'audioIn', 'textIn'].filter((k) => session[k]?.observed).length;
  subscription.unsubscribe();
  // close() must not leave a timer behind either (it would keep the closed session reachable).
  const closeLedger = timerLedger();
  closeLedger.start();
  const closeStart = performance.now();
  await session.close();
  const closeMs = performance.now() - closeStart;
  await tick();
  const timersAfterClose = closeLedger.stop();
  worker.postMessage({ type: 'close' });
  await new Promise((resolve) => worker.once('exit', resolve));
  report(m, {
    name: `leaks: ${fmt(cycles, 0)} start/cancel cycles, live session`,
    cycles,
    checks: {
      'calls started': m.started === cycles,
      'active calls 0': active === 0,
      'live subscriptions 0': live === 0,
      'input subjects unobserved': inputs === 0,
      'socket listeners unchanged': listenersAfter === listenersBefore,
      'no timer left': m.timersLeft === 0 && m.after.timers <= m.before.timers,
      'abort listeners fired': aborts.fired === aborts.added,
    },
    detail: `${fmt(cycles / (m.ms / 1000), 0)} cycles/s; active calls ${active}, live subscriptions ${live}, timers left ${m.timersLeft} (pending ${m.before.timers} → ${m.after.timers}), handles ${m.before.handles} → ${m.after.handles}, socket listeners ${listenersBefore} → ${listenersAfter}, abort listeners ${aborts.fired}/${aborts.added} fired, ${fmt(events, 0)} events`,
  });
  console.log(
    `session.close(): resolved in ${fmt(closeMs, 1)} ms; timers it armed still pending afterwards: ${timersAfterClose}` +
      (timersAfterClose ? ' (the close timeout is not cleared when the socket closes first)' : ''),
  );
  addRow({
    name: 'timers left pending by session.close()',
    figure: `${timersAfterClose}`,
    target: '0',
    pass: timersAfterClose === 0,
  });
  return { ...m, timersAfterClose };
}

function report(m, { name, cycles, checks, detail }) {
  const failed = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([k]) => k);
  const kib = (b) => `${fmt(b / 1024 / 1024, 2)} MiB`;
  console.log(
    `${name}: heap after GC ${kib(m.before.heap)} → ${kib(m.after.heap)} (${m.growth >= 0 ? '+' : ''}${fmt(m.growth * 100, 2)}%, ` +
      `${fmt((m.after.heap - m.before.heap) / cycles, 1)} B per cycle); ${detail}` +
      (failed.length ? `; FAILED: ${failed.join(', ')}` : ''),
  );
  addRow({
    name,
    figure: `heap ${m.growth >= 0 ? '+' : ''}${fmt(m.growth * 100, 2)}%, ${failed.length ? `failed: ${failed.join(', ')}` : 'nothing left behind'}`,
    target: `heap ≤ +${TARGET_HEAP * 100}%, 0 left`,
    ratio: fmt(m.growth / TARGET_HEAP, 2),
    pass: m.growth <= TARGET_HEAP && failed.length === 0,
  });
}
