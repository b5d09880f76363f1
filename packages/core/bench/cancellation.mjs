// 3. Cancellation latency: from the moment the fake server sends a `toolCallCancellation`, or a
// `stop_streaming` call, to the tool's upstream teardown (the Observable's teardown function), both
// taken with performance.now() in this process. Each sample is also split at the moment livetools
// receives the message from the SDK (`session.messages$`), which separates the transport (server →
// socket → SDK) from livetools' own part (message → runner → teardown).
import { performance } from 'node:perf_hooks';
import { connectLivetools, createFakeLiveServer } from './lib/live.mjs';
import { addRow } from './lib/report.mjs';
import { fmt, fullGc, summarize, tick, us } from './lib/stats.mjs';

const TARGET_P99_MS = 1;

export async function cancellationLatency({ n = 2000, warmup = 300 } = {}) {
  const server = await createFakeLiveServer({ timeoutMs: 10_000 });
  const lt = await connectLivetools(server);
  const { fixture, connection, session } = lt;
  let received = 0;
  const messages = session.messages$.subscribe(() => {
    received = performance.now();
  });
  let nextId = 0;

  const startCall = () =>
    new Promise((resolve) => {
      fixture.hooks.onStart = (callId) => {
        fixture.hooks.onStart = () => {};
        resolve(callId);
      };
      connection.callTool(fixture.tool.name, { symbol: 'AAPL' }, `cancel-${++nextId}`);
    });
  const stopAndTime = (callId, send) =>
    new Promise((resolve) => {
      let t0 = 0;
      fixture.hooks.onTeardown = (id, time) => {
        if (id !== callId) return;
        fixture.hooks.onTeardown = () => {};
        resolve({ total: time - t0, inLivetools: time - received });
      };
      t0 = performance.now();
      send();
    });
  const byServer = async () => {
    const id = await startCall();
    return stopAndTime(id, () => connection.cancelToolCalls(id));
  };
  const byStopStreaming = async () => {
    const id = await startCall();
    let stopId = '';
    const sample = await stopAndTime(id, () => {
      stopId = connection.callTool('stop_streaming', { call_id: id }, `stop-${id}`);
    });
    // Let the answers to the stop reach the server, so that they do not delay the next measurement.
    await connection.waitForToolResponse(stopId);
    await connection.waitForToolResponse(id, (r) => r.willContinue === false);
    return sample;
  };

  for (let i = 0; i < warmup; i++) {
    await byServer();
    await byStopStreaming();
  }
  fullGc();
  const samples = { server: [], stop: [] };
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? ['server', 'stop'] : ['stop', 'server'];
    for (const kind of order) {
      await tick();
      samples[kind].push(await (kind === 'server' ? byServer() : byStopStreaming()));
    }
  }
  // The session's own first call is still running; every cycle's call must be gone.
  const leftRunning = session.activeCalls().length - 1;
  const live = fixture.live - 1;
  messages.unsubscribe();
  await lt.close();
  await server.close();

  console.log(
    `cancellation latency (${fmt(n, 0)} cycles of each kind after ${warmup} warm-up, alternating; afterwards ` +
      `${leftRunning} cycle call(s) active, ${live} subscription(s) live):`,
  );
  const result = {};
  for (const [key, label] of [
    ['server', 'toolCallCancellation → teardown'],
    ['stop', 'stop_streaming → teardown'],
  ]) {
    const total = summarize(samples[key].map((s) => s.total));
    const own = summarize(samples[key].map((s) => s.inLivetools));
    console.log(
      `  ${label}: p50 ${us(total.p50)} p99 ${us(total.p99)} max ${us(total.max)}; of which SDK onmessage → teardown ` +
        `(livetools) p50 ${us(own.p50)} p99 ${us(own.p99)}`,
    );
    addRow({
      name: `cancel latency p50, ${label}`,
      figure: `${us(total.p50)} (livetools ${us(own.p50)})`,
    });
    addRow({
      name: `cancel latency p99, ${label}`,
      figure: `${us(total.p99)} (livetools ${us(own.p99)})`,
      target: `≤ ${TARGET_P99_MS} ms`,
      ratio: fmt(total.p99 / TARGET_P99_MS, 3),
      pass: total.p99 <= TARGET_P99_MS && leftRunning === 0 && live === 0,
    });
    result[key] = { total, own };
  }
  return result;
}
