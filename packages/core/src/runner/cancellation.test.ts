import { map, NEVER, Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drive, failed, harness, result, SubscriptionCounter, stopped } from '../../test/support/harness.js';
import { createTestScheduler } from '../testing/create-test-scheduler.js';
import { type AnyTool, defineStreamingTool, defineTool } from '../tool/define-tool.js';
import type { ToolEndEvent } from './events.js';
import { ToolRunner } from './tool-runner.js';

const args = z.object({ symbol: z.string() });

/** A tool whose every call subscribes to the same cold marble source, counted. */
function ticker(source: Observable<unknown>, counter?: SubscriptionCounter, interruption?: 'cancel') {
  return defineStreamingTool({
    name: 'ticker',
    description: 'Ticks.',
    parameters: args,
    ...(interruption ? { interruption } : {}),
    execute: ({ symbol }) => {
      const s = counter ? counter.track(source) : source;
      return s.pipe(map((v) => ({ symbol, v })));
    },
  });
}

describe('stop_streaming from the model', () => {
  it('stops one of two concurrent calls of the same tool by call id; the other keeps streaming', () => {
    const ts = createTestScheduler(expect);
    const counter = new SubscriptionCounter();
    ts.run(({ cold, hot, expectSubscriptions, flush }) => {
      const source = cold('-a-b-c-d');
      const h = harness([ticker(source, counter)], ts);
      drive(
        hot('a--b-----c', {
          a: () => {
            h.call('A', 'ticker', { symbol: 'AAPL' })();
            h.call('B', 'ticker', { symbol: 'MSFT' })();
          },
          b: h.stop({ call_id: 'A' }),
          c: h.dispose(),
        }),
      );
      expectSubscriptions(source.subscriptions).toBe(['^--!', '^--------!']);
      flush();
      expect(h.timeline).toEqual([
        [1, result('A', 'ticker', { symbol: 'AAPL', v: 'a' })],
        [1, result('B', 'ticker', { symbol: 'MSFT', v: 'a' })],
        [3, stopped('A', 'ticker', 'model', 1)],
        [
          3,
          {
            id: 'stop-1',
            name: 'stop_streaming',
            response: { output: { stopped: [{ call_id: 'A', function_name: 'ticker', results: 1 }] } },
          },
        ],
        [3, result('B', 'ticker', { symbol: 'MSFT', v: 'b' })],
        [5, result('B', 'ticker', { symbol: 'MSFT', v: 'c' })],
        [7, result('B', 'ticker', { symbol: 'MSFT', v: 'd' })],
      ]);
    });
    expect(counter.total).toBe(2);
    expect(counter.active).toBe(0);
  });

  it('stops every running call of a function by name', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectSubscriptions, flush }) => {
      const source = cold('-a-b-c');
      const h = harness([ticker(source)], ts);
      drive(
        hot('a-b-c', {
          a: h.call('A', 'ticker', { symbol: 'AAPL' }),
          b: h.call('B', 'ticker', { symbol: 'MSFT' }),
          c: h.stop({ function_name: 'ticker' }),
        }),
      );
      expectSubscriptions(source.subscriptions).toBe(['^---!', '--^-!']);
      flush();
      expect(h.sent.slice(-3)).toEqual([
        stopped('A', 'ticker', 'model', 2),
        stopped('B', 'ticker', 'model', 1),
        {
          id: 'stop-1',
          name: 'stop_streaming',
          response: {
            output: {
              stopped: [
                { call_id: 'A', function_name: 'ticker', results: 2 },
                { call_id: 'B', function_name: 'ticker', results: 1 },
              ],
            },
          },
        },
      ]);
      expect(h.runner.activeCalls()).toEqual([]);
    });
  });

  it('answers a stop that matches nothing with an error listing what runs, and stops nothing', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, flush, expectSubscriptions }) => {
      const source = cold('-a-');
      const h = harness([ticker(source)], ts);
      drive(
        hot('a-b-c-d', {
          a: h.call('A', 'ticker', { symbol: 'AAPL' }),
          b: h.stop({ call_id: 'nope' }, 's1'),
          c: h.stop({ function_name: 'other' }, 's2'),
          d: h.stop({}, 's3'),
        }),
      );
      expectSubscriptions(source.subscriptions).toBe(['^']);
      flush();
      const errors = h.sent.filter((r) => r.name === 'stop_streaming');
      expect(errors).toEqual([
        failed('s1', 'stop_streaming', 'STOP_NOTHING_MATCHED'),
        failed('s2', 'stop_streaming', 'STOP_NOTHING_MATCHED'),
        failed('s3', 'stop_streaming', 'STOP_NOTHING_MATCHED'),
      ]);
      const message = (errors[2]!.response as { error: { message: string } }).error.message;
      expect(message).toBe('Give call_id or function_name. Running calls: ticker (call_id A).');
      h.runner.dispose();
    });
  });

  it('is declared only when a streaming tool is present', () => {
    const ts = createTestScheduler(expect);
    const h = harness([ticker(NEVER)], ts);
    expect(h.runner.declarations().map((d) => [d.name, d.behavior])).toEqual([
      ['ticker', 'NON_BLOCKING'],
      ['stop_streaming', undefined],
    ]);
  });
});

