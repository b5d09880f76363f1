/**
 * Child process of session-hostile-server.test.ts: a live session against a fake Live server run
 * by the parent, in a scenario that abandons a socket. The child must then exit by itself: any
 * socket or timer left behind keeps it alive, and the parent kills it after a deadline.
 *
 * Usage: node --import tsx session-exit-child.ts <3|2> <connect-timeout|close-unanswered|close-during-resumption> <url>
 * Prints `DONE <what happened>` once the scenario is over.
 */
import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { describeError, LivetoolsError } from '../../src/errors.js';
import type { GenAIClient } from '../../src/protocol/genai-like.js';
import { createLiveAgent } from '../../src/session/create-live-agent.js';

const [sdk, scenario, baseUrl] = process.argv.slice(2);
if ((sdk !== '3' && sdk !== '2') || !scenario || !baseUrl) {
  throw new Error('usage: session-exit-child.ts <3|2> <scenario> <url>');
}
const options = { apiKey: 'test-key', httpOptions: { baseUrl } };
const ai: GenAIClient =
  sdk === '3' ? new GoogleGenAI3(options) : (new GoogleGenAI2(options) as unknown as GenAIClient);
const agent = createLiveAgent({
  ai,
  model: 'm',
  // Short only where the timeout is the scenario. Elsewhere longer than the parent's deadline, so
  // that a slow machine never turns the scenario into a timeout, and a timer left behind by the
  // session would keep this process alive past the deadline.
  connectTimeoutMs: scenario === 'connect-timeout' ? 300 : 60_000,
  closeTimeoutMs: 300,
  config: { sessionResumption: {} },
  reconnect: { initialDelayMs: 10_000 },
});

try {
  const session = await agent.connect();
  if (scenario === 'close-during-resumption') {
    await new Promise<void>((resolve) => {
      session.events$.subscribe((e) => {
        if (e.type === 'reconnecting') resolve();
      });
    });
  }
  await session.close();
  console.log('DONE closed');
} catch (error) {
  console.log(`DONE ${LivetoolsError.isInstance(error) ? error.code : describeError(error)}`);
}
