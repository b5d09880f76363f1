/**
 * Transparent resumption end to end (the real SDK in Vertex AI mode against the fake Live server):
 * what is replayed after a resumption, and what is not.
 */
import { describe, expect, it } from 'vitest';
import { pushTool } from '../support/push-tool.js';
import {
  clientBarrier,
  clientContentResults,
  openResumableSession,
  openSession,
  ping,
  vertexAi,
  wireBarrier,
} from '../support/session-fixture.js';

const texts = (
  frames: readonly { clientContent?: { turns?: readonly { parts?: readonly { text?: string }[] }[] } }[],
) =>
  frames.flatMap((f) =>
    (f.clientContent?.turns ?? []).flatMap((t) => (t.parts ?? []).map((p) => p.text ?? '')),
  );

describe('transparent resumption', () => {
  it('replays text turns written to a dead socket, in order and once; realtime input is not replayed', async () => {
    await using fx = await openResumableSession({
      serverProfile: 'model',
      makeAi: vertexAi,
      delivery: 'client-content',
      tools: [ping],
    });
    fx.session.sendText('one');
    await fx.first.waitForFrame((f) => f.clientContent !== undefined);
    fx.first.sendResumptionUpdate('h-1'); // covers "one"
    await clientBarrier(fx.first, fx.log);
    const next = fx.server.waitForConnection();
    void fx.first.drop();
    fx.session.sendText('two'); // into the dead socket
    fx.session.sendAudio(new Uint8Array([1, 2, 3, 4]));
    fx.session.sendText('three');
    const resumed = await next;
    await wireBarrier(resumed);
    expect(texts(resumed.sessionFrames)).toEqual(['one', 'two', 'three']);
    expect(texts(resumed.frames)).toEqual(['two', 'three']);
    expect(resumed.realtimeInputs).toEqual([]);
    const update = fx.log.events.find((e) => e.type === 'resumption-update');
    expect(update).toMatchObject({ hasHandle: true, lastConsumedClientMessageIndex: 0 });
  });

  it('does not resend the responses of a call the server cancelled while the session was resuming', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
      makeAi: vertexAi,
      delivery: 'client-content',
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    const [kept, cancelled] = fx.first.callTools([
      { name: 'watch', args: { label: 'kept' } },
      { name: 'watch', args: { label: 'cancelled' } },
    ]) as [string, string];
    fx.first.sendResumptionUpdate('h-1');
    await clientBarrier(fx.first, fx.log);
    watch.push(kept, 'k1');
    watch.push(cancelled, 'c1');
    await wireBarrier(fx.first); // both consumed after h-1: replayed on resumption, unless cancelled
    const since = fx.log.mark;
    fx.first.goAway('1s');
    await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
    watch.push(cancelled, 'c2'); // held
    fx.first.cancelToolCalls([cancelled]); // on the old connection, still open
    await clientBarrier(fx.first, fx.log);
    const resumed = await fx.gate.next();
    fx.gate.release(resumed);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection', since);
    await wireBarrier(resumed);
    expect(clientContentResults(resumed.frames, cancelled)).toEqual([]);
    expect(clientContentResults(resumed.sessionFrames, kept).map((r) => r.output)).toEqual(['k1']);
    expect(clientContentResults(resumed.sessionFrames, cancelled)).toEqual([]);
  });

  it('keeps at most bufferedResultsPerCall unacknowledged intermediate results per call (the oldest are dropped), and every final', async () => {
    const watch = pushTool('watch');
    await using fx = await openResumableSession({
      serverProfile: 'model',
      makeAi: vertexAi,
      delivery: 'client-content',
      tools: [watch.tool, ping],
      bufferedResultsPerCall: 2,
    });
    const id = fx.first.callTool('watch', { label: 'x' });
    fx.first.sendResumptionUpdate('h-1');
    await clientBarrier(fx.first, fx.log);
    for (let i = 0; i < 5; i++) watch.push(id, i);
    watch.complete(id);
    await wireBarrier(fx.first);
    const next = fx.server.waitForConnection();
    void fx.first.drop();
    const resumed = await next;
    await wireBarrier(resumed);
    const state = clientContentResults(resumed.sessionFrames, id);
    // The first answer (0) is never dropped: the blocking call needs it; of the rest, the newest two.
    expect(state.map((r) => [r.output, r.final])).toEqual([
      [0, false],
      [3, false],
      [4, false],
      [{ status: 'completed', results: 5 }, true],
    ]);
  });
});
