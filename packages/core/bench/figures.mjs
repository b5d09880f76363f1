// Figures without a target, kept from the first version of the benchmarks: many concurrent calls
// through one runner, and sequential tool-call round trips over a live session.
import { performance } from 'node:perf_hooks';
import { Subject } from 'rxjs';
import { z } from 'zod';
import { createLiveAgent, defineStreamingTool, defineTool, ToolRunner } from '../dist/index.js';
import { createFakeLiveServer, genai, MODEL } from './lib/live.mjs';
import { addRow } from './lib/report.mjs';
import { fmt, fullGc, percentile, us } from './lib/stats.mjs';

/** Heap per running streaming call at most (KiB). */
const TARGET_HEAP_KIB = 2;

export function concurrentCalls({ calls = 10_000 } = {}) {
  const feed = new Subject();
  const tool = defineStreamingTool({
    name: 'watch',
    description: 'Follows a shared feed.',
    parameters: z.object({ i: z.number() }),
    execute: () => feed,
  });
  let responses = 0;
  const runner = new ToolRunner({ tools: [tool], sink: { send: (r) => (responses += r.length) } });
  fullGc();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) runner.handleToolCall([{ id: `c${i}`, name: 'watch', args: { i } }]);
  const startMs = performance.now() - t0;
  fullGc();
  const perCall = (process.memoryUsage().heapUsed - before) / calls;
  const t1 = performance.now();
  for (let k = 0; k < 10; k++) feed.next({ k });
  const fanMs = performance.now() - t1;
  const t2 = performance.now();
  runner.handleToolCall([{ id: 'stop', name: 'stop_streaming', args: { function_name: 'watch' } }]);
  const stopMs = performance.now() - t2;
  runner.dispose();
  console.log(
    `scheduler: ${fmt(calls, 0)} concurrent calls started in ${fmt(startMs)} ms (${us(startMs / calls, 2)} each, ` +
      `validation included); ${globalThis.gc ? `${fmt(perCall / 1024, 2)} KiB heap per running call; ` : ''}` +
      `10 feed values fanned out to ${fmt(responses, 0)} responses in ${fmt(fanMs)} ms; ` +
      `stop_streaming by name stopped all in ${fmt(stopMs)} ms (${us(stopMs / calls, 2)} each)`,
  );
  addRow({ name: `${fmt(calls, 0)} concurrent calls: start, per call`, figure: us(startMs / calls, 2) });
  addRow({
    name: `${fmt(calls, 0)} concurrent calls: heap per running call`,
    figure: `${fmt(perCall / 1024, 2)} KiB`,
    ...(globalThis.gc
      ? {
          target: `≤ ${TARGET_HEAP_KIB} KiB`,
          ratio: fmt(perCall / 1024 / TARGET_HEAP_KIB, 2),
          pass: perCall / 1024 <= TARGET_HEAP_KIB,
        }
      : {}),
  });
}

export async function roundTrips({ rounds = 1000 } = {}) {
  const server = await createFakeLiveServer();
  const ping = defineTool({
    name: 'ping',
    description: 'pong',
    parameters: z.object({}),
    execute: () => 'pong',
  });
  const agent = createLiveAgent({ ai: genai(server), model: MODEL, tools: [ping] });
  const t0 = performance.now();
  const connected = server.waitForConnection();
  const session = await agent.connect();
  const conn = await connected;
  const connectMs = performance.now() - t0;
  const rtt = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const id = conn.callTool('ping');
    await conn.waitForToolResponse(id);
    rtt.push(performance.now() - start);
  }
  rtt.sort((a, b) => a - b);
  await session.close();
  await server.close();
  console.log(
    `live session (real @google/genai ↔ fake server, loopback): connect + setup ${fmt(connectMs)} ms; ` +
      `${rounds} sequential toolCall → runner → toolResponse round trips: p50 ${us(percentile(rtt, 50))}, ` +
      `p99 ${us(percentile(rtt, 99))}`,
  );
  addRow({
    name: 'one-shot tool round trip p50 / p99',
    figure: `${us(percentile(rtt, 50))} / ${us(percentile(rtt, 99))}`,
  });
}
