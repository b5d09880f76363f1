import { map, NEVER, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { completed, drive, failed, harness, result, stopped } from '../../test/support/harness.js';
import { createTestScheduler } from '../testing/create-test-scheduler.js';
import {
  type DuplicatePolicy,
  defineStreamingTool,
  type StreamingToolPolicies,
} from '../tool/define-tool.js';
import { type Scheduling, withScheduling } from '../tool/scheduling.js';

function tool(source: Observable<unknown>, policies: StreamingToolPolicies = {}) {
  return defineStreamingTool({
    name: 'watch',
    description: 'Watches.',
    parameters: z.object({ n: z.number() }),
    ...policies,
    execute: ({ n }) => source.pipe(map((v) => ({ n, v }))),
  });
}

describe('onDuplicate', () => {
  const scenario = (policy: DuplicatePolicy) => {
    const ts = createTestScheduler(expect);
    let out: { subs: string[][]; timeline: unknown[] } = { subs: [], timeline: [] };
    ts.run(({ cold, hot, flush }) => {
      const source = cold('-a-b-c|');
      const h = harness([tool(source, { onDuplicate: policy })], ts);
      drive(hot('a-b', { a: h.call('1', 'watch', { n: 1 }), b: h.call('2', 'watch', { n: 2 }) }));
      flush();
      out = {
        subs: source.subscriptions.map((s) => [String(s.subscribedFrame), String(s.unsubscribedFrame)]),
        timeline: h.timeline,
      };
    });
    return out;
  };

  it('allow: both calls stream concurrently (mergeMap)', () => {
    const { subs, timeline } = scenario('allow');
    expect(subs).toEqual([
      ['0', '6'],
      ['2', '8'],
    ]);
    expect(timeline).toEqual([
      [1, result('1', 'watch', { n: 1, v: 'a' })],
      [3, result('1', 'watch', { n: 1, v: 'b' })],
      [3, result('2', 'watch', { n: 2, v: 'a' })],
      [5, result('1', 'watch', { n: 1, v: 'c' })],
      [5, result('2', 'watch', { n: 2, v: 'b' })],
      [6, completed('1', 'watch', 3)],
      [7, result('2', 'watch', { n: 2, v: 'c' })],
      [8, completed('2', 'watch', 3)],
    ]);
  });

  it('replace: the running call is stopped with a final response and the new one starts (switchMap)', () => {
    const { subs, timeline } = scenario('replace');
    expect(subs).toEqual([
      ['0', '2'],
      ['2', '8'],
    ]);
    expect(timeline.slice(0, 3)).toEqual([
      [1, result('1', 'watch', { n: 1, v: 'a' })],
      [2, stopped('1', 'watch', 'replaced', 1)],
      [3, result('2', 'watch', { n: 2, v: 'a' })],
    ]);
  });

  it('reject: the new call is answered with DUPLICATE_CALL and never starts (exhaustMap)', () => {
    const { subs, timeline } = scenario('reject');
    expect(subs).toEqual([['0', '6']]);
    expect(timeline[1]).toEqual([2, failed('2', 'watch', 'DUPLICATE_CALL', { willContinue: false })]);
    expect(timeline.filter((t) => (t as [number, { id: string }])[1].id === '2')).toHaveLength(1);
  });

  it('queue: the new call starts when the running one ends (concatMap)', () => {
    const { subs, timeline } = scenario('queue');
    expect(subs).toEqual([
      ['0', '6'],
      ['6', '12'],
    ]);
    expect(timeline.slice(3, 5)).toEqual([
      [6, completed('1', 'watch', 3)],
      [7, result('2', 'watch', { n: 2, v: 'a' })],
    ]);
  });

  it('queue: reports tool-queued, starts the next one when the running call is cancelled, and drops a cancelled queued call', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectSubscriptions, flush }) => {
      const source = cold('-a-b-c-d-e-f');
      const h = harness([tool(source, { onDuplicate: 'queue' })], ts);
      drive(
        hot('abc-d-e', {
          a: h.call('1', 'watch', { n: 1 }),
          b: h.call('2', 'watch', { n: 2 }),
          c: h.call('3', 'watch', { n: 3 }),
          d: h.cancel('2'),
          e: h.cancel('1'),
        }),
      );
      expectSubscriptions(source.subscriptions).toBe(['^-----!', '------^']);
      flush();
      const queued = h.events.filter((e) => e.type === 'tool-queued');
      expect(queued).toEqual([
        expect.objectContaining({ callId: '2', behind: ['1'] }),
        expect.objectContaining({ callId: '3', behind: ['1', '2'] }),
      ]);
      expect(h.sent.filter((r) => r.id === '2')).toEqual([]);
      expect(h.runner.activeCalls().map((c) => [c.callId, c.state])).toEqual([['3', 'running']]);
      h.runner.dispose();
    });
  });

  it('queue: stop_streaming by name stops the running and the queued calls, and nothing starts after', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectSubscriptions, flush }) => {
      const source = cold('-a-b-c|');
      const h = harness([tool(source, { onDuplicate: 'queue' })], ts);
      drive(
        hot('ab-c', {
          a: h.call('1', 'watch', { n: 1 }),
          b: h.call('2', 'watch', { n: 2 }),
          c: h.stop({ function_name: 'watch' }),
        }),
      );
      expectSubscriptions(source.subscriptions).toBe(['^--!']);
      flush();
      // the queued call is stopped first, so stopping the running one cannot start it
      expect(h.sent.filter((r) => r.willContinue === false).map((r) => r.id)).toEqual(['2', '1']);
      expect(h.runner.activeCalls()).toEqual([]);
    });
  });
});

