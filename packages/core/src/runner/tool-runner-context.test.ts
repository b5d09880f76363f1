import { defer, NEVER, Observable, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { drive, harness, SubscriptionCounter } from '../../test/support/harness.js';
import { CallCancelledError } from '../errors.js';
import { createTestScheduler } from '../testing/create-test-scheduler.js';
import type { ToolContext } from '../tool/context.js';
import { needsContext } from '../tool/context-use.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { ToolRunner } from './tool-runner.js';

const _symbolArgs = z.object({ symbol: z.string().min(1) });

describe('ToolRunner: context', () => {
  it('gives each call its id, tool name, scheduler and an AbortSignal that only cancellation aborts', () => {
    const ts = createTestScheduler(expect);
    ts.run(({ cold, hot, flush }) => {
      const seen: { id: string; signal: AbortSignal }[] = [];
      const tool = defineStreamingTool({
        name: 'w',
        description: 'w',
        parameters: z.object({ end: z.boolean() }),
        execute: ({ end }, ctx) => {
          expect(ctx.toolName).toBe('w');
          expect(ctx.scheduler).toBe(ts);
          seen.push({ id: ctx.callId, signal: ctx.signal });
          return (end ? cold('-|') : NEVER) as Observable<unknown>;
        },
      });
      const h = harness([tool], ts);
      drive(hot('a-b', { a: h.call('done', 'w', { end: true }), b: h.stop({ call_id: 'running' }) }));
      h.runner.handleToolCall([{ id: 'running', name: 'w', args: { end: false } }]);
      flush();
      expect(seen.map((s) => [s.id, s.signal.aborted])).toEqual([
        ['running', true],
        ['done', false],
      ]);
      expect((seen[0]!.signal.reason as CallCancelledError).by).toBe('model');
    });
  });

  it('gives a signal first read after the cancellation already aborted, with who cancelled as its reason', () => {
    let ctxOf: ToolContext | undefined;
    const tool = defineStreamingTool({
      name: 'w',
      description: 'w',
      parameters: z.object({}),
      execute: (_args, ctx) => {
        ctxOf = ctx; // keeps the context, reads the signal only later
        return NEVER;
      },
    });
    const runner = new ToolRunner({ tools: [tool], sink: { send: () => {} } });
    runner.handleToolCall([{ id: 'c', name: 'w' }]);
    runner.handleCancellation(['c']);
    const signal = ctxOf?.signal;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(CallCancelledError);
    expect((signal?.reason as CallCancelledError | undefined)?.by).toBe('server');
    expect(ctxOf?.signal).toBe(signal); // one signal per call
  });

  it('runs the tool only once per call even when execute is slow to subscribe', () => {
    let executions = 0;
    const counter = new SubscriptionCounter();
    const tool = defineStreamingTool({
      name: 'w',
      description: 'w',
      parameters: z.object({}),
      execute: () => {
        executions += 1;
        return counter.track(defer(() => of(1)));
      },
    });
    const runner = new ToolRunner({ tools: [tool], sink: { send: () => {} } });
    runner.handleToolCall([{ id: '1', name: 'w' }]);
    expect(executions).toBe(1);
    expect(counter.total).toBe(1);
    expect(counter.active).toBe(0);
  });

  it('stops a synchronous infinite source as soon as the call is cancelled from the sink', () => {
    let emitted = 0;
    const endless = new Observable<number>((subscriber) => {
      for (let i = 0; !subscriber.closed; i++) {
        emitted += 1;
        subscriber.next(i);
      }
    });
    const tool = defineStreamingTool({
      name: 'w',
      description: 'w',
      parameters: z.object({}),
      execute: () => endless,
    });
    const runner: ToolRunner = new ToolRunner({
      tools: [tool],
      sink: {
        send: (r) => {
          if (r[0]?.willContinue && r[0].response && emitted === 3) runner.handleCancellation(['1']);
        },
      },
    });
    runner.handleToolCall([{ id: '1', name: 'w' }]);
    expect(emitted).toBe(3);
    expect(runner.activeCalls()).toEqual([]);
  });
});

describe('ToolRunner: tools that cannot read a context', () => {
  const responses = (tools: Parameters<typeof defineTool>[0][]) => {
    const sent: unknown[] = [];
    const runner = new ToolRunner({
      tools: tools.map((t) => defineTool(t)),
      sink: { send: (r) => sent.push(...r.map((x) => x.response)) },
    });
    return { runner, sent };
  };

  it('run without one when execute declares one parameter, and with one when they read it through `arguments`', () => {
    const { runner, sent } = responses([
      { name: 'one', description: 'd', parameters: z.object({ n: z.number() }), execute: ({ n }) => ({ n }) },
      {
        name: 'old',
        description: 'd',
        parameters: z.object({}),
        execute: function (this: unknown) {
          // biome-ignore lint/complexity/noArguments: a tool written without a second parameter
          return { id: (arguments[1] as ToolContext).callId };
        },
      },
    ]);
    expect(
      needsContext(
        defineTool({ name: 'x', description: 'd', parameters: z.object({}), execute: () => 1 }).execute,
      ),
    ).toBe(false);
    runner.handleToolCall([
      { id: 'a', name: 'one', args: { n: 1 } },
      { id: 'b', name: 'old', args: {} },
    ]);
    expect(sent).toEqual([{ output: { n: 1 } }, { output: { id: 'b' } }]);
  });
});

describe('ToolRunner: ctx.input', () => {
  it('is one object per runner, shared by its calls, when no input is given', () => {
    const seen: ToolContext['input'][] = [];
    const tool = defineTool({
      name: 'probe',
      description: 'Records its context.',
      parameters: z.object({}),
      execute: (_args, ctx) => {
        seen.push(ctx.input);
        return { ok: true };
      },
    });
    const ts = createTestScheduler(expect);
    const first = harness([tool], ts);
    const second = harness([tool], ts);
    first.call('a1', 'probe')();
    first.call('a2', 'probe')();
    second.call('b1', 'probe')();
    ts.flush();
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[0]);
  });
});