describe("the server's toolCallCancellation", () => {
  it('unsubscribes at once and sends nothing more for the call', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable, expectSubscriptions, flush }) => {
      const source = cold('-a-b-c-d-|');
      const h = harness([ticker(source)], ts);
      drive(hot('a--b', { a: h.call('A', 'ticker', { symbol: 'X' }), b: h.cancel('A') }));
      expectObservable(h.responses$).toBe('-a', { a: result('A', 'ticker', { symbol: 'X', v: 'a' }) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
      flush();
      expect(h.ends()).toEqual([
        expect.objectContaining({ callId: 'A', reason: 'cancelled', cancelledBy: 'server' }),
      ]);
    });
  });

  it('works before the first emission: the tool never sends anything', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold('-----a|');
      const h = harness([ticker(source)], ts);
      drive(hot('a-b', { a: h.call('A', 'ticker', { symbol: 'X' }), b: h.cancel('A') }));
      expectObservable(h.responses$).toBe('');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('ignores ids it does not know, and ids of calls that already ended', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold('-a|');
      const h = harness([ticker(source)], ts);
      drive(
        hot('a-b-c', { a: h.call('A', 'ticker', { symbol: 'X' }), b: h.cancel('unknown'), c: h.cancel('A') }),
      );
      expectObservable(h.responses$).toBe('-ab', {
        a: result('A', 'ticker', { symbol: 'X', v: 'a' }),
        b: expect.objectContaining({ id: 'A', willContinue: false }),
      });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('wins over an emission scheduled in the same tick after it', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // the cancellation is scheduled before the tool's emission at frame 3 (hot subscribed first)
      const source = cold('---a');
      const h = harness([ticker(source)], ts);
      drive(hot('a--b', { a: h.call('A', 'ticker', { symbol: 'X' }), b: h.cancel('A') }));
      expectObservable(h.responses$).toBe('');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('lets an emission scheduled earlier in the same tick through, then nothing', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable }) => {
      const source = cold('---a-b');
      const h = harness([ticker(source)], ts);
      h.runner.handleToolCall([{ id: 'A', name: 'ticker', args: { symbol: 'X' } }]);
      drive(hot('---b', { b: h.cancel('A') }));
      expectObservable(h.responses$).toBe('---a', { a: result('A', 'ticker', { symbol: 'X', v: 'a' }) });
    });
  });

  it('cancels a call that is still validating asynchronously', async () => {
    const ts = createTestScheduler(expect);
    const h = harness(
      [
        defineStreamingTool({
          name: 'slow',
          description: 'Slow validation.',
          parameters: z.object({ x: z.string().refine(async () => true) }),
          execute: () => NEVER,
        }),
      ],
      ts,
    );
    h.runner.handleToolCall([{ id: 'A', name: 'slow', args: { x: 'y' } }]);
    h.runner.handleCancellation(['A']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.events.map((e) => e.type)).toEqual(['tool-call', 'tool-end']);
    expect(h.sent).toEqual([]);
  });
});

