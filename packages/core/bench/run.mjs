// Benchmarks of @livetools/core (run `npm run bench` at the root). They print figures; nothing here
// asserts a time. Uses the built package (dist) and the real @google/genai client on loopback.
import { performance } from 'node:perf_hooks';
import { GoogleGenAI } from '@google/genai';
import { range, Subject } from 'rxjs';
import { z } from 'zod';
import { createLiveAgent, defineStreamingTool, defineTool, ToolScheduler } from '../dist/index.js';
import { createFakeLiveServer } from '../dist/testing/index.js';

const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d });
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function schedulerThroughput() {
  const N = 1_000_000;
  const tool = defineStreamingTool({
    name: 'burst',
    description: 'Emits n numbers synchronously.',
    parameters: z.object({ n: z.number() }),
    execute: ({ n }) => range(0, n),
  });
  let responses = 0;
  const scheduler = new ToolScheduler({ tools: [tool], sink: { send: (r) => (responses += r.length) } });
  const t0 = performance.now();
  scheduler.handleToolCall([{ id: 'b', name: 'burst', args: { n: N } }]);
  const ms = performance.now() - t0;
  scheduler.dispose();
  console.log(
    `scheduler: ${fmt(N, 0)} emissions of one call → ${fmt(responses, 0)} responses in ${fmt(ms)} ms ` +
      `(${fmt((ms * 1e6) / N, 0)} ns per emission, ${fmt(N / (ms / 1000) / 1e6, 2)} M/s)`,
  );
}

function concurrentCalls() {
  const CALLS = 10_000;
  const feed = new Subject();
  const tool = defineStreamingTool({
    name: 'watch',
    description: 'Follows a shared feed.',
    parameters: z.object({ i: z.number() }),
    execute: () => feed,
  });
  let responses = 0;
  const scheduler = new ToolScheduler({ tools: [tool], sink: { send: (r) => (responses += r.length) } });
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) scheduler.handleToolCall([{ id: `c${i}`, name: 'watch', args: { i } }]);
  const startMs = performance.now() - t0;
  globalThis.gc?.();
  const perCall = (process.memoryUsage().heapUsed - before) / CALLS;
  const t1 = performance.now();
  for (let k = 0; k < 10; k++) feed.next({ k });
  const fanMs = performance.now() - t1;
  const t2 = performance.now();
  scheduler.handleToolCall([{ id: 'stop', name: 'stop_streaming', args: { function_name: 'watch' } }]);
  const stopMs = performance.now() - t2;
  scheduler.dispose();
  console.log(
    `scheduler: ${fmt(CALLS, 0)} concurrent calls started in ${fmt(startMs)} ms (${fmt((startMs * 1000) / CALLS, 2)} µs each, ` +
      `validation included); ${globalThis.gc ? `${fmt(perCall / 1024, 2)} KiB heap per running call; ` : ''}` +
      `10 feed values fanned out to ${fmt(responses, 0)} responses in ${fmt(fanMs)} ms; stop_streaming by name stopped all in ${fmt(stopMs)} ms`,
  );
}

async function endToEnd() {
  const server = await createFakeLiveServer();
  const ping = defineTool({
    name: 'ping',
    description: 'pong',
    parameters: z.object({}),
    execute: () => 'pong',
  });
  const feed = new Subject();
  const stream = defineStreamingTool({
    name: 'stream',
    description: 'Streams what the bench pushes.',
    parameters: z.object({}),
    execute: () => feed,
  });
  const agent = createLiveAgent({
    ai: new GoogleGenAI({ apiKey: 'bench', httpOptions: { baseUrl: server.url } }),
    model: 'bench',
    tools: [ping, stream],
  });
  const t0 = performance.now();
  const connected = server.waitForConnection();
  const session = await agent.connect();
  const conn = await connected;
  const connectMs = performance.now() - t0;

  const ROUNDS = 1000;
  const rtt = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const id = conn.callTool('ping');
    await conn.waitForToolResponse(id);
    rtt.push(performance.now() - start);
  }
  rtt.sort((a, b) => a - b);

  const RESULTS = 1000;
  const id = conn.callTool('stream');
  await new Promise((resolve) => {
    const sub = session.events$.subscribe((e) => {
      if (e.type === 'tool-start' && e.callId === id) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  const s0 = performance.now();
  for (let i = 0; i < RESULTS; i++) feed.next(i);
  const issuedMs = performance.now() - s0;
  await conn.waitForToolResponse(id, (r) => r.output === RESULTS - 1, { timeoutMs: 10_000 });
  const receivedMs = performance.now() - s0;
  await session.close();
  await server.close();
  console.log(
    `live session (real @google/genai 3.x ↔ fake server, loopback): connect + setup ${fmt(connectMs)} ms`,
  );
  console.log(
    `live session: ${ROUNDS} sequential toolCall → scheduler → toolResponse round trips: p50 ${fmt(percentile(rtt, 50), 3)} ms, ` +
      `p99 ${fmt(percentile(rtt, 99), 3)} ms, ${fmt(ROUNDS / (rtt.reduce((a, b) => a + b, 0) / 1000), 0)} round trips/s`,
  );
  console.log(
    `live session: ${RESULTS} streamed results of one call issued in ${fmt(issuedMs)} ms, all received by the server in ${fmt(receivedMs)} ms`,
  );
}

schedulerThroughput();
concurrentCalls();
await endToEnd();
