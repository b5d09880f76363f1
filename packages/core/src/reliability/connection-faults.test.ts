/**
 * Fault injection: the connection is cut again and again while a tool streams, with and without
 * session resumption. Real `@google/genai` client against the fake Live server; waits go through
 * the server's waiters and the session's events, never sleeps.
 */
import { interval, map, Subject, takeUntil } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SubscriptionCounter } from '../scheduler/test-support/harness.js';
import type { RecordedFunctionResponse } from '../testing/index.js';
import { defineStreamingTool } from '../tool/define-tool.js';
import { clientBarrier, openSession, ping, pushTool, wireBarrier } from './test-support/session-fixture.js';

const CUTS = 20;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const results = (wire: readonly RecordedFunctionResponse[]) => wire.filter((r) => r.willContinue === true);
const finals = (wire: readonly RecordedFunctionResponse[]) => wire.filter((r) => r.willContinue !== true);

describe('connection cut repeatedly while a tool streams', () => {
  it(`with resumption: ${CUTS} cuts (goAway, drops, drops during resumption); every result once and in order, one final`, async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { attempts: 50, initialDelayMs: 1, maxDelayMs: 2 },
      bufferedResultsPerCall: 10_000,
    });
    let conn = fx.first;
    const id = conn.callTool('watch', { label: 'stream' });
    conn.sendResumptionUpdate('handle-0');
    await clientBarrier(conn, fx.log);
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
      conn = next;
      push(1);
      conn.sendResumptionUpdate(`handle-${cut + 1}`);
      await clientBarrier(conn, fx.log);
    }
    push(2);
    watch.complete(id);
    await conn.waitForToolResponse(id, (r) => r.willContinue === false);

    const wire = fx.wire(id);
    expect(results(wire).map((r) => (r.output as { seq: number }).seq)).toEqual(range(seq));
    expect(finals(wire)).toHaveLength(1);
    expect(wire.at(-1)?.output).toEqual({ status: 'completed', results: seq });
    const events = fx.log.events;
    expect(events.filter((e) => e.type === 'connected' && e.resumed)).toHaveLength(CUTS);
    expect(events.filter((e) => e.type === 'tool-start' && e.name === 'watch')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'tool-end' && e.callId === id)).toHaveLength(1);
    expect(watch.upstream.total).toBe(1);
    expect(watch.upstream.active).toBe(0);
  });

  it(`with resumption, real timing: ${CUTS} drops while a tool emits every millisecond; no duplicates, losses only at the cuts, one final`, async () => {
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
    await using fx = await openSession({
      tools: [ticker, ping],
      config: { sessionResumption: {} },
      reconnect: { attempts: 50, initialDelayMs: 1, maxDelayMs: 2 },
      bufferedResultsPerCall: 10_000,
      holdResumed: false,
    });
    let conn = fx.first;
    conn.sendResumptionUpdate('handle-0');
    const id = conn.callTool('ticker');
    for (let cut = 0; cut < CUTS; cut++) {
      const current = conn;
      await current.waitForToolResponse(id, () => current.toolResponses(id).length >= 5, {
        description: `5 results on connection ${cut + 1}`,
      });
      const next = fx.server.waitForConnection({ timeoutMs: 5000 });
      await current.drop(); // mid-stream: the client is still writing results
      conn = await next;
      conn.sendResumptionUpdate(`handle-${cut + 1}`);
    }
    await conn.waitForToolResponse(id, () => conn.toolResponses(id).length >= 2);
    stop$.next();
    const final = await conn.waitForToolResponse(id, (r) => r.willContinue === false);

    const perConnection = fx.server.connections.map((c) =>
      results(c.toolResponses(id)).map((r) => (r.output as { seq: number }).seq),
    );
    const all = perConnection.flat();
    // No duplicates, nothing out of order, across every reconnection.
    for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThan(all[i - 1]!);
    // A result can only be lost at a cut (written to a socket the server had already dropped).
    const lastOfConnection = new Set(perConnection.filter((l) => l.length > 0).map((l) => l.at(-1)));
    for (let i = 1; i < all.length; i++) {
      if (all[i] !== all[i - 1]! + 1) expect(lastOfConnection.has(all[i - 1])).toBe(true);
    }
    expect(all[0]).toBe(0);
    expect(fx.server.connections.flatMap((c) => finals(c.toolResponses(id)))).toEqual([final]);
    expect((final.output as { results: number }).results).toBeGreaterThanOrEqual(all.length);
    expect(fx.log.events.filter((e) => e.type === 'reconnecting')).toHaveLength(CUTS);
    expect(upstream.total).toBe(1);
    expect(upstream.active).toBe(0);
  });

  // Known gap, kept visible: the Live API acknowledges nothing, so a response written to a socket
  // that the server has already dropped is lost, final responses included. Fixing it needs
  // transparent resumption (`sessionResumption.transparent` and the server's
  // `lastConsumedClientMessageIndex`) to replay what the server did not consume. When that lands,
  // this test starts passing and `it.fails` flags it.
  it.fails('KNOWN GAP: a final response written in the instant the server drops the connection is replayed after resumption', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({
      tools: [watch.tool, ping],
      config: { sessionResumption: {} },
      reconnect: { initialDelayMs: 1 },
      holdResumed: false,
    });
    const id = fx.first.callTool('watch', { label: 'x' });
    fx.first.sendResumptionUpdate('handle-1');
    await clientBarrier(fx.first, fx.log);
    const next = fx.server.waitForConnection();
    void fx.first.drop();
    watch.complete(id); // the client has not seen the drop yet: the final goes to a dead socket
    const resumed = await next;
    await wireBarrier(resumed);
    expect(finals(fx.wire(id))).toHaveLength(1);
  });

  it(`without resumption: ${CUTS} sessions cut mid-stream; each tears its tools down, says why, and sends no final`, async () => {
    const watch = pushTool('watch');
    for (let cut = 0; cut < CUTS; cut++) {
      await using fx = await openSession({ tools: [watch.tool, ping] });
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
