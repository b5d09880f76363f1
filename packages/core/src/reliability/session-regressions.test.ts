/**
 * Regression tests for the session bugs the reliability suite found, each named after its bug.
 * Real `@google/genai` client against the fake Live server.
 */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createLiveAgent } from '../session/create-live-agent.js';
import { createFakeLiveServer } from '../testing/index.js';
import { clientBarrier, EventLog, openSession, ping, pushTool } from './test-support/session-fixture.js';

describe('session regressions', () => {
  it('results held while resuming are not sent for a call the server cancelled meanwhile', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    const [streaming, finished] = fx.first.callTools([
      { name: 'watch', args: { label: 'streaming' } },
      { name: 'watch', args: { label: 'finished' } },
    ]) as [string, string];
    fx.first.sendResumptionUpdate('handle-1');
    await clientBarrier(fx.first, fx.log);
    watch.push(streaming, 'before');
    await fx.first.waitForToolResponse(streaming);

    const since = fx.log.mark;
    fx.first.goAway('1s');
    await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
    watch.push(streaming, 'held');
    watch.complete(finished); // its final response is held too
    fx.first.cancelToolCalls([streaming, finished]); // on the old connection, still open
    await clientBarrier(fx.first, fx.log);
    expect(fx.log.events.find((e) => e.type === 'tool-end' && e.callId === streaming)).toMatchObject({
      cancelledBy: 'server',
    });

    const resumed = await fx.gate.next();
    fx.gate.release(resumed);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumed connection', since);
    const after = resumed.callTool('ping'); // answered behind the flush of the held responses
    await resumed.waitForToolResponse(after);
    expect(resumed.toolResponses(streaming)).toEqual([]);
    expect(resumed.toolResponses(finished)).toEqual([]);
    expect(fx.wire(streaming).map((r) => r.output)).toEqual(['before']);
  });

  it('a tool call that arrives while close() is in progress is ignored, not thrown into the SDK', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const watch = pushTool('watch');
      const fx = await openSession({ tools: [watch.tool, ping] });
      await clientBarrier(fx.first, fx.log); // past the first connection's deferred messages
      const late = fx.first.callTool('watch', { label: 'late' }); // in flight when close() starts
      await fx.session.close();
      await fx.server.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(rejections).toEqual([]);
      expect(watch.started(late)).toBe(false);
      expect(fx.log.events.filter((e) => e.type === 'error')).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('a malformed message right behind setupComplete neither throws out of a timer nor drops the messages behind it', async () => {
    const watch = pushTool('watch');
    await using server = await createFakeLiveServer({
      onConnection: (c) => {
        c.sendRaw({ toolCall: { functionCalls: { length: 1 } } });
        c.callTool('watch', { label: 'right behind' }, 'behind-1');
      },
    });
    const session = await createLiveAgent({
      ai: new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.url } }),
      model: 'm',
      tools: [watch.tool],
    }).connect();
    await using _session = session;
    const conn = await server.waitForConnection();
    const log = new EventLog(session);
    await log.waitFor(
      (e) => e.type === 'tool-start' && e.callId === 'behind-1',
      'the call behind the bad frame',
    );
    const error = log.events.find((e) => e.type === 'error');
    expect((error as { error: Error } | undefined)?.error.message).toMatch(/malformed server message/);
    watch.push('behind-1', 'ok');
    expect((await conn.waitForToolResponse('behind-1')).output).toBe('ok');
  });

  it('a goAway right behind a resumed setupComplete keeps the text turns queued meanwhile and runs one reconnection', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    fx.first.sendResumptionUpdate('handle-1');
    await clientBarrier(fx.first, fx.log);
    const since = fx.log.mark;
    await fx.first.drop();
    await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
    fx.session.sendText('queued while disconnected');
    const second = await fx.gate.next();
    fx.gate.release(second);
    second.goAway('1s'); // arrives with setupComplete, before connect() has resolved
    const third = await fx.gate.next();
    fx.gate.release(third);
    await fx.log.waitFor(
      () => fx.log.events.filter((e) => e.type === 'connected' && e.resumed).length === 2,
      'the second resumption',
      since,
    );
    await third.waitForFrame((f) => f.clientContent !== undefined);
    expect(fx.server.connections.flatMap((c) => c.clientContents)).toEqual([
      { turns: [{ role: 'user', parts: [{ text: 'queued while disconnected' }] }], turnComplete: true },
    ]);
    expect(fx.log.events.filter((e) => e.type === 'error')).toEqual([]);
    await clientBarrier(third, fx.log);
    expect(fx.server.connections).toHaveLength(3); // no second, concurrent reconnection loop
  });
});
