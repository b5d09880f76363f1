import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { interval, map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CallCancelledError } from '../errors.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { createVirtualClock, TestKitError, testTool } from './index.js';

type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/** A polling tool written the recommended way: a factory that takes its `fetch`. */
function makePollPrice(fetchImpl: FetchLike) {
  return defineStreamingTool({
    name: 'poll_price',
    description: 'Reports the price of a symbol every 5 seconds.',
    parameters: z.object({ symbol: z.string() }),
    execute: async function* ({ symbol }, ctx) {
      for (;;) {
        const res = await fetchImpl(`https://quotes.example/${symbol}`, { signal: ctx.signal });
        if (!res.ok) throw new Error(`quote service answered ${res.status}`);
        const { price } = (await res.json()) as { price: number };
        yield { symbol, price, at: ctx.scheduler.now() };
        await new Promise<void>((resolve) => ctx.scheduler.schedule(() => resolve(), 5000));
      }
    },
  });
}

/** An injected fetch that answers from a list of prices, in order. */
function fakeFetch(prices: number[]): FetchLike & { urls: string[] } {
  const urls: string[] = [];
  const fn = async (url: string): Promise<Response> => {
    urls.push(url);
    const price = prices.shift();
    if (price === undefined) return new Response('no more', { status: 503 });
    return Response.json({ price });
  };
  return Object.assign(fn, { urls });
}

const countdown = defineStreamingTool({
  name: 'countdown',
  description: 'Counts down from n, one number a second.',
  parameters: z.object({ n: z.number().int().min(1) }),
  execute: ({ n }, ctx) =>
    interval(1000, ctx.scheduler).pipe(
      take(n),
      map((i) => ({ remaining: n - i - 1 })),
    ),
});

