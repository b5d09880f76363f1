/**
 * Fault injection: the connection is cut again and again while a tool streams, with and without
 * session resumption. Real `@google/genai` client against the fake Live server; waits go through
 * the server's waiters and the session's events, never sleeps.
 */
import { GoogleGenAI } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { interval, map, Subject, takeUntil } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createFakeLiveServer,
  type FakeLiveConnection,
  type RecordedFunctionResponse,
} from '../../src/testing/index.js';
import { defineStreamingTool } from '../../src/tool/define-tool.js';
import { SubscriptionCounter } from '../support/harness.js';
import { pushTool } from '../support/push-tool.js';
import {
  clientBarrier,
  clientContentResults,
  clientMessageCount,
  HandleLedger,
  openResumableSession,
  openSession,
  ping,
  vertexAi,
  wireBarrier,
} from '../support/session-fixture.js';

const CUTS = 20;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const results = (wire: readonly RecordedFunctionResponse[]) => wire.filter((r) => r.willContinue === true);
const finals = (wire: readonly RecordedFunctionResponse[]) => wire.filter((r) => r.willContinue !== true);

/** A tool that emits `{ seq }` every millisecond until `stop$`, its subscriptions counted. */
function millisecondTicker() {
  const stop$ = new Subject<void>();
  const upstream = new SubscriptionCounter();
  const ticker = defineStreamingTool({
    name: 'ticker',
    description: 'Ticks every millisecond.',
    parameters: z.object({}),
    execute: () =>
      upstream.track(
        interval(1).pipe(
          takeUntil(stop$),
          map((seq) => ({ seq })),
        ),
      ),
  });
  return { ticker, stop$, upstream };
}

