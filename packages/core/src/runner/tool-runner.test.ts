import { from, map, NEVER, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { completed, drive, failed, harness, result } from '../../test/support/harness.js';
import { CallCancelledError, LivetoolsError } from '../errors.js';
import { createTestScheduler } from '../testing/create-test-scheduler.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { withScheduling } from '../tool/scheduling.js';
import type { ToolEvent } from './events.js';
import { ToolRunner } from './tool-runner.js';

const symbolArgs = z.object({ symbol: z.string().min(1) });

describe('ToolRunner: the life of a streaming call', () => {
  it('sends each emission with willContinue and the tool scheduling, then a final SILENT response', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const prices = cold('-a-b-|', { a: 10, b: 11 });
      const tool = defineStreamingTool({
        name: 'watch',
        description: 'Watches a price.',
        parameters: symbolArgs,
        execute: () => prices.pipe(map((price) => ({ price }))),
      });
      const h = harness([tool], ts);
      drive(hot('a', { a: h.call('c1', 'watch', { symbol: 'X' }) }));
      expectObservable(h.responses$).toBe('-a-b-c', {
        a: result('c1', 'watch', { price: 10 }),
        b: result('c1', 'watch', { price: 11 }),
        c: completed('c1', 'watch', 2),
      });
      expectSubscriptions(prices.subscriptions).toBe('^----!');
    });
  });

  it('uses withScheduling() to override the scheduling of one emission, and completionScheduling for the final', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable }) => {
      const tool = defineStreamingTool({
        name: 'alerts',
        description: 'Alerts.',
        parameters: z.object({}),
        scheduling: 'SILENT',
        completionScheduling: 'WHEN_IDLE',
        execute: () =>
          cold('-a-b|', { a: 1, b: 2 }).pipe(
            map((n) => (n === 2 ? withScheduling({ n }, 'INTERRUPT') : { n })),
          ),
      });
      const h = harness([tool], ts);
      drive(hot('a', { a: h.call('c1', 'alerts') }));
      expectObservable(h.responses$).toBe('-a-bc', {
        a: result('c1', 'alerts', { n: 1 }, 'SILENT'),
        b: result('c1', 'alerts', { n: 2 }, 'INTERRUPT'),
        c: completed('c1', 'alerts', 2, 'WHEN_IDLE'),
      });
    });
  });

  it('publishes tool-call, tool-start, tool-result and exactly one tool-end per call', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, flush }) => {
      const tool = defineStreamingTool({
        name: 'watch',
        description: 'Watches.',
        parameters: symbolArgs,
        execute: () => cold('-a|', { a: 1 }),
      });
      const h = harness([tool], ts);
      drive(hot('a', { a: h.call('c1', 'watch', { symbol: 'X' }) }));
      flush();
      expect(h.events.map((e: ToolEvent) => [e.type, e.time])).toEqual([
        ['tool-call', 0],
        ['tool-start', 0],
        ['tool-result', 1],
        ['tool-end', 2],
      ]);
      expect(h.ends()).toEqual([expect.objectContaining({ callId: 'c1', reason: 'completed', results: 1 })]);
    });
  });

  it('accepts a Promise, an array and an async iterable from execute()', async () => {
    const sent: unknown[] = [];
    const make = (name: string, execute: () => unknown) =>
      defineStreamingTool({ name, description: name, parameters: z.object({}), execute: execute as never });
    async function* gen() {
      yield 'g1';
      yield 'g2';
    }
    const runner = new ToolRunner({
      tools: [make('p', () => Promise.resolve('p1')), make('arr', () => ['a1', 'a2']), make('gen', gen)],
      sink: { send: (r) => sent.push(...r.map((x) => [x.id, x.response, x.willContinue])) },
    });
    const ended = new Promise<void>((resolve) => {
      let n = 0;
      runner.events$.subscribe((e) => {
        if (e.type === 'tool-end' && ++n === 3) resolve();
      });
    });
    runner.handleToolCall([
      { id: '1', name: 'arr' },
      { id: '2', name: 'p' },
      { id: '3', name: 'gen' },
    ]);
    await ended;
    expect(sent.filter((s) => (s as unknown[])[0] === '1')).toEqual([
      ['1', { output: 'a1' }, true],
      ['1', { output: 'a2' }, true],
      ['1', { output: { status: 'completed', results: 2 } }, false],
    ]);
    expect(sent.filter((s) => (s as unknown[])[0] === '2').map((s) => (s as unknown[])[1])).toEqual([
      { output: 'p1' },
      { output: { status: 'completed', results: 1 } },
    ]);
    expect(sent.filter((s) => (s as unknown[])[0] === '3').map((s) => (s as unknown[])[1])).toEqual([
      { output: 'g1' },
      { output: 'g2' },
      { output: { status: 'completed', results: 2 } },
    ]);
  });
});