describe('testTool', () => {
  it('steps a fetch-based tool in virtual time with an injected fetch', async () => {
    const clock = createVirtualClock();
    const fetchImpl = fakeFetch([10, 11]);
    using run = testTool(makePollPrice(fetchImpl), { symbol: 'ACME' }, { scheduler: clock });
    await run.waitForCallStart();
    await clock.advanceBy(0);
    expect(run.responses).toEqual([
      {
        id: 'call-1',
        name: 'poll_price',
        response: { output: { symbol: 'ACME', price: 10, at: 0 } },
        willContinue: true,
        scheduling: 'WHEN_IDLE',
      },
    ]);
    await clock.advanceBy(4999);
    expect(run.outputs).toHaveLength(1);
    await clock.advanceBy(1);
    expect(run.outputs).toEqual([
      { symbol: 'ACME', price: 10, at: 0 },
      { symbol: 'ACME', price: 11, at: 5000 },
    ]);
    // The third poll gets a 503: the call fails with an error response the model can read.
    await clock.advanceBy(5000);
    const end = await run.done();
    expect(end.reason).toBe('failed');
    expect(end.final).toMatchObject({
      response: { error: { code: 'TOOL_EXECUTION', message: expect.stringContaining('503') } },
      willContinue: false,
    });
    expect(fetchImpl.urls).toEqual(Array(3).fill('https://quotes.example/ACME'));
  });

  it('runs a timer-driven tool in virtual time and reports its final response as sent', async () => {
    const clock = createVirtualClock();
    const run = testTool(countdown, { n: 3 }, { scheduler: clock });
    await clock.advanceBy(2000);
    expect(run.outputs).toEqual([{ remaining: 2 }, { remaining: 1 }]);
    expect(run.end).toBeUndefined();
    await clock.advanceBy(1000);
    const end = await run.done();
    expect(end.reason).toBe('completed');
    expect(end.final).toEqual({
      id: 'call-1',
      name: 'countdown',
      response: { output: { status: 'completed', results: 3 } },
      willContinue: false,
      scheduling: 'SILENT',
    });
    expect(end.responses).toHaveLength(4);
    expect(run.events.map((e) => [e.type, e.time])).toEqual([
      ['tool-call', 0],
      ['tool-start', 0],
      ['tool-result', 1000],
      ['tool-result', 2000],
      ['tool-result', 3000],
      ['tool-end', 3000],
    ]);
  });

  it('waits for responses of a tool that fetches from a local HTTP server, in real time', async () => {
    let served = 0;
    const server = createServer((_req, res) => {
      served += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ price: 40 + served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const clock = createVirtualClock();
      const tool = makePollPrice((_url, init) => fetch(`http://127.0.0.1:${port}/`, init));
      using run = testTool(tool, { symbol: 'ACME' }, { scheduler: clock });
      // Real I/O: wait for the event, then move virtual time for the next poll.
      expect((await run.next()).response).toEqual({ output: { symbol: 'ACME', price: 41, at: 0 } });
      await clock.advanceBy(5000);
      expect((await run.next()).response).toEqual({ output: { symbol: 'ACME', price: 42, at: 5000 } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('stop() ends the call as the application does, with its final response', async () => {
    const clock = createVirtualClock();
    const run = testTool(countdown, { n: 10 }, { scheduler: clock, callId: 'c-7' });
    await clock.advanceBy(1000);
    expect(run.stop()).toBe(true);
    const end = await run.done();
    expect(end).toMatchObject({ reason: 'cancelled', event: { cancelledBy: 'application' } });
    expect(end.final).toEqual({
      id: 'c-7',
      name: 'countdown',
      response: { output: { status: 'stopped', reason: 'application', results: 1 } },
      willContinue: false,
      scheduling: 'WHEN_IDLE',
    });
    expect(run.stop()).toBe(false);
  });

  it("cancel() aborts the tool's fetch and sends nothing more", async () => {
    const clock = createVirtualClock();
    let aborted: unknown;
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          aborted = init.signal?.reason;
          reject(init.signal?.reason);
        });
      });
    const run = testTool(makePollPrice(hanging), { symbol: 'ACME' }, { scheduler: clock });
    await run.waitForCallStart();
    run.cancel();
    const end = await run.done();
    expect(end).toMatchObject({ reason: 'cancelled', final: undefined, responses: [] });
    expect(end.event.cancelledBy).toBe('server');
    expect(aborted).toBeInstanceOf(CallCancelledError);
  });

  it("interrupt() stops a tool with interruption: 'cancel'", async () => {
    const clock = createVirtualClock();
    const tool = defineStreamingTool({
      name: 'listen',
      description: 'Listens until interrupted.',
      parameters: z.object({}),
      interruption: 'cancel',
      execute: (_args, ctx) => interval(1000, ctx.scheduler),
    });
    const run = testTool(tool, {}, { scheduler: clock });
    run.interrupt();
    expect((await run.done()).event.cancelledBy).toBe('interruption');
  });

  it('answers invalid arguments as the model would see them, and says the call never started', async () => {
    const run = testTool(countdown, { n: 'three' });
    const error = await run.waitForCallStart().catch((e: unknown) => e);
    expect(TestKitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CALL_ENDED', message: expect.stringContaining('never started') });
    const end = await run.done();
    expect(end.final).toMatchObject({
      response: { error: { code: 'INVALID_ARGUMENTS' } },
      willContinue: false,
    });
  });

  it('runs a one-shot tool: its only response is the final one', async () => {
    const add = defineTool({
      name: 'add',
      description: 'Adds two numbers.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: async ({ a, b }) => ({ sum: a + b }),
    });
    const run = testTool(add, { a: 1, b: 2 });
    const end = await run.done();
    expect(end.final).toEqual({ id: 'call-1', name: 'add', response: { output: { sum: 3 } } });
    expect(run.outputs).toEqual([{ sum: 3 }]);
  });

  it('waits fail clearly: a timeout lists what was sent, a call that ended with fewer says so', async () => {
    const clock = createVirtualClock();
    const run = testTool(countdown, { n: 2 }, { scheduler: clock });
    await clock.advanceBy(1000);
    const timeout = await run.waitForResponses(2, { timeoutMs: 10 }).catch((e: unknown) => e);
    expect(timeout).toMatchObject({
      code: 'WAIT_TIMEOUT',
      message: expect.stringMatching(
        /2 response\(s\).*1 response\(s\) so far: \{"output":\{"remaining":1\}\}.*clock\.advanceBy/,
      ),
    });
    const pending = run.waitForResponses(4).catch((e: unknown) => e);
    await clock.advanceBy(1000);
    expect(await pending).toMatchObject({
      code: 'CALL_ENDED',
      message: expect.stringMatching(
        /^The call "call-1" of countdown \(ended: completed\) ended before 4 response\(s\): it sent 3;/,
      ),
    });
    await expect(run.waitForResponses(-1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(run.done({ timeoutMs: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => testTool(countdown, { n: 1 }, { timeoutMs: -5 })).toThrow(TestKitError);
  });

  it('next() hands out each response once, in order', async () => {
    const clock = createVirtualClock();
    const run = testTool(countdown, { n: 2 }, { scheduler: clock });
    const first = run.next();
    const second = run.next();
    await clock.advanceBy(2000);
    expect((await first).response).toEqual({ output: { remaining: 1 } });
    expect((await second).response).toEqual({ output: { remaining: 0 } });
    expect((await run.next()).willContinue).toBe(false);
  });

  it('dispose() ends the call as a session end, and sends nothing more', async () => {
    const clock = createVirtualClock();
    const run = testTool(countdown, { n: 5 }, { scheduler: clock });
    {
      using scoped = run;
      await clock.advanceBy(1000);
      expect(scoped.outputs).toHaveLength(1);
    }
    expect(run.end).toMatchObject({ reason: 'cancelled', cancelledBy: 'session-end' });
    await clock.advanceBy(5000);
    expect(run.responses).toHaveLength(1);
    run.dispose();
  });
});
