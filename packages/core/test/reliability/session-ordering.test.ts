/**
 * Issue 13, items 6, 7, 18 and 19: one message that cannot be written costs only itself, and a
 * call's final response is always its last, on every path. Real SDKs (3.x and 2.x) against the
 * fake Live server.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedFunctionResponse } from '../../src/testing/index.js';
import { pushTool } from '../support/push-tool.js';
import {
  clientBarrier,
  clientContentResults,
  openSession,
  ping,
  wireBarrier,
} from '../support/session-fixture.js';
import { poisonedAi, sdks } from '../support/session-sdks.js';

const POISON = 'poison';
const isPoisoned = (params: unknown) => JSON.stringify(params ?? null).includes(POISON);
const outputs = (wire: readonly RecordedFunctionResponse[]) => wire.map((r) => r.output ?? r.error);
const errorCodes = (events: readonly { type: string }[]) =>
  events.flatMap((e) =>
    e.type === 'error' ? [(e as unknown as { error: { code?: string } }).error.code] : [],
  );

describe.each(sdks)('ordering and write failures over %s', (_name, makeAi) => {
  it('reconnect flush: a message that cannot be written costs only itself; the other calls, their finals and the user turn go out', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
      makeAi: (url) => poisonedAi(makeAi, url, isPoisoned),
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    const [a, b] = fx.first.callTools([
      { name: 'watch', args: { label: 'a' } },
      { name: 'watch', args: { label: 'b' } },
    ]) as [string, string];
    fx.first.sendResumptionUpdate('h1');
    await clientBarrier(fx.first, fx.log);
    const since = fx.log.mark;
    fx.first.goAway('1s');
    await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
    watch.push(a, POISON); // held: cannot be written
    watch.push(a, 'after');
    watch.push(b, 'b1');
    watch.complete(b);
    fx.session.sendText('the user speaks');
    const resumed = await fx.gate.next();
    fx.gate.release(resumed);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'resumed', since);
    await wireBarrier(resumed);
    expect(outputs(resumed.toolResponses(a))).toEqual(['after']);
    expect(outputs(resumed.toolResponses(b))).toEqual(['b1', { status: 'completed', results: 1 }]);
    expect(resumed.clientContents).toHaveLength(1);
    const failure = fx.log.events.find((e) => e.type === 'error');
    expect(failure).toMatchObject({ error: { code: 'SEND_FAILED', callId: a } });
    expect(fx.session.metrics().sendFailures).toBe(1);
    expect(fx.session.isOpen).toBe(true);
  });

  it('a final response that cannot be written is replaced by an error response: the call still ends once', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
      makeAi: (url) =>
        poisonedAi(makeAi, url, (p) => isPoisoned(p) && JSON.stringify(p).includes('"willContinue":false')),
      tools: [watch.tool, ping],
    });
    const id = fx.first.callTool('watch', { label: POISON });
    await clientBarrier(fx.first, fx.log);
    watch.push(id, 1);
    watch.fail(id, new Error(POISON)); // the final carries the poison
    const final = await fx.first.waitForToolResponse(id, (r) => r.willContinue !== true);
    expect(final.error).toMatchObject({ message: expect.stringMatching(/could not be sent/) });
    expect(fx.first.toolResponses(id).filter((r) => r.willContinue !== true)).toHaveLength(1);
    expect(errorCodes(fx.log.events)).toEqual(['SEND_FAILED']);
  });

  it('client-content idle queue: one send that throws loses nothing behind it, and the error names the call, not the turnComplete', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
      makeAi: (url) => poisonedAi(makeAi, url, isPoisoned),
      delivery: 'client-content',
      tools: [watch.tool, ping],
    });
    const [a, b] = fx.first.callTools([
      { name: 'watch', args: { label: 'a' } },
      { name: 'watch', args: { label: 'b' } },
    ]) as [string, string];
    await clientBarrier(fx.first, fx.log);
    watch.push(a, 'a0'); // first answers go at once
    watch.push(b, 'b0');
    fx.first.sendModelText('speaking');
    await fx.log.waitFor((e) => e.type === 'model-text', 'model text');
    watch.push(a, POISON); // WHEN_IDLE: queued
    watch.push(b, 'b1');
    fx.first.turnComplete();
    await fx.first.waitForFrame((f) => JSON.stringify(f).includes('b1'));
    expect(clientContentResults(fx.first.frames, b).map((r) => r.output)).toEqual(['b0', 'b1']);
    const errors = fx.log.events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error: { code: 'SEND_FAILED', callId: a } });
    expect((errors[0] as { error: Error }).error.message).not.toMatch(/malformed server message/);
  });

  it('client-content: a final does not overtake the results of its call waiting for idle, and nothing is sent after a cancellation', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
      makeAi,
      delivery: 'client-content',
      tools: [watch.tool, ping],
    });
    const [a, c] = fx.first.callTools([
      { name: 'watch', args: { label: 'a' } },
      { name: 'watch', args: { label: 'c' } },
    ]) as [string, string];
    await clientBarrier(fx.first, fx.log);
    watch.push(a, 'a0');
    watch.push(c, 'c0');
    fx.first.sendModelText('speaking');
    await fx.log.waitFor((e) => e.type === 'model-text', 'model text');
    watch.push(a, 'a1'); // waits for idle
    watch.push(a, 'a2');
    watch.complete(a); // the final: must stay behind a1 and a2
    watch.push(c, 'c1'); // waits for idle
    fx.first.cancelToolCalls(c); // nothing more for c, not even what waits
    await clientBarrier(fx.first, fx.log);
    fx.first.turnComplete();
    await fx.first.waitForFrame((f) => JSON.stringify(f).includes('final: this call has ended'));
    await wireBarrier(fx.first);
    const delivered = clientContentResults(fx.first.frames, a);
    expect(delivered.map((r) => r.output)).toEqual(['a0', 'a1', 'a2', { status: 'completed', results: 3 }]);
    expect(delivered.map((r) => r.final)).toEqual([false, false, false, true]);
    expect(clientContentResults(fx.first.frames, c).map((r) => r.output)).toEqual(['c0']);
  });

  it.each([
    ['an interruption', 'interrupt'],
    ['a stop_streaming call', 'stop'],
    ['a replacing duplicate', 'duplicate'],
  ] as const)(
    'resumed connection, %s arriving with setupComplete: the final goes after the held results',
    async (_what, how) => {
      // a second call of the tool replaces the first (and only then)
      const watch = pushTool('watch', { interruption: 'cancel', onDuplicate: 'replace' });
      await using fx = await openSession({
        serverProfile: 'model',
        makeAi,
        tools: [watch.tool, ping],
        config: { sessionResumption: {} },
        reconnect: { initialDelayMs: 1 },
      });
      const id = fx.first.callTool('watch', { label: 'x' });
      fx.first.sendResumptionUpdate('h1');
      await clientBarrier(fx.first, fx.log);
      watch.push(id, 'live');
      await fx.first.waitForToolResponse(id);
      const since = fx.log.mark;
      await fx.first.drop();
      await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
      watch.push(id, 'held-1');
      watch.push(id, 'held-2');
      const resumed = await fx.gate.next();
      fx.gate.release(resumed); // setupComplete, and in the same tick:
      if (how === 'interrupt') resumed.interrupt();
      else if (how === 'stop') resumed.callTool('stop_streaming', { call_id: id });
      else resumed.callTool('watch', { label: 'y' });
      const final = await resumed.waitForToolResponse(id, (r) => r.willContinue !== true);
      const reason = { interrupt: 'interruption', stop: 'model', duplicate: 'replaced' }[how];
      expect(final.output).toMatchObject({ status: 'stopped', reason });
      const wire = resumed.toolResponses(id);
      expect(wire.at(-1)).toBe(final);
      expect(outputs(wire.slice(0, -1))).toEqual(['live', 'held-1', 'held-2']); // 'live' is replayed: h1 predates it
    },
  );
});
