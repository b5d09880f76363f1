import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import { ToolRunner } from '../runner/tool-runner.js';
import { defineTool } from '../tool/define-tool.js';
import { createTestScheduler } from './create-test-scheduler.js';
import { createVirtualClock, TestKitError } from './index.js';

/** A one-shot tool that awaits an injected fetch, then waits 500 ms on the session's clock. */
function makeLookup(fetchQuote: (symbol: string) => Promise<number>) {
  return defineTool({
    name: 'lookup',
    description: 'Looks a price up, then waits for it to settle.',
    parameters: z.object({ symbol: z.string() }),
    execute: async ({ symbol }, ctx) => {
      const price = await fetchQuote(symbol);
      await new Promise<void>((resolve) => ctx.scheduler.schedule(() => resolve(), 500));
      return { symbol, price, at: ctx.scheduler.now() };
    },
  });
}

describe('createVirtualClock', () => {
  it('steps a tool that awaits I/O and then a timer, where the TestScheduler pattern sends nothing', async () => {
    const lookup = makeLookup(async () => 12.5);
    // The documented pattern: everything runs inside flush(), before the fetch has resolved.
    const ts = createTestScheduler(expect);
    const sentUnderTestScheduler: LiveFunctionResponse[] = [];
    ts.run(({ flush }) => {
      const runner = new ToolRunner({
        tools: [lookup],
        scheduler: ts,
        sink: { send: (r) => sentUnderTestScheduler.push(...r) },
      });
      runner.handleToolCall([{ id: 'c1', name: 'lookup', args: { symbol: 'ACME' } }]);
      flush();
    });
    expect(sentUnderTestScheduler).toEqual([]);

    const clock = createVirtualClock();
    const sent: LiveFunctionResponse[] = [];
    const runner = new ToolRunner({
      tools: [lookup],
      scheduler: clock,
      sink: { send: (r) => sent.push(...r) },
    });
    runner.handleToolCall([{ id: 'c1', name: 'lookup', args: { symbol: 'ACME' } }]);
    await clock.advanceBy(499);
    expect(sent).toEqual([]);
    expect(clock.scheduledActions).toBe(1); // the fetch has resolved: the tool waits on its timer
    await clock.advanceBy(1);
    expect(sent).toEqual([
      { id: 'c1', name: 'lookup', response: { output: { symbol: 'ACME', price: 12.5, at: 500 } } },
    ]);
  });

  it('runs timers in time order, each at its own time, and lands on the target time', async () => {
    const clock = createVirtualClock({ startTime: 1_000 });
    const seen: string[] = [];
    clock.schedule(() => seen.push(`b@${clock.now()}`), 200);
    clock.schedule(() => seen.push(`a@${clock.now()}`), 100);
    // A promise started by a timer settles before the next timer runs.
    clock.schedule(() => {
      void Promise.resolve().then(() => seen.push(`a-then@${clock.now()}`));
    }, 100);
    await clock.advanceBy(150);
    expect(seen).toEqual(['a@1100', 'a-then@1100']);
    expect(clock.now()).toBe(1150);
    await clock.advanceTo(1300);
    expect(seen).toEqual(['a@1100', 'a-then@1100', 'b@1200']);
    expect(clock.now()).toBe(1300);
  });

  it('advanceToNext moves to the next timer, and says false when none is scheduled', async () => {
    const clock = createVirtualClock();
    const times: number[] = [];
    timer(250, clock).subscribe(() => times.push(clock.now()));
    expect(await clock.advanceToNext()).toBe(true);
    expect(times).toEqual([250]);
    expect(await clock.advanceToNext()).toBe(false);
    expect(clock.now()).toBe(250);
  });

  it('waits for tracked work that needs real I/O (a local HTTP server) before each step', async () => {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ price: 42 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const clock = createVirtualClock();
      // Buffer the body inside the tracked promise, so reading it needs no more real I/O.
      const fetchTracked = (url: string): Promise<Response> =>
        clock.track(
          fetch(url).then(
            async (r) => new Response(await r.arrayBuffer(), { status: r.status, headers: r.headers }),
          ),
        );
      const lookup = makeLookup(
        async () =>
          ((await (await fetchTracked(`http://127.0.0.1:${port}/`)).json()) as { price: number }).price,
      );
      const sent: LiveFunctionResponse[] = [];
      const runner = new ToolRunner({
        tools: [lookup],
        scheduler: clock,
        sink: { send: (r) => sent.push(...r) },
      });
      runner.handleToolCall([{ id: 'c1', name: 'lookup', args: { symbol: 'ACME' } }]);
      await clock.advanceBy(500);
      expect(sent.map((r) => r.response)).toEqual([{ output: { symbol: 'ACME', price: 42, at: 500 } }]);
      expect(clock.trackedWork).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses moves it cannot make with typed errors', async () => {
    const clock = createVirtualClock();
    await clock.advanceBy(10);
    await expect(clock.advanceTo(5)).rejects.toMatchObject({ code: 'CLOCK_BACKWARDS' });
    await expect(clock.advanceBy(-1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(clock.advanceBy(Number.NaN)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const first = clock.advanceBy(5);
    await expect(clock.advanceBy(5)).rejects.toMatchObject({ code: 'CLOCK_BUSY' });
    await first;
    expect(clock.now()).toBe(15);
    expect(() => createVirtualClock({ settleTurns: 0 })).toThrow(TestKitError);
    expect(() => createVirtualClock({ startTime: Number.POSITIVE_INFINITY })).toThrow(/startTime/);
  });

  it('rejects a settle whose tracked work never ends, naming the option to raise', async () => {
    const clock = createVirtualClock({ settleTimeoutMs: 20 });
    void clock.track(new Promise(() => {}));
    const error = await clock.settle().catch((e: unknown) => e);
    expect(TestKitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'SETTLE_TIMEOUT',
      message: expect.stringMatching(/settleTimeoutMs/),
    });
  });

  it('rejects an advance with the error a timer callback throws', async () => {
    const clock = createVirtualClock();
    clock.schedule(() => {
      throw new Error('boom');
    }, 10);
    await expect(clock.advanceBy(20)).rejects.toThrow('boom');
    // The clock is usable again.
    await clock.advanceBy(5);
    expect(clock.now()).toBe(15);
  });

  it('never runs a timer in the past nor drops one: a negative or NaN delay means now', async () => {
    const clock = createVirtualClock({ startTime: 100 });
    const at: number[] = [];
    clock.schedule(() => at.push(clock.now()), -50);
    clock.schedule(() => at.push(clock.now() + 1), Number.NaN);
    await clock.advanceBy(0);
    expect(at).toEqual([100, 101]);
  });
});
