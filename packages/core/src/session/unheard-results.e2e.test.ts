/**
 * Results nobody subscribes to: the runner builds no `tool-result` event for them, and
 * `session.metrics()` counts them all the same (results and bytes, per call and per session).
 */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { pushTool } from '../../test/support/push-tool.js';
import { ping, wireBarrier } from '../../test/support/session-fixture.js';
import type { LiveEvent } from '../index.js';
import { createFakeLiveServer } from '../testing/index.js';
import { createLiveAgent } from './create-live-agent.js';

describe('results without an events$ subscriber', () => {
  it('are counted in session.metrics() (results and bytes) and reach a subscriber that comes later', async () => {
    await using server = await createFakeLiveServer();
    const watch = pushTool('watch');
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
    const agent = createLiveAgent({
      ai,
      model: 'gemini-live-test',
      tools: [watch.tool, ping],
      measureBytes: true,
    });
    const connection = server.waitForConnection();
    await using session = await agent.connect();
    const first = await connection;

    const id = first.callTool('watch', { label: 'a' });
    await wireBarrier(first); // one ping answered: the watch call runs
    watch.push(id, { price: 1 });
    watch.push(id, { price: 2 });
    await first.waitForToolResponse(
      id,
      (r) =>
        (r.raw.response as { output?: unknown }).output !== undefined &&
        (r.raw.response as { output: { price?: number } }).output.price === 2,
    );

    const seen: LiveEvent[] = [];
    const subscription = session.events$.subscribe((e) => seen.push(e));
    watch.push(id, { price: 3 });
    watch.complete(id);
    await first.waitForToolResponse(id, (r) => r.raw.willContinue === false);
    subscription.unsubscribe();

    expect(
      seen.filter((e) => e.type === 'tool-result').map((e) => e.type === 'tool-result' && e.output),
    ).toEqual([{ price: 3 }]);
    const end = seen.find((e) => e.type === 'tool-end');
    const wireBytes = (callId: string) =>
      first.toolResponses(callId).reduce((n, r) => n + JSON.stringify(r.raw).length, 0);
    // The call's metrics count the results sent before anyone listened too.
    expect(end?.type === 'tool-end' && end.metrics).toMatchObject({ results: 3, bytes: wireBytes(id) });
    const m = session.metrics();
    expect(m.results).toBe(4); // three of watch, one ping
    expect(m.bytes).toBe(first.toolResponses().reduce((n, r) => n + JSON.stringify(r.raw).length, 0));
    expect(m.timeToFirstResultMs.samples).toBe(2);
  });
});