describe('maxDurationMs', () => {
  it('stops the call when the time is up, with a WHEN_IDLE final response', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, expectSubscriptions, flush }) => {
      const source = cold('-a-b-c-d-e');
      const h = harness([tool(source, { maxDurationMs: 4 })], ts);
      drive(hot('--a', { a: h.call('1', 'watch', { n: 1 }) }));
      expectSubscriptions(source.subscriptions).toBe('--^---!');
      flush();
      expect(h.timeline.at(-1)).toEqual([6, stopped('1', 'watch', 'max-duration', 2, 'WHEN_IDLE')]);
      expect(h.ends()[0]).toMatchObject({ reason: 'cancelled', cancelledBy: 'max-duration' });
    });
  });

  it('does not fire after the call completed earlier', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, flush }) => {
      const h = harness([tool(cold('-a|'), { maxDurationMs: 100 })], ts);
      h.runner.handleToolCall([{ id: '1', name: 'watch', args: { n: 1 } }]);
      flush();
      expect(h.sent.map((r) => r.willContinue)).toEqual([true, false]);
      expect(h.ends()).toHaveLength(1);
    });
  });
});

describe('minIntervalMs', () => {
  const schedulings: Record<string, Scheduling> = { i: 'INTERRUPT', s: 'SILENT' };
  const scheduled = (source: Observable<string>) =>
    source.pipe(map((v) => (schedulings[v[0] ?? ''] ? withScheduling(v, schedulings[v[0] ?? '']!) : v)));

  it('lets the first value through, then one per interval, coalesced to the newest', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, flush }) => {
      const source = cold('abcd------e---f', { a: 'a', b: 'b', c: 'c', d: 'd', e: 'e', f: 'f' });
      const plain = defineStreamingTool({
        name: 'w',
        description: 'w',
        parameters: z.object({}),
        minIntervalMs: 5,
        execute: () => source,
      });
      const h = harness([plain], ts);
      h.runner.handleToolCall([{ id: '1', name: 'w' }]);
      flush();
      expect(h.timeline.map(([f, r]) => [f, (r.response as { output: unknown }).output])).toEqual([
        [0, 'a'],
        [5, 'd'],
        [10, 'e'],
        [15, 'f'],
      ]);
      expect(h.runner.activeCalls()).toHaveLength(1);
      h.runner.dispose();
    });
  });

  it('keeps the most urgent scheduling of the coalesced values, so an INTERRUPT is never downgraded', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, flush }) => {
      const source = cold('a-ib-----', { a: 'a', i: 'i-alert', b: 'b' });
      const h = harness(
        [
          defineStreamingTool({
            name: 'w',
            description: 'w',
            parameters: z.object({}),
            minIntervalMs: 5,
            execute: () => scheduled(source),
          }),
        ],
        ts,
      );
      h.runner.handleToolCall([{ id: '1', name: 'w' }]);
      flush();
      expect(
        h.timeline.map(([f, r]) => [f, (r.response as { output: unknown }).output, r.scheduling]),
      ).toEqual([
        [0, 'a', 'WHEN_IDLE'],
        [5, 'b', 'INTERRUPT'],
      ]);
      h.runner.dispose();
    });
  });

  it('delivers a pending value at once when the tool completes or fails, before the final response', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, flush }) => {
      const ok = cold('ab|');
      const bad = cold('ab#', undefined, new Error('feed lost'));
      const make = (name: string, source: Observable<string>) =>
        defineStreamingTool({
          name,
          description: name,
          parameters: z.object({}),
          minIntervalMs: 10,
          execute: () => source,
        });
      const h = harness([make('ok', ok), make('bad', bad)], ts);
      h.runner.handleToolCall([
        { id: '1', name: 'ok' },
        { id: '2', name: 'bad' },
      ]);
      flush();
      expect(h.timeline.map(([f, r]) => [f, r.id, r.response])).toEqual([
        [0, '1', { output: 'a' }],
        [0, '2', { output: 'a' }],
        [2, '1', { output: 'b' }],
        [2, '1', { output: { status: 'completed', results: 2 } }],
        [2, '2', { output: 'b' }],
        [
          2,
          '2',
          { error: expect.objectContaining({ code: 'TOOL_EXECUTION', message: 'bad failed: feed lost' }) },
        ],
      ]);
    });
  });

  it('drops a pending value when the call is cancelled (the model stopped listening)', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, flush }) => {
      const h = harness([tool(cold('ab---'), { minIntervalMs: 10 })], ts);
      drive(hot('a-b', { a: h.call('1', 'watch', { n: 1 }), b: h.cancel('1') }));
      flush();
      expect(h.sent).toEqual([result('1', 'watch', { n: 1, v: 'a' })]);
    });
  });
});

describe('policy validation', () => {
  it.each([
    [{ onDuplicate: 'merge' }, /onDuplicate` must be one of allow, replace, reject, queue/],
    [{ interruption: 'stop' }, /interruption` must be one of keep, cancel/],
    [{ scheduling: 'NOW' }, /scheduling` must be one of INTERRUPT, WHEN_IDLE, SILENT/],
    [{ maxDurationMs: 0 }, /maxDurationMs` must be a positive number/],
    [{ minIntervalMs: Number.NaN }, /minIntervalMs` must be a positive number/],
  ])('rejects %o at definition time', (policies, message) => {
    expect(() => tool(NEVER, policies as StreamingToolPolicies)).toThrow(message);
  });
});
