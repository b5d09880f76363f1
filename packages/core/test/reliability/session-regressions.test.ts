/**
 * Regression tests for the session bugs the reliability suite found, each named after its bug.
 * Real `@google/genai` client against the fake Live server.
 */
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createLiveAgent } from '../../src/session/create-live-agent.js';
import {
  createFakeLiveServer,
  type FakeLiveConnection,
  type LiveClientFrame,
} from '../../src/testing/index.js';
import { pushTool } from '../support/push-tool.js';
import {
  clientBarrier,
  EventLog,
  openResumableSession,
  openSession,
  ping,
  ResumeGate,
  wireBarrier,
} from '../support/session-fixture.js';

/** A frame carrying a text turn with `word`. */
const hasText = (word: string) => (f: LiveClientFrame) =>
  (f.clientContent?.turns ?? []).some((t) => (t.parts ?? []).some((p) => p.text === word));

/** How many of `frames` carry a text turn with `word`. */
const textsIn = (frames: readonly LiveClientFrame[], word: string) => frames.filter(hasText(word)).length;

describe('session regressions', () => {
  it('results held while resuming are not sent for a call the server cancelled meanwhile', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
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

  it('a client-content result deferred until the model is idle goes to the connection current then, not to the one it was produced on', async () => {
    const watch = pushTool('watch');
    await using fx = await openResumableSession({
      serverProfile: 'model',
      delivery: 'client-content',
      tools: [watch.tool, ping],
    });
    const id = fx.first.callTool('watch', { label: 'x' });
    fx.first.sendResumptionUpdate('handle-1');
    await clientBarrier(fx.first, fx.log);
    watch.push(id, 'first'); // answers the call at once
    fx.first.sendModelText('The model is speaking'); // no turnComplete: the model is busy
    await fx.log.waitFor((e) => e.type === 'model-text', 'model text');
    watch.push(id, 'second'); // WHEN_IDLE: waits for the end of the model's turn
    const next = fx.server.waitForConnection();
    fx.first.goAway('1s');
    const resumed = await next;
    resumed.turnComplete();
    const frame = await resumed.waitForFrame((f) => f.clientContent !== undefined);
    expect(JSON.stringify(frame)).toContain('second');
    expect(fx.first.clientContents).toEqual([]);
  });

  // Text turns mark what was written after a handle: a function response would answer a call
  // made after the handle, which the resumed state never made (such calls are handed over).
  it('without transparent resumption, a handle sent by the connection being left does not acknowledge what the resumption under way, with the previous handle, must replay, and is forgotten once it succeeds', async () => {
    await using fx = await openSession({
      serverProfile: 'model',
      tools: [ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    fx.first.sendResumptionUpdate('handle-1');
    await fx.log.waitFor((e) => e.type === 'resumption-update', 'handle-1');
    fx.session.sendText('before'); // written after handle-1: not in its state
    await fx.first.waitForFrame(hasText('before'));
    const since = fx.log.mark;
    fx.first.goAway('1s');
    await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
    const attempt = await fx.gate.next(); // under way with handle-1
    expect(attempt.resumptionHandle).toBe('handle-1');
    fx.first.sendResumptionUpdate('handle-2'); // on the old connection, still open: covers `before`
    await fx.log.waitFor((e) => e.type === 'resumption-update', 'handle-2', since);
    fx.session.sendText('during'); // while reconnecting: held
    fx.gate.release(attempt);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumption', since);
    await wireBarrier(attempt);
    // The state is handle-1's, then the replay: `before` once, `during` once.
    expect(textsIn(attempt.sessionFrames, 'before')).toBe(1);
    expect(textsIn(attempt.sessionFrames, 'during')).toBe(1);

    // The session continues from handle-1: handle-2 stands for another continuation, and is forgotten.
    const mark = fx.log.mark;
    await attempt.drop();
    const again = await fx.gate.next();
    expect(again.resumptionHandle).toBe('handle-1');
    fx.gate.release(again);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the second resumption', mark);
    await wireBarrier(again);
    expect(textsIn(again.sessionFrames, 'before')).toBe(1);
    expect(textsIn(again.sessionFrames, 'during')).toBe(1);
    expect(again.unknownCallResponses).toEqual([]);
  });

  it('without transparent resumption, when the resumption under way fails, the next attempt uses the handle the connection being left sent, and replays only what it does not cover', async () => {
    await using fx = await openSession({
      serverProfile: 'model',
      tools: [ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    });
    fx.first.sendResumptionUpdate('handle-1');
    await fx.log.waitFor((e) => e.type === 'resumption-update', 'handle-1');
    fx.session.sendText('before');
    await fx.first.waitForFrame(hasText('before'));
    const since = fx.log.mark;
    fx.first.goAway('1s');
    await fx.log.waitFor((e) => e.type === 'reconnecting', 'reconnecting', since);
    const failing = await fx.gate.next();
    fx.first.sendResumptionUpdate('handle-2'); // covers `before`
    await fx.log.waitFor((e) => e.type === 'resumption-update', 'handle-2', since);
    fx.session.sendText('during');
    await failing.drop();
    const next = await fx.gate.next();
    expect(next.resumptionHandle).toBe('handle-2');
    fx.gate.release(next);
    await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumption', since);
    await wireBarrier(next);
    expect(textsIn(next.sessionFrames, 'before')).toBe(1);
    expect(textsIn(next.sessionFrames, 'during')).toBe(1);
    // handle-2 covers `before`: not written again.
    expect(fx.server.connections.reduce((n, c) => n + textsIn(c.frames, 'before'), 0)).toBe(1);
  });

  it("a handle among the first connection's early messages does not cover what the application wrote before they were published", async () => {
    const gate = new ResumeGate();
    let first: FakeLiveConnection | undefined;
    await using server = await createFakeLiveServer({
      onSetup: (setup, connection) => {
        if (setup.sessionResumption?.handle) return gate.onSetup(setup, connection);
        first = connection;
        // Sent just before setupComplete, so that it is surely among the early messages.
        connection.sendResumptionUpdate('early');
        connection.acceptSetup();
        return 'ignore';
      },
    });
    const session = await createLiveAgent({
      ai: new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.url } }),
      model: 'm',
      tools: [ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
    }).connect();
    await using _session = session;
    session.sendText('right after connect()'); // the early messages are published on the next turn
    const log = new EventLog(session);
    await log.waitFor((e) => e.type === 'resumption-update', 'the early handle');
    await first!.waitForFrame((f) => f.clientContent !== undefined);
    await first!.drop();
    const resumed = await gate.next();
    expect(resumed.resumptionHandle).toBe('early');
    gate.release(resumed);
    await log.waitFor((e) => e.type === 'connected' && e.resumed, 'the resumption');
    await resumed.waitForFrame((f) => f.clientContent !== undefined);
    expect(resumed.sessionFrames.filter((f) => f.clientContent !== undefined)).toEqual([
      {
        clientContent: {
          turns: [{ role: 'user', parts: [{ text: 'right after connect()' }] }],
          turnComplete: true,
        },
      },
    ]);
  });

  it('a tool call that arrives while close() is in progress is ignored, not thrown into the SDK', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const watch = pushTool('watch');
      const fx = await openSession({ serverProfile: 'model', tools: [watch.tool, ping] });
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
      serverProfile: 'model',
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