describe('connection cut repeatedly while a tool streams', () => {
  it(`with resumption: ${CUTS} cuts (goAway, drops, drops during resumption); the session state holds every result once and in order, and one final`, async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      serverProfile: 'model',
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { attempts: 50, initialDelayMs: 1, maxDelayMs: 2, maxConsecutive: 100 },
      bufferedResultsPerCall: 10_000,
    });
    const ledger = new HandleLedger(fx.session, fx.first);
    let conn = fx.first;
    const id = conn.callTool('watch', { label: 'stream' });
    // Each handle is issued once what the client wrote has arrived: none covers a message in
    // flight (that window is under test in the real-timing test and the session property).
    const issue = async (handle: string) => {
      await wireBarrier(conn);
      ledger.issue(conn, handle);
      await clientBarrier(conn, fx.log);
      expect(ledger.inFlight(handle).messages).toBe(0);
    };
    await issue('handle-0');
    let seq = 0;
    const push = (n: number) => {
      for (let i = 0; i < n; i++) watch.push(id, { seq: seq++ });
    };
    for (let cut = 0; cut < CUTS; cut++) {
      push(3); // live results, still in flight when the cut comes (goAway) or just arrived (drop)
      const since = fx.log.mark;
      if (cut % 2 === 0) {
        conn.goAway('1s');
      } else {
        await wireBarrier(conn); // a drop loses what is in flight: that window is not under test here
        await conn.drop();
      }
      await fx.log.waitFor((e) => e.type === 'reconnecting', `reconnecting after cut ${cut}`, since);
      push(2); // produced while disconnected: held, delivered after the resumption
      if (cut % 4 === 3) {
        await (await fx.gate.next()).drop(); // the resumption attempt itself is cut
        push(1);
      }
      const next = await fx.gate.next();
      expect(next.resumptionHandle).toBe(`handle-${cut}`);
      fx.gate.release(next);
      await fx.log.waitFor((e) => e.type === 'connected' && e.resumed, `resumption ${cut}`, since);
      ledger.connected(next);
      conn = next;
      push(1);
      await issue(`handle-${cut + 1}`);
    }
    push(2);
    watch.complete(id);
    await conn.waitForToolResponse(id, (r) => r.willContinue === false);

    const state = conn.sessionToolResponses(id);
    expect(results(state).map((r) => (r.output as { seq: number }).seq)).toEqual(range(seq));
    expect(finals(state)).toHaveLength(1);
    expect(state.at(-1)?.output).toEqual({ status: 'completed', results: seq });
    // The wire carries more: what each old connection received after its handle was written again.
    expect(results(fx.wire(id)).length).toBeGreaterThan(seq);
    expect(fx.session.metrics().replayed).toBeGreaterThan(0);
    const events = fx.log.events;
    expect(events.filter((e) => e.type === 'connected' && e.resumed)).toHaveLength(CUTS);
    expect(events.filter((e) => e.type === 'tool-start' && e.toolName === 'watch')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'tool-end' && e.callId === id)).toHaveLength(1);
    expect(watch.upstream.total).toBe(1);
    expect(watch.upstream.active).toBe(0);
  });

  it(`with resumption, real timing: ${CUTS} drops while a tool emits every millisecond; the session state holds every result once, in order, and one final, but for what was in flight when the handle used was issued`, async () => {
    const { ticker, stop$, upstream } = millisecondTicker();
    await using fx = await openResumableSession({
      serverProfile: 'model',
      tools: [ticker, ping],
      reconnect: { attempts: 50, initialDelayMs: 1, maxDelayMs: 2, maxConsecutive: 100 },
      bufferedResultsPerCall: 10_000,
    });
    const ledger = new HandleLedger(fx.session, fx.first);
    let conn = fx.first;
    // The call before the first handle: every handle covers it (a call made after the handle a
    // resumption uses is handed over, its results then going as text).
    const id = conn.callTool('ticker');
    ledger.issue(conn, 'handle-0');
    /** What the resumptions left out: messages in flight when the handle each one used was issued. */
    const lost = new Set<RecordedFunctionResponse>();
    const seqOf = (r: RecordedFunctionResponse) => (r.output as { seq: number }).seq;
    for (let cut = 0; cut < CUTS; cut++) {
      const current = conn;
      const handle = `handle-${cut}`;
      // Results new on this connection, not written again after the resumption.
      const floor = Math.max(-1, ...results(fx.wire(id)).map(seqOf));
      const fresh = () => results(current.toolResponses(id)).filter((r) => seqOf(r) > floor).length;
      if (cut > 0) {
        // The client writes nothing on a connection before publishing its `connected` event.
        await current.waitForFrame((f) => f.setup === undefined);
        ledger.connected(current);
      }
      // Mid-stream, once the client has the handle and what it had written when the handle
      // arrived has reached the server: so every message in flight at the issuance is known.
      await current.waitForFrame(
        () => fresh() >= 5 && ledger.arrived(handle) && clientMessageCount(current) > ledger.written(handle),
        { description: `5 new results and ${handle} on connection ${cut + 1}` },
      );
      const next = fx.server.waitForConnection({ timeoutMs: 5000 });
      await current.drop(); // mid-stream: the client is still writing results
      conn = await next;
      ledger.issue(conn, `handle-${cut + 1}`); // at once: the client's replay may still be in flight
      expect(conn.resumptionHandle).toBe(handle);
      const inFlight = ledger.inFlight(handle);
      expect(inFlight.unseen).toBe(0);
      for (const r of inFlight.responses) lost.add(r);
    }
    await conn.waitForToolResponse(id, () => conn.toolResponses(id).length >= 2);
    stop$.next();
    const final = await conn.waitForToolResponse(id, (r) => r.willContinue === false);

    const state = conn.sessionToolResponses(id);
    const emitted = (final.output as { results: number }).results;
    const lostSeqs = new Set([...lost].map(seqOf));
    // Every result the tool emitted, once and in order, but for those lost in flight.
    expect(results(state).map(seqOf)).toEqual(range(emitted).filter((seq) => !lostSeqs.has(seq)));
    expect(finals(state)).toEqual([final]);
    expect(state.at(-1)).toBe(final);
    expect(fx.log.events.filter((e) => e.type === 'reconnecting')).toHaveLength(CUTS);
    expect(upstream.total).toBe(1);
    expect(upstream.active).toBe(0);
  });

  it(`with transparent resumption (Vertex AI), real timing: ${CUTS} drops while a tool emits every millisecond; the session state holds every result once, in order, and one final`, async () => {
    const { ticker, stop$, upstream } = millisecondTicker();
    await using fx = await openResumableSession({
      serverProfile: 'model',
      makeAi: vertexAi,
      delivery: 'client-content',
      tools: [ticker, ping],
      reconnect: { attempts: 50, initialDelayMs: 1, maxDelayMs: 2, maxConsecutive: 100 },
      bufferedResultsPerCall: 10_000,
    });
    let conn = fx.first;
    const id = conn.callTool('ticker'); // before the first handle: every handle covers it
    conn.sendResumptionUpdate('handle-0');
    const delivered = (c: FakeLiveConnection) => clientContentResults(c.frames, id).length;
    for (let cut = 0; cut < CUTS; cut++) {
      const current = conn;
      await current.waitForFrame(() => delivered(current) >= 5, {
        description: `5 results on connection ${cut + 1}`,
      });
      const next = fx.server.waitForConnection({ timeoutMs: 5000 });
      await current.drop(); // mid-stream: the client is still writing results
      conn = await next;
      if (cut % 3 !== 2) conn.sendResumptionUpdate(`handle-${cut + 1}`); // sometimes no new handle: an older one is used
    }
    const last = conn;
    await last.waitForFrame(() => delivered(last) >= 2);
    stop$.next();
    await last.waitForFrame(() => clientContentResults(last.frames, id).some((r) => r.final));

    const state = clientContentResults(last.sessionFrames, id);
    const results = state.filter((r) => !r.final).map((r) => (r.output as { seq: number }).seq);
    expect(results).toEqual(range(results.length)); // nothing lost, nothing twice, in order
    expect(state.filter((r) => r.final)).toEqual([
      { via: 'turn', final: true, output: { status: 'completed', results: results.length } },
    ]);
    expect(state.at(-1)?.final).toBe(true);
    // The wire, unlike the state, carries replays: what an old connection consumed after its handle.
    const onWire = fx.server.connections.reduce((n, c) => n + clientContentResults(c.frames, id).length, 0);
    expect(onWire).toBeGreaterThanOrEqual(state.length);
    expect(fx.log.events.filter((e) => e.type === 'reconnecting')).toHaveLength(CUTS);
    expect(upstream.total).toBe(1);
    expect(upstream.active).toBe(0);
  });

  it('with transparent resumption (Vertex AI): a final response written in the instant the server drops the connection is replayed after resumption', async () => {
    const watch = pushTool('watch');
    await using fx = await openResumableSession({
      serverProfile: 'model',
      makeAi: vertexAi,
      delivery: 'client-content',
      tools: [watch.tool, ping],
    });
    expect(fx.first.setup.sessionResumption).toEqual({ transparent: true });
    const id = fx.first.callTool('watch', { label: 'x' });
    fx.first.sendResumptionUpdate('handle-1'); // covers nothing yet: the ping below comes after it
    const pong = await wireBarrier(fx.first); // consumed by the old connection, after handle-1
    const next = fx.server.waitForConnection();
    void fx.first.drop();
    watch.complete(id); // the client has not seen the drop yet: the final goes to a dead socket
    const resumed = await next;
    await wireBarrier(resumed);

    expect(resumed.resumptionHandle).toBe('handle-1');
    // The session state holds the final once. The ping was made after handle-1: the resumed state
    // never made it, so its answer is not written again (it would answer an unknown call id).
    const state = resumed.sessionFrames;
    expect(clientContentResults(state, id)).toEqual([
      { via: 'answer', final: true, output: { status: 'completed', results: 0 } },
    ]);
    expect(resumed.sessionToolResponses(pong)).toEqual([]);
    expect(fx.wire(pong)).toHaveLength(1); // on the old connection's wire only
    expect(resumed.unknownCallResponses).toEqual([]);
    expect(fx.log.events.find((e) => e.type === 'handed-over')).toMatchObject({
      resumed: true,
      continued: [],
      forgotten: [{ callId: pong, toolName: 'ping' }],
    });
    expect(fx.log.events.filter((e) => e.type === 'tool-end' && e.callId === id)).toHaveLength(1);
    expect(watch.upstream.active).toBe(0);
  });

  // The Gemini Developer API SDKs (2.x and 3.x) refuse `sessionResumption.transparent`, so the
  // server says nothing of what it consumed. livetools takes each handle to cover what it had
  // written when the handle arrived, and writes again after a resumption what it wrote since.
  it.each([
    {
      when: 'written in the instant the server drops the connection (it goes to a dead socket)',
      finalFirst: false,
      onOldConnection: 0,
    },
    {
      when: 'received by the server after it issued the handle, just before it drops the connection',
      finalFirst: true,
      onOldConnection: 1,
    },
  ])(
    'without transparent resumption (Gemini Developer API): a final response $when is written again after resumption, and is once in the session state',
    async ({ finalFirst, onOldConnection }) => {
      const watch = pushTool('watch');
      await using fx = await openResumableSession({ serverProfile: 'model', tools: [watch.tool, ping] });
      expect(fx.first.transparent).toBe(false);
      const id = fx.first.callTool('watch', { label: 'x' });
      fx.first.sendResumptionUpdate('handle-1');
      await clientBarrier(fx.first, fx.log);
      if (finalFirst) {
        watch.complete(id);
        await fx.first.waitForToolResponse(id, (r) => r.willContinue === false);
      }
      const next = fx.server.waitForConnection();
      // drop() marks the connection closed at once: the server records nothing the client writes after it.
      void fx.first.drop();
      if (!finalFirst) watch.complete(id); // the client has not seen the drop yet
      const resumed = await next;
      await wireBarrier(resumed);

      expect(resumed.resumptionHandle).toBe('handle-1');
      const final = expect.objectContaining({
        willContinue: false,
        output: { status: 'completed', results: 0 },
      });
      // handle-1 covers only what came before it, so the client writes the final again, once.
      expect(fx.first.toolResponses(id)).toEqual(Array(onOldConnection).fill(final));
      expect(resumed.toolResponses(id)).toEqual([final]);
      expect(resumed.sessionToolResponses(id)).toEqual([final]);
      expect(fx.wire(id)).toHaveLength(onOldConnection + 1);
      expect(fx.log.events.filter((e) => e.type === 'tool-end' && e.callId === id)).toHaveLength(1);
      expect(watch.upstream.active).toBe(0);
    },
  );

  it('without transparent resumption (Gemini Developer API): the one loss left is a message in flight when the server issued the handle the session resumes with', async () => {
    const watch = pushTool('watch');
    await using fx = await openResumableSession({ serverProfile: 'model', tools: [watch.tool, ping] });
    const ledger = new HandleLedger(fx.session, fx.first);
    const id = fx.first.callTool('watch', { label: 'x' });
    await wireBarrier(fx.first);
    watch.push(id, 'in flight'); // written, not yet received...
    ledger.issue(fx.first, 'handle-1'); // ...when the server issues the handle
    await clientBarrier(fx.first, fx.log); // the client has handle-1: it takes it to cover the result
    watch.push(id, 'after the handle');
    await wireBarrier(fx.first);
    expect(ledger.inFlight('handle-1').responses.map((r) => r.output)).toEqual(['in flight']);
    const next = fx.server.waitForConnection();
    await fx.first.drop();
    const resumed = await next;
    expect(resumed.resumptionHandle).toBe('handle-1');
    await wireBarrier(resumed);
    // Neither in handle-1's state nor written again; what came after the handle is written again.
    expect(resumed.sessionToolResponses(id).map((r) => r.output)).toEqual(['after the handle']);
    expect(fx.wire(id).map((r) => r.output)).toEqual(['in flight', 'after the handle', 'after the handle']);
  });

  it('the Gemini Developer API SDKs refuse sessionResumption.transparent, so livetools does not ask for it there', async () => {
    await using server = await createFakeLiveServer();
    for (const ai of [
      new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } }),
      new GoogleGenAI2({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } }),
    ]) {
      const refused = ai.live.connect({
        model: 'gemini-live-test',
        config: { sessionResumption: { transparent: true } },
        callbacks: { onmessage: () => {} },
      });
      await expect(refused).rejects.toThrow(/transparent parameter is only supported/);
    }
    for (const c of server.connections) void c.drop(); // the SDK opened the socket before refusing
    await using fx = await openSession({ serverProfile: 'model', config: { sessionResumption: {} } });
    expect(fx.first.setup.sessionResumption).toEqual({});
    expect(fx.first.transparent).toBe(false);
  });

  it('without resumption: a final response written in the instant the server drops the connection; the session ends, says why, and the call ends once', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({ serverProfile: 'model', tools: [watch.tool, ping] });
    const id = fx.first.callTool('watch', { label: 'x' });
    await clientBarrier(fx.first, fx.log);
    const since = fx.log.mark;
    // drop() marks the connection closed at once: the server records nothing the client writes after it.
    void fx.first.drop();
    watch.complete(id); // the call completes before the client sees the drop
    const closed = await fx.log.waitFor((e) => e.type === 'closed', 'closed', since);
    expect(closed).toMatchObject({ by: 'connection-lost', code: 1006 });
    expect((closed as { reason: string }).reason).toMatch(/no session resumption handle/);
    expect(fx.log.events.filter((e) => e.type === 'tool-end' && e.callId === id)).toEqual([
      expect.objectContaining({ reason: 'completed' }),
    ]);
    expect(fx.wire(id)).toEqual([]); // it went to a dead socket
    expect(fx.server.connections).toHaveLength(1);
    expect(watch.upstream.active).toBe(0);
    expect(() => fx.session.sendText('still there?')).toThrow(/closed/);
  });

  it('without resumption: a final response that reaches the server just before it drops the connection; the session ends, says why, and the call ends once', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({ serverProfile: 'model', tools: [watch.tool, ping] });
    const id = fx.first.callTool('watch', { label: 'x' });
    await clientBarrier(fx.first, fx.log);
    watch.complete(id);
    const final = await fx.first.waitForToolResponse(id, (r) => r.willContinue === false);
    const since = fx.log.mark;
    void fx.first.drop();
    const closed = await fx.log.waitFor((e) => e.type === 'closed', 'closed', since);
    expect(closed).toMatchObject({ by: 'connection-lost', code: 1006 });
    expect((closed as { reason: string }).reason).toMatch(/no session resumption handle/);
    expect(fx.log.events.filter((e) => e.type === 'tool-end' && e.callId === id)).toEqual([
      expect.objectContaining({ reason: 'completed' }),
    ]);
    expect(final.output).toEqual({ status: 'completed', results: 0 });
    expect(fx.wire(id)).toEqual([final]);
    expect(fx.server.connections).toHaveLength(1);
    expect(watch.upstream.active).toBe(0);
    expect(() => fx.session.sendText('still there?')).toThrow(/closed/);
  });

  it(`without resumption: ${CUTS} sessions cut mid-stream; each tears its tools down, says why, and sends no final`, async () => {
    const watch = pushTool('watch');
    for (let cut = 0; cut < CUTS; cut++) {
      await using fx = await openSession({ serverProfile: 'model', tools: [watch.tool, ping] });
      const id = fx.first.callTool('watch', { label: `session ${cut}` });
      await clientBarrier(fx.first, fx.log);
      for (let seq = 0; seq < 3; seq++) watch.push(id, { seq });
      const since = fx.log.mark;
      await fx.first.drop(); // the results above may still be in flight
      const closed = await fx.log.waitFor((e) => e.type === 'closed', 'closed', since);
      expect(closed).toMatchObject({ by: 'connection-lost', code: 1006 });
      expect((closed as { reason: string }).reason).toMatch(/no session resumption handle/);
      expect(watch.upstream.active).toBe(0);
      watch.push(id, { seq: 3 }); // nobody listens any more
      expect(fx.log.events.find((e) => e.type === 'tool-end' && e.callId === id)).toMatchObject({
        reason: 'cancelled',
        cancelledBy: 'session-end',
      });
      const wire = fx.wire(id);
      expect(finals(wire)).toEqual([]);
      const seqs = results(wire).map((r) => (r.output as { seq: number }).seq);
      expect(seqs).toEqual(range(seqs.length)); // a prefix: in order, no duplicates, nothing after the cut
      expect(() => fx.session.sendText('still there?')).toThrow(/closed/);
    }
    expect(watch.upstream.total).toBe(CUTS);
  });
});
