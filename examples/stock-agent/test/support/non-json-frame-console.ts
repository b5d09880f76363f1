/**
 * Child process of non-json-frame.test.ts: the web console, with its agent on a real
 * `@google/genai` client (3.x, or 2.x as `genai2`) talking to a fake Live server, and one page
 * connected. The Live server sends frames that are not JSON objects, then calls a tool. A crash is
 * the process exiting; otherwise it prints one `RESULT {...}` line with what the page saw.
 *
 * Usage: node --import tsx test/support/non-json-frame-console.ts <3|2>
 */
import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { createLiveAgent, type LiveAgentOptions } from '@livetools/core';
import { createFakeLiveServer } from '@livetools/core/testing';
import { createSimulatedSource, createStockTools } from '@livetools/tools-stock';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/web/protocol.js';
import { startConsoleServer } from '../../src/web/server.js';

/** Frames a Live server might send that are not JSON objects. */
const badFrames = ['{"serverContent": {"modelTurn": {"parts": [{"text": "cut', '', 'garbage', 'null', '[1]'];

const sdk = process.argv[2];
if (sdk !== '3' && sdk !== '2') throw new Error('usage: non-json-frame-console.ts <3|2>');

const live = await createFakeLiveServer();
const options = { apiKey: 'test-key', httpOptions: { baseUrl: live.url } };
const ai: LiveAgentOptions['ai'] =
  sdk === '3' ? new GoogleGenAI3(options) : (new GoogleGenAI2(options) as unknown as LiveAgentOptions['ai']);
const source = createSimulatedSource();
const agent = createLiveAgent({ ai, model: 'gemini-live-test', tools: createStockTools({ source }) });
const server = await startConsoleServer({
  agent: {
    agent,
    mode: 'gemini',
    model: 'gemini-live-test',
    audioOut: false,
    source,
    examples: [],
    close: () => live.close(),
  },
});

const page = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
  origin: `http://127.0.0.1:${server.port}`,
});
const seen: ServerMessage[] = [];
const waiters: { test: (m: ServerMessage) => boolean; resolve: () => void }[] = [];
page.on('message', (data) => {
  const message = JSON.parse(String(data)) as ServerMessage;
  seen.push(message);
  for (const w of [...waiters]) {
    if (w.test(message)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  }
});
const pageSaw = (test: (m: ServerMessage) => boolean) =>
  new Promise<void>((resolve) => {
    if (seen.some(test)) resolve();
    else waiters.push({ test, resolve });
  });

await pageSaw((m) => m.type === 'ready');
const connection = await live.waitForConnection();
for (const frame of badFrames) connection.sendRaw(frame);
const id = connection.callTool('get_stock_price', { symbol: 'AAPL' });
const response = await connection.waitForToolResponse(id, () => true, { timeoutMs: 20_000 });
await pageSaw((m) => m.type === 'tool-end' && m.callId === id);

const errors = seen.flatMap((m) => (m.type === 'error' ? [m] : []));
page.close();
await server.close();
await live.close();
console.log(
  `RESULT ${JSON.stringify({
    badFrames: badFrames.length,
    errors,
    answered: response.output !== undefined || response.error !== undefined,
    toolEnd: seen.find((m) => m.type === 'tool-end'),
  })}`,
);
