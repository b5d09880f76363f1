import {
  asyncScheduler,
  filter,
  firstValueFrom,
  map,
  NEVER,
  type Observable,
  of,
  type SchedulerLike,
} from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drive, harness } from '../../test/support/harness.js';
import { createTestScheduler } from '../testing/create-test-scheduler.js';
import { defineStreamingTool, defineTool, type StreamingToolPolicies } from '../tool/define-tool.js';
import type { ToolEndEvent, ToolEvent, ToolResultEvent } from './events.js';
import { ToolRunner } from './tool-runner.js';

function tool(source: Observable<unknown>, policies: StreamingToolPolicies = {}) {
  return defineStreamingTool({
    name: 'watch',
    description: 'Watches.',
    parameters: z.object({ n: z.number() }),
    ...policies,
    execute: () => source.pipe(map((v) => ({ v }))),
  });
}

const json = (value: unknown) => JSON.stringify(value).length;

describe('per-call metrics on tool-end, in the scheduler clock', () => {
  it('times the first result and the call, counts results, coalesced emissions and bytes', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, flush }) => {
      // Emissions at 5, 7, 8 and 20 after the start; minIntervalMs 10 keeps 5, then 8 (7 coalesced), then 20.
      const h = harness([tool(cold('-----a-bc-----------d|'), { minIntervalMs: 10 })], ts);
      drive(hot('--a', { a: h.call('1', 'watch', { n: 1 }) }));
      flush();
      const results = h.events.filter((e): e is ToolResultEvent => e.type === 'tool-result');
      expect(results.map((e) => e.bytes)).toEqual(h.sent.slice(0, 3).map(json));
      const [end] = h.ends() as ToolEndEvent[];
      expect(end!.metrics).toEqual({
        receivedAt: 2,
        startedAt: 2,
        durationMs: 21,
        timeToFirstResultMs: 5,
        results: 3,
        coalesced: 1,
        dropped: 0,
        refused: 0,
        bytes: h.sent.map(json).reduce((a, b) => a + b, 0),
      });
    });
  });

  it('measures the time from the cancel signal to the teardown of a cancelled call', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ hot, flush }) => {
      const h = harness([tool(NEVER)], ts);
      drive(hot('a---b', { a: h.call('1', 'watch', { n: 1 }), b: h.cancel('1') }));
      flush();
      const [end] = h.ends() as ToolEndEvent[];
      expect(end).toMatchObject({ reason: 'cancelled', cancelledBy: 'server' });
      expect(end!.metrics).toEqual({
        receivedAt: 0,
        startedAt: 0,
        durationMs: 4,
        results: 0,
        coalesced: 0,
        dropped: 0,
        refused: 0,
        bytes: 0,
        cancelToTeardownMs: 0,
      });
    });
  });

  /** A clock that moves on by 10 at every read: each time an event carries was read once for it. */
  function steppingClock(): { scheduler: SchedulerLike; reads: () => number } {
    let reads = 0;
    return {
      scheduler: { now: () => 100 + 10 * reads++, schedule: asyncScheduler.schedule.bind(asyncScheduler) },
      reads: () => reads,
    };
  }

  function addRunner(scheduler: SchedulerLike, parameters: z.ZodType<{ a: number; b: number }>) {
    return new ToolRunner({
      tools: [
        defineTool({
          name: 'add',
          description: 'Adds.',
          parameters,
          execute: ({ a, b }) => ({ sum: a + b }),
        }),
      ],
      scheduler,
      sink: { send: () => {} },
    });
  }

  it('starts a call validated in the turn it arrived at its arrival time, and ends a one-shot call at the time of its result: two reads of the clock', () => {
    const clock = steppingClock();
    const runner = addRunner(clock.scheduler, z.object({ a: z.number(), b: z.number() }));
    const events: ToolEvent[] = [];
    runner.events$.subscribe((e) => events.push(e));
    runner.handleToolCall([{ id: '1', name: 'add', args: { a: 1, b: 2 } }]);
    expect(events.map((e) => [e.type, 'time' in e ? e.time : undefined])).toEqual([
      ['tool-call', 100],
      ['tool-start', 100],
      ['tool-result', 110],
      ['tool-end', 110],
    ]);
    expect((events[3] as ToolEndEvent).metrics).toMatchObject({
      receivedAt: 100,
      startedAt: 100,
      durationMs: 10,
      timeToFirstResultMs: 10,
    });
    expect(clock.reads()).toBe(2);
  });

  it('reads the clock again to start a call whose arguments validated in a later turn', async () => {
    const clock = steppingClock();
    const parameters = z.object({ a: z.number(), b: z.number() }).refine(async () => true);
    const runner = addRunner(clock.scheduler, parameters);
    const events: ToolEvent[] = [];
    runner.events$.subscribe((e) => events.push(e));
    const ended = firstValueFrom(runner.events$.pipe(filter((e) => e.type === 'tool-end')));
    runner.handleToolCall([{ id: '1', name: 'add', args: { a: 1, b: 2 } }]);
    await ended;
    expect(events.map((e) => [e.type, 'time' in e ? e.time : undefined])).toEqual([
      ['tool-call', 100],
      ['tool-start', 110],
      ['tool-result', 120],
      ['tool-end', 120],
    ]);
    expect(clock.reads()).toBe(3);
  });

  it('gives calls that never start their arrival, duration and the bytes of their error', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ hot, flush }) => {
      const add = defineTool({
        name: 'add',
        description: 'Adds.',
        parameters: z.object({ a: z.number() }),
        execute: ({ a }) => a,
      });
      const h = harness([add], ts);
      drive(hot('-a-b', { a: h.call('bad', 'add', { a: 'x' }), b: h.call('none', 'nope') }));
      flush();
      const ends = h.ends() as ToolEndEvent[];
      expect(ends.map((e) => e.metrics)).toEqual([
        {
          receivedAt: 1,
          durationMs: 0,
          results: 0,
          coalesced: 0,
          dropped: 0,
          refused: 0,
          bytes: json(h.sent[0]),
        },
        {
          receivedAt: 3,
          durationMs: 0,
          results: 0,
          coalesced: 0,
          dropped: 0,
          refused: 0,
          bytes: json(h.sent[1]),
        },
      ]);
    });
  });
});

describe('bytes', () => {
  it('are not measured unless asked for (measuring serialises every response once more)', () => {
    const ends: ToolEndEvent[] = [];
    const results: ToolResultEvent[] = [];
    const once = defineStreamingTool({
      name: 'once',
      description: 'Emits once.',
      parameters: z.object({}),
      execute: () => of(1),
    });
    const runner = new ToolRunner({ tools: [once], sink: { send: () => {} } });
    runner.events$.subscribe((e) => {
      if (e.type === 'tool-end') ends.push(e);
      if (e.type === 'tool-result') results.push(e);
    });
    runner.handleToolCall([{ id: 'a', name: 'once', args: {} }]);
    expect(results.map((e) => e.bytes)).toEqual([0]);
    expect(ends.map((e) => [e.metrics.results, e.metrics.bytes])).toEqual([[1, 0]]);
  });
});