describe('user interruption', () => {
  it("stops calls of tools with interruption: 'cancel' with a final response, and keeps the others", () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectSubscriptions, flush }) => {
      const keepSource = cold('-a-b-c-d');
      const cancelSource = cold('-a-b-c-d');
      const keep = ticker(keepSource);
      const cancelTool = defineStreamingTool({
        name: 'camera',
        description: 'Watches.',
        parameters: z.object({}),
        interruption: 'cancel',
        execute: () => cancelSource,
      });
      const h = harness([keep, cancelTool], ts);
      drive(
        hot('a--b---c', {
          a: () => {
            h.call('K', 'ticker', { symbol: 'X' })();
            h.call('C', 'camera')();
          },
          b: h.interrupt(),
          c: h.dispose(),
        }),
      );
      expectSubscriptions(keepSource.subscriptions).toBe('^------!');
      expectSubscriptions(cancelSource.subscriptions).toBe('^--!');
      flush();
      expect(h.sent.filter((r) => r.id === 'C').at(-1)).toEqual(stopped('C', 'camera', 'interruption', 1));
      expect(h.ends().map((e) => [e.callId, e.reason, e.cancelledBy])).toEqual([
        ['C', 'cancelled', 'interruption'],
        ['K', 'cancelled', 'session-end'],
      ]);
    });
  });
});

describe('session end', () => {
  it('tears down a tool that never completes, synchronously, and sends nothing', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectObservable, expectSubscriptions, flush }) => {
      const forever = cold('-a--');
      const h = harness([ticker(forever)], ts);
      let ended = false;
      h.runner.events$.subscribe({ complete: () => (ended = true) });
      drive(
        hot('a---b', {
          a: h.call('A', 'ticker', { symbol: 'X' }),
          b: () => {
            h.runner.dispose();
            // synchronous: by the time dispose() returns, everything is gone
            expect(h.runner.activeCalls()).toEqual([]);
            expect(ended).toBe(true);
          },
        }),
      );
      expectObservable(h.responses$).toBe('-a', { a: result('A', 'ticker', { symbol: 'X', v: 'a' }) });
      expectSubscriptions(forever.subscriptions).toBe('^---!');
      flush();
      expect((h.ends()[0] as ToolEndEvent).cancelledBy).toBe('session-end');
      expect(() => h.runner.handleToolCall([{ id: 'late', name: 'ticker' }])).toThrow(/disposed/);
      expect(() => h.runner.dispose()).not.toThrow();
    });
  });
});

describe('application stop', () => {
  it('stops by id or by name with a WHEN_IDLE final response and returns what it stopped', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, flush }) => {
      const h = harness([ticker(cold('-a-'))], ts);
      h.runner.handleToolCall([
        { id: 'A', name: 'ticker', args: { symbol: 'X' } },
        { id: 'B', name: 'ticker', args: { symbol: 'Y' } },
      ]);
      expect(h.runner.stopCalls({ callId: 'A' })).toEqual([{ callId: 'A', toolName: 'ticker', results: 0 }]);
      expect(h.runner.stopCalls({ callId: 'A' })).toEqual([]);
      expect(h.runner.stopCalls({ toolName: 'ticker' })).toEqual([
        { callId: 'B', toolName: 'ticker', results: 0 },
      ]);
      flush();
      expect(h.sent).toEqual([
        stopped('A', 'ticker', 'application', 0, 'WHEN_IDLE'),
        stopped('B', 'ticker', 'application', 0, 'WHEN_IDLE'),
      ]);
    });
  });

  it('speaks camelCase to the application and snake_case to the model for the same stopped call', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, flush }) => {
      const h = harness([ticker(cold('-a-'))], ts);
      h.runner.handleToolCall([
        { id: 'A', name: 'ticker', args: { symbol: 'X' } },
        { id: 'B', name: 'ticker', args: { symbol: 'Y' } },
      ]);
      const byApplication = h.runner.stopCalls({ callId: 'A' });
      h.runner.handleToolCall([{ id: 's', name: 'stop_streaming', args: { call_id: 'B' } }]);
      flush();
      expect(byApplication).toEqual([{ callId: 'A', toolName: 'ticker', results: 0 }]);
      const answer = h.sent.find((r) => r.id === 's');
      expect(answer?.response).toEqual({
        output: { stopped: [{ call_id: 'B', function_name: 'ticker', results: 0 }] },
      });
    });
  });
});

