/**
 * Child process of hidden-classes.test.ts, run with V8's `--trace-opt`, `--trace-deopt`,
 * `--expose-gc` and `--no-concurrent-recompilation` (so that what is hot is compiled before the
 * collection). A live session over a real `@google/genai` client answers one-shot calls, each
 * followed by `turnComplete`, until its code is optimized; then, with no call running, full garbage
 * collections. The test reads from the trace what was optimized before them and what they
 * deoptimized.
 *
 * Usage: node --trace-opt --trace-deopt --expose-gc --no-concurrent-recompilation --import tsx hidden-classes-child.ts [calls]
 */
import { GoogleGenAI } from '@google/genai';
import { z } from 'zod';
import { createLiveAgent } from '../../src/session/create-live-agent.js';
import { createFakeLiveServer } from '../../src/testing/index.js';
import { defineTool } from '../../src/tool/define-tool.js';

const calls = Number(process.argv[2] ?? 12_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

// Thousands of waits in a row: one stall of the loaded machine must not fail the child (2 s default).
const server = await createFakeLiveServer({ timeoutMs: 30_000 });
const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
const add = defineTool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});
const session = await createLiveAgent({ ai, model: 'gemini-3.8-live', tools: [add] }).connect();
let events = 0;
session.events$.subscribe(() => {
  events += 1;
});
const connection = await server.waitForConnection();

for (let i = 0; i < calls; i++) {
  const id = connection.callTool('add', { a: i, b: 1 });
  connection.turnComplete();
  await connection.waitForToolResponse(id);
}
// No call is running now: the per-call objects are garbage, as between an agent's tool calls.
console.log('@@COLLECT');
for (let i = 0; i < 4; i++) {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
}
console.log('@@COLLECTED');
console.log(`RESULT ${JSON.stringify({ calls, events })}`);
await session.close();
await server.close();
