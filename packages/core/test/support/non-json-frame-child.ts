/**
 * Child process of non-json-frame.test.ts: a live session over a real `@google/genai` client (3.x,
 * or 2.x as `genai2`) receives frames that are not JSON objects, then a tool call. A crash is the
 * process exiting; otherwise it prints one `RESULT {...}` line with what the session reported.
 *
 * Usage: node --import tsx non-json-frame-child.ts <3|2> <binary|text> [unrelated]
 * With `unrelated`, it closes everything and then leaves an unrelated promise rejection unhandled:
 * Node's default must still apply to it (the process exits with code 1).
 */
import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { z } from 'zod';
import { LivetoolsError } from '../../src/errors.js';
import type { GenAIClient } from '../../src/protocol/genai-like.js';
import { createLiveAgent } from '../../src/session/create-live-agent.js';
import type { LiveEvent } from '../../src/session/live-events.js';
import { createFakeLiveServer } from '../../src/testing/index.js';
import type { Logger } from '../../src/tool/context.js';
import { defineTool } from '../../src/tool/define-tool.js';
import { badFrames } from './non-json-frames.js';

const [sdk, transport, unrelated] = process.argv.slice(2);
if ((sdk !== '3' && sdk !== '2') || (transport !== 'binary' && transport !== 'text')) {
  throw new Error('usage: non-json-frame-child.ts <3|2> <binary|text> [unrelated]');
}

const listenersBefore = process.listenerCount('unhandledRejection');
const server = await createFakeLiveServer();
const options = { apiKey: 'test-key', httpOptions: { baseUrl: server.url } };
const ai: GenAIClient =
  sdk === '3' ? new GoogleGenAI3(options) : (new GoogleGenAI2(options) as unknown as GenAIClient);
const echo = defineTool({
  name: 'echo',
  description: 'Answers with its text.',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => ({ echoed: text }),
});
const warnings: string[] = [];
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message) => warnings.push(message),
  error: (message) => warnings.push(message),
};
const agent = createLiveAgent({
  ai,
  model: 'gemini-3.8-live',
  tools: [echo],
  logger,
});
const session = await agent.connect();
const events: LiveEvent[] = [];
session.events$.subscribe((event) => events.push(event));
const connection = await server.waitForConnection();
const listenersWhileOpen = process.listenerCount('unhandledRejection');

for (const frame of badFrames) {
  if (transport === 'binary') connection.sendRaw(frame);
  else connection.sendRawText(frame);
}

const id = connection.callTool('echo', { text: 'after the bad frames' });
const response = await connection.waitForToolResponse(id, () => true, { timeoutMs: 20_000 });
const openAfter = session.isOpen;
await session.close();
await server.close();

const errors = events.flatMap((e) =>
  e.type === 'error'
    ? [{ code: LivetoolsError.isInstance(e.error) ? e.error.code : undefined, message: e.error.message }]
    : [],
);
console.log(
  `RESULT ${JSON.stringify({
    errors,
    warnings,
    response: response.output,
    openAfter,
    listenersBefore,
    listenersWhileOpen,
    listenersAfter: process.listenerCount('unhandledRejection'),
  })}`,
);

if (unrelated === 'unrelated') {
  void Promise.reject(new Error('an unrelated rejection nobody handles'));
}