describe('handoff stop', () => {
  it("stops with cancelledBy 'handoff': a SILENT final response, and a signal reason that says the session was handed over", () => {
    const ts = createTestScheduler(expect);
    ts.run(({ flush }) => {
      let reason: unknown;
      const tool = defineStreamingTool({
        name: 'camera',
        description: 'Watches.',
        parameters: args,
        execute: (_args, ctx) => {
          ctx.signal.addEventListener('abort', () => {
            reason = ctx.signal.reason;
          });
          return NEVER;
        },
      });
      const h = harness([tool], ts);
      h.runner.handleToolCall([{ id: 'A', name: 'camera', args: { symbol: 'X' } }]);
      flush();
      expect(h.runner.stopCalls({ callId: 'A' }, { by: 'handoff' })).toEqual([
        { callId: 'A', toolName: 'camera', results: 0 },
      ]);
      flush();
      expect(h.sent).toEqual([stopped('A', 'camera', 'handoff', 0, 'SILENT')]);
      expect(h.ends()[0]).toMatchObject({ callId: 'A', reason: 'cancelled', cancelledBy: 'handoff' });
      expect(reason).toMatchObject({
        code: 'CALL_CANCELLED',
        by: 'handoff',
        message: expect.stringContaining('handed over to a new Live session'),
      });
    });
  });
});

/** A one-shot tool that counts its runs in `runs.n`. */
const ping = (runs: { n: number }) =>
  defineTool({
    name: 'ping',
    description: 'Answers.',
    parameters: z.object({}),
    execute: () => {
      runs.n += 1;
      return { pong: true };
    },
  });

describe('an events$ handler that ends calls or the runner while a call is taken in', () => {
  /** A runner whose sink keeps `id willContinue` per response, and the events as `type:id`. */
  function watched(tools: AnyTool[]) {
    const sent: string[] = [];
    const runner = new ToolRunner({
      tools,
      sink: { send: (responses) => sent.push(...responses.map((r) => `${r.id} ${r.willContinue === true}`)) },
    });
    const events: string[] = [];
    return { runner, sent, events };
  }
  const counted = (name: string, counts: { subscribed: number; torn: number }, policies = {}) =>
    defineStreamingTool({
      name,
      description: 'Counts its subscribers.',
      parameters: z.object({}),
      ...policies,
      execute: () =>
        new Observable<{ v: number }>((subscriber) => {
          counts.subscribed += 1;
          subscriber.next({ v: 1 });
          return () => {
            counts.torn += 1;
          };
        }),
    });

  it('never starts a replacing call that a handler stopped on the tool-end of the call it replaces', () => {
    const counts = { subscribed: 0, torn: 0 };
    const { runner, sent, events } = watched([counted('watch', counts, { onDuplicate: 'replace' })]);
    runner.events$.subscribe((e) => {
      events.push(`${e.type}:${'callId' in e ? e.callId : ''}`);
      if (e.type === 'tool-end' && e.callId === 'c1') runner.stopCalls({ toolName: 'watch' });
    });
    runner.handleToolCall([{ id: 'c1', name: 'watch', args: {} }]);
    runner.handleToolCall([{ id: 'c2', name: 'watch', args: {} }]);
    expect(events).toEqual([
      'tool-call:c1',
      'tool-start:c1',
      'tool-result:c1',
      'tool-call:c2',
      'tool-end:c1',
      'tool-end:c2',
    ]);
    // c2's one response is its final one
    expect(sent).toEqual(['c1 true', 'c1 false', 'c2 false']);
    expect(counts).toEqual({ subscribed: 1, torn: 1 });
    expect(runner.activeCalls()).toEqual([]);
  });

  it('never starts a replacing call when a handler disposes the runner on the tool-end of the call it replaces', () => {
    const counts = { subscribed: 0, torn: 0 };
    const { runner, sent } = watched([counted('watch', counts, { onDuplicate: 'replace' })]);
    runner.events$.subscribe((e) => {
      if (e.type === 'tool-end' && e.callId === 'c1') runner.dispose();
    });
    runner.handleToolCall([{ id: 'c1', name: 'watch', args: {} }]);
    runner.handleToolCall([{ id: 'c2', name: 'watch', args: {} }]);
    expect(sent).toEqual(['c1 true', 'c1 false']);
    expect(counts).toEqual({ subscribed: 1, torn: 1 });
  });

  it('takes in nothing more once a handler disposes the runner on a tool-call: not that call, nor the rest of its message', () => {
    const counts = { subscribed: 0, torn: 0 };
    const runs = { n: 0 };
    const { runner, sent, events } = watched([ping(runs), counted('watch', counts)]);
    let completed = false;
    runner.events$.subscribe({
      next: (e) => {
        events.push(`${e.type}:${'callId' in e ? e.callId : ''}`);
        if (e.type === 'tool-call') runner.dispose();
      },
      complete: () => (completed = true),
    });
    runner.handleToolCall([
      { id: 'w1', name: 'watch', args: {} },
      { id: 'p1', name: 'ping', args: {} },
    ]);
    // the call taken in ends with the session; the next one is not taken in
    expect(events).toEqual(['tool-call:w1', 'tool-end:w1']);
    expect(completed).toBe(true);
    expect(sent).toEqual([]);
    expect(counts.subscribed).toBe(0);
    expect(runs.n).toBe(0);
    expect(runner.activeCalls()).toEqual([]);
  });

  it('runs no later call of a message once a handler disposes the runner on the result of an earlier one', () => {
    const runs = { n: 0 };
    const { runner, sent } = watched([ping(runs)]);
    runner.events$.subscribe((e) => {
      if (e.type === 'tool-result') runner.dispose();
    });
    runner.handleToolCall([
      { id: 'p1', name: 'ping', args: {} },
      { id: 'p2', name: 'ping', args: {} },
    ]);
    expect(sent).toEqual(['p1 false']);
    expect(runs.n).toBe(1);
  });
});