describe('ToolRunner: validation and unknown tools', () => {
  it('answers invalid arguments with the issues, willContinue false, and never starts the tool', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable, expectSubscriptions, flush }) => {
      const source = cold('-a|');
      const tool = defineStreamingTool({
        name: 'watch',
        description: 'Watches.',
        parameters: symbolArgs,
        execute: () => source,
      });
      const h = harness([tool], ts);
      drive(hot('a', { a: h.call('c1', 'watch', { symbol: 42 }) }));
      expectObservable(h.responses$).toBe('a', {
        a: failed('c1', 'watch', 'INVALID_ARGUMENTS', { willContinue: false }),
      });
      expectSubscriptions(source.subscriptions).toBe([]);
      flush();
      const response = h.sent[0]?.response as unknown as { error: { issues: unknown[] } };
      expect(response.error.issues).toEqual([{ path: 'symbol', message: expect.stringContaining('string') }]);
      expect(h.events.map((e) => e.type)).toEqual(['tool-call', 'tool-end']);
      expect(h.ends()[0]).toMatchObject({ reason: 'failed', error: { code: 'INVALID_ARGUMENTS' } });
    });
  });

  it('answers an unknown function with the list of known tools', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ hot, flush }) => {
      const tool = defineTool({
        name: 'add',
        description: 'Adds.',
        parameters: z.object({}),
        execute: () => 1,
      });
      const h = harness([tool], ts);
      drive(hot('a', { a: h.call('c1', 'substract') }));
      flush();
      expect(h.sent).toEqual([failed('c1', 'substract', 'UNKNOWN_TOOL', { willContinue: false })]);
      expect((h.sent[0]!.response as { error: { message: string } }).error.message).toContain('add');
    });
  });

  it('waits for asynchronous refinements before starting, and a cancellation meanwhile wins', async () => {
    const started: string[] = [];
    const tool = defineStreamingTool({
      name: 'watch',
      description: 'Watches.',
      parameters: z.object({ symbol: z.string().refine(async (s) => s !== 'BAD', 'unknown symbol') }),
      execute: (_args, ctx) => {
        started.push(ctx.callId);
        return NEVER;
      },
    });
    const sent: unknown[] = [];
    const runner = new ToolRunner({ tools: [tool], sink: { send: (r) => sent.push(...r) } });
    runner.handleToolCall([
      { id: 'ok', name: 'watch', args: { symbol: 'AAPL' } },
      { id: 'bad', name: 'watch', args: { symbol: 'BAD' } },
      { id: 'gone', name: 'watch', args: { symbol: 'MSFT' } },
    ]);
    expect(runner.activeCalls().map((c) => [c.callId, c.state])).toEqual([
      ['ok', 'validating'],
      ['bad', 'validating'],
      ['gone', 'validating'],
    ]);
    runner.handleCancellation(['gone']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['ok']);
    expect(sent).toEqual([failed('bad', 'watch', 'INVALID_ARGUMENTS')]);
    runner.dispose();
  });

  it('ignores a call whose id is already active instead of answering twice', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectSubscriptions }) => {
      const source = cold('-a-');
      const tool = defineStreamingTool({
        name: 'w',
        description: 'w',
        parameters: z.object({}),
        execute: () => source,
      });
      const h = harness([tool], ts);
      drive(hot('a-b-c', { a: h.call('c1', 'w'), b: h.call('c1', 'w'), c: h.dispose() }));
      expectSubscriptions(source.subscriptions).toBe(['^---!']);
    });
  });
});

