// A fake Live server in a worker thread, so that what it records (every frame) stays out of the main
// thread's heap while the leak benchmark measures it. Driven by messages from the main thread:
//   → { type: 'cycles', tool, from, count, batch }  start `count` calls and stop each one at once,
//      alternately by `toolCallCancellation` and by a `stop_streaming` call; after every `batch`
//      cycles it posts { type: 'batch', done } and waits for { type: 'next' }.
//   ← { type: 'ready', url }, { type: 'batch', done }, { type: 'cycles-done', done }
import { parentPort } from 'node:worker_threads';
import { createFakeLiveServer } from '../../dist/testing/index.js';

const server = await createFakeLiveServer({ timeoutMs: 30_000 });
let connection;
let resume;

parentPort.on('message', async (message) => {
  if (message.type === 'next') {
    resume?.();
    return;
  }
  if (message.type === 'close') {
    await server.close();
    parentPort.close();
    return;
  }
  if (message.type !== 'cycles') return;
  connection ??= await server.waitForConnection();
  const { tool, from, count, batch } = message;
  for (let i = 0; i < count; i++) {
    const id = `leak-${from + i}`;
    connection.callTool(tool, { symbol: 'AAPL' }, id);
    if (i % 2 === 0) connection.cancelToolCalls(id);
    else connection.callTool('stop_streaming', { call_id: id }, `stop-${id}`);
    if ((i + 1) % batch === 0 || i + 1 === count) {
      const next = new Promise((resolve) => {
        resume = resolve;
      });
      parentPort.postMessage({ type: 'batch', done: i + 1 });
      await next;
    }
  }
  parentPort.postMessage({ type: 'cycles-done', done: count });
});

parentPort.postMessage({ type: 'ready', url: server.url });