describe('an events$ handler on a tool-call', () => {
  it('sees the call active, and may stop it there: its tool never runs, and its one response is the final one', () => {
    let subscribed = 0;
    const watch = defineStreamingTool({
      name: 'watch',
      description: 'Watches.',
      parameters: z.object({}),
      execute: () =>
        new Observable<{ v: number }>((subscriber) => {
          subscribed += 1;
          subscriber.next({ v: 1 });
        }),
    });
    const sent: string[] = [];
    const runner = new ToolRunner({
      tools: [watch],
      sink: { send: (responses) => sent.push(...responses.map((r) => JSON.stringify(r.response))) },
    });
    const events: string[] = [];
    const during: string[] = [];
    runner.events$.subscribe((e) => {
      events.push(e.type === 'tool-end' ? `${e.type}:${e.reason}:${e.cancelledBy}` : e.type);
      if (e.type === 'tool-call') {
        during.push(...runner.activeCalls().map((c) => `${c.callId} ${c.state}`));
        during.push(...runner.stopCalls({ callId: 'w1' }).map((c) => `stopped ${c.callId}`));
      }
    });
    runner.handleToolCall([{ id: 'w1', name: 'watch', args: {} }]);
    expect(during).toEqual(['w1 validating', 'stopped w1']);
    expect(events).toEqual(['tool-call', 'tool-end:cancelled:application']);
    expect(subscribed).toBe(0);
    expect(sent).toEqual(['{"output":{"status":"stopped","reason":"application","results":0}}']);
  });

  for (const name of ['ping', 'missing']) {
    it(`refuses the same id fed again from the handler, so that it is answered once (${name === 'ping' ? 'a known tool' : 'an unknown one'})`, () => {
      const runs = { n: 0 };
      const sent: string[] = [];
      const runner = new ToolRunner({
        tools: [ping(runs)],
        sink: { send: (responses) => sent.push(...responses.map((r) => r.id)) },
      });
      let fedAgain = false;
      runner.events$.subscribe((e) => {
        if (e.type === 'tool-call' && !fedAgain) {
          fedAgain = true;
          runner.handleToolCall([{ id: 'd1', name, args: {} }]);
        }
      });
      runner.handleToolCall([{ id: 'd1', name, args: {} }]);
      expect(fedAgain).toBe(true);
      expect(sent).toEqual(['d1']);
      expect(runs.n).toBe(name === 'ping' ? 1 : 0);
    });
  }
});