describe('ToolRunner: failures stay inside their call', () => {
  it('ignores a call whose id is not a string and answers the call after it in the same message', () => {
    const sent: { id: string }[] = [];
    const add = defineTool({ name: 'add', description: 'Adds.', parameters: z.object({}), execute: () => 1 });
    const runner = new ToolRunner({ tools: [add], sink: { send: (r) => sent.push(...r) } });
    runner.handleToolCall([
      { id: ['bad'] as unknown as string, name: 'add', args: {} },
      { id: 7 as unknown as string, name: 'add', args: {} },
      { id: 'good', name: 'add', args: {} },
    ]);
    expect(sent.map((r) => r.id)).toEqual(['good']);
  });

  const failures = {
    'a synchronous throw': () => {
      throw new Error('boom');
    },
    'an error notification': () => throwError(() => new Error('boom')),
    'a rejected promise': () => Promise.reject(new Error('boom')),
    'an invalid return value': () => undefined,
  };

  for (const [kind, execute] of Object.entries(failures)) {
    it(`answers ${kind} with a final error response while another call keeps streaming`, async () => {
      const sent: { id: string; response: unknown; willContinue?: boolean }[] = [];
      const bad = defineStreamingTool({
        name: 'bad',
        description: 'Fails.',
        parameters: z.object({}),
        execute: execute as never,
      });
      const good = defineStreamingTool({
        name: 'good',
        description: 'Streams.',
        parameters: z.object({}),
        execute: () => from([1, 2]),
      });
      const runner = new ToolRunner({ tools: [bad, good], sink: { send: (r) => sent.push(...r) } });
      const ends: ToolEvent[] = [];
      const done = new Promise<void>((resolve) =>
        runner.events$.subscribe((e) => {
          if (e.type === 'tool-end') ends.push(e);
          if (ends.length === 2) resolve();
        }),
      );
      runner.handleToolCall([
        { id: 'b', name: 'bad' },
        { id: 'g', name: 'good' },
      ]);
      await done;
      expect(sent.find((s) => s.id === 'b')).toEqual(
        failed('b', 'bad', 'TOOL_EXECUTION', { willContinue: false }),
      );
      expect(sent.filter((s) => s.id === 'g').map((s) => s.willContinue)).toEqual([true, true, false]);
      expect(ends.find((e) => 'callId' in e && e.callId === 'b')).toMatchObject({ reason: 'failed' });
      expect(ends.find((e) => 'callId' in e && e.callId === 'g')).toMatchObject({ reason: 'completed' });
      // the runner is still usable
      runner.handleToolCall([{ id: 'g2', name: 'good' }]);
      expect(runner.isDisposed).toBe(false);
    });
  }

  it('says what execute() returned when it is not a stream', async () => {
    const sent: { response: unknown }[] = [];
    const tool = defineStreamingTool({
      name: 'x',
      description: 'x',
      parameters: z.object({}),
      execute: (() => 42) as never,
    });
    const runner = new ToolRunner({ tools: [tool], sink: { send: (r) => sent.push(...r) } });
    runner.handleToolCall([{ id: '1', name: 'x' }]);
    expect(JSON.stringify(sent[0]?.response)).toContain('returned a number');
  });

  it('keeps the code of a livetools error thrown by the tool', () => {
    const sent: { response: unknown }[] = [];
    const tool = defineStreamingTool({
      name: 'x',
      description: 'x',
      parameters: z.object({}),
      execute: () => throwError(() => new LivetoolsError('TOOL_EXECUTION', 'feed refused the symbol')),
    });
    const runner = new ToolRunner({ tools: [tool], sink: { send: (r) => sent.push(...r) } });
    runner.handleToolCall([{ id: '1', name: 'x' }]);
    expect(sent[0]?.response).toEqual({
      error: { code: 'TOOL_EXECUTION', message: 'feed refused the symbol' },
    });
  });

  it('reports a sink that throws as a response-error event and keeps the call running', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, flush }) => {
      let calls = 0;
      const tool = defineStreamingTool({
        name: 'w',
        description: 'w',
        parameters: z.object({}),
        execute: () => cold('-a-b-|'),
      });
      const events: ToolEvent[] = [];
      const runner = new ToolRunner({
        tools: [tool],
        scheduler: ts,
        sink: {
          send: () => {
            calls += 1;
            if (calls === 1) throw new Error('socket closed');
          },
        },
      });
      runner.events$.subscribe((e) => events.push(e));
      runner.handleToolCall([{ id: '1', name: 'w' }]);
      flush();
      expect(calls).toBe(3);
      expect(events.map((e) => e.type)).toEqual([
        'tool-call',
        'tool-start',
        'response-error',
        'tool-result',
        'tool-result',
        'tool-end',
      ]);
    });
  });
});

describe('ToolRunner: one-shot tools', () => {
  it('answers once with the value, without willContinue or scheduling', async () => {
    const sent: unknown[] = [];
    const add = defineTool({
      name: 'add',
      description: 'Adds.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => ({ sum: a + b }),
    });
    const later = defineTool({
      name: 'later',
      description: 'Later.',
      parameters: z.object({}),
      execute: () => Promise.resolve('done'),
    });
    const runner = new ToolRunner({ tools: [add, later], sink: { send: (r) => sent.push(...r) } });
    expect(runner.declarations().map((d) => d.name)).toEqual(['add', 'later']);
    runner.handleToolCall([
      { id: '1', name: 'add', args: { a: 1, b: 2 } },
      { id: '2', name: 'later' },
    ]);
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toEqual([
      { id: '1', name: 'add', response: { output: { sum: 3 } } },
      { id: '2', name: 'later', response: { output: 'done' } },
    ]);
  });

  it('answers a failure with { error } and a server cancellation with nothing, aborting the signal', async () => {
    const sent: unknown[] = [];
    let signal: AbortSignal | undefined;
    const boom = defineTool({
      name: 'boom',
      description: 'Fails.',
      parameters: z.object({}),
      execute: () => {
        throw new Error('no');
      },
    });
    const slow = defineTool({
      name: 'slow',
      description: 'Slow.',
      parameters: z.object({}),
      execute: (_a, ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      },
    });
    const runner = new ToolRunner({ tools: [boom, slow], sink: { send: (r) => sent.push(...r) } });
    runner.handleToolCall([
      { id: '1', name: 'boom' },
      { id: '2', name: 'slow' },
    ]);
    runner.handleCancellation(['2']);
    expect(sent).toEqual([
      { id: '1', name: 'boom', response: { error: expect.objectContaining({ code: 'TOOL_EXECUTION' }) } },
    ]);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(CallCancelledError);
    expect((signal!.reason as CallCancelledError).by).toBe('server');
  });
});
