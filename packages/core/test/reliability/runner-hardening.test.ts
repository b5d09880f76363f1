/**
 * Regression tests for the scheduler items of issue 13 (hostile input and unlucky faults), one
 * `describe` per item. Each failed before its fix.
 */
import { NEVER, Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeError } from '../../src/errors.js';
import type { LiveFunctionResponse } from '../../src/protocol/function-calls.js';
import type { ToolEvent } from '../../src/runner/events.js';
import { ToolRunner } from '../../src/runner/tool-runner.js';
import { type AnyTool, defineStreamingTool, defineTool } from '../../src/tool/define-tool.js';
import type { StandardSchemaV1 } from '../../src/tool/standard-schema.js';

function recorder(tools: AnyTool[], vts = new VirtualTimeScheduler()) {
  const sent: LiveFunctionResponse[] = [];
  const events: ToolEvent[] = [];
  const runner = new ToolRunner({ tools, scheduler: vts, sink: { send: (r) => sent.push(...r) } });
  runner.events$.subscribe((e) => events.push(e));
  return { runner, sent, events, vts };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs virtual time forward by `ms`, letting promises settle before and after. */
async function advance(vts: VirtualTimeScheduler, ms: number): Promise<void> {
  await settle();
  const target = vts.now() + ms;
  vts.schedule(() => {}, ms);
  vts.maxFrames = target;
  vts.flush();
  await settle();
}

describe('item 4: describeError never throws, and the model still gets its error response', () => {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const hostile: Record<string, unknown> = {
    'a null-prototype object': Object.assign(Object.create(null), { reason: 'boom' }),
    'a null-prototype object holding a BigInt': Object.assign(Object.create(null), { n: 1n }),
    'an object whose toString throws': {
      toString() {
        throw new Error('no');
      },
      n: 1n,
    },
    'an Error whose message getter throws': Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('no');
      },
    }),
    'a Proxy that throws on every trap': new Proxy(
      {},
      new Proxy(
        {},
        {
          get: () => () => {
            throw new Error('trap');
          },
        },
      ),
    ),
    'a revoked Proxy': revoked.proxy,
    'a Symbol': Symbol('sym'),
    'a circular object': (() => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return Object.setPrototypeOf(o, null);
    })(),
  };

  for (const [label, thrown] of Object.entries(hostile)) {
    it(`describes ${label}`, () => {
      const text = describeError(thrown);
      expect(typeof text).toBe('string');
      expect(text.length).toBeGreaterThan(0);
    });

    it(`answers a one-shot tool that throws ${label} with TOOL_EXECUTION`, () => {
      const tool = defineTool({
        name: 'bad',
        description: 'Throws.',
        parameters: z.object({}),
        execute: () => {
          throw thrown;
        },
      });
      const { runner, sent, events } = recorder([tool]);
      runner.handleToolCall([{ id: 'a', name: 'bad', args: {} }]);
      expect(sent).toEqual([
        {
          id: 'a',
          name: 'bad',
          response: { error: { code: 'TOOL_EXECUTION', message: expect.stringMatching(/^bad failed: .+/) } },
        },
      ]);
      expect(events.at(-1)).toMatchObject({ type: 'tool-end', reason: 'failed' });
    });
  }
});

describe('item 8: values JSON cannot carry are refused at emission, with the path', () => {
  it('a one-shot result with a BigInt becomes the error response, naming the path', () => {
    const tool = defineTool({
      name: 'orders',
      description: 'Lists orders.',
      parameters: z.object({}),
      execute: () => ({ results: [{}, {}, {}, { orderId: 12n }] }),
    });
    const { runner, sent, events } = recorder([tool]);
    runner.handleToolCall([{ id: 'a', name: 'orders', args: {} }]);
    expect(sent).toEqual([
      {
        id: 'a',
        name: 'orders',
        response: {
          error: {
            code: 'UNSERIALIZABLE_VALUE',
            message: expect.stringContaining('result.results[3].orderId is a BigInt'),
          },
        },
      },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'tool-end', reason: 'failed', results: 0 });
  });

  it('a one-shot circular result becomes the error response', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.me = cyclic;
    const tool = defineTool({
      name: 'loop',
      description: 'Cycles.',
      parameters: z.object({}),
      execute: async () => cyclic,
    });
    const { runner, sent } = recorder([tool]);
    runner.handleToolCall([{ id: 'a', name: 'loop', args: {} }]);
    return settle().then(() => {
      expect(sent).toHaveLength(1);
      const body = sent[0]!.response;
      expect('error' in body && body.error.code).toBe('UNSERIALIZABLE_VALUE');
      expect('error' in body && body.error.message).toContain('result.me refers back to result');
    });
  });

  it('an intermediate value with a BigInt is reported, not sent and not counted; the next values go on', () => {
    const feed = new Subject<unknown>();
    const tool = defineStreamingTool({
      name: 'feed',
      description: 'Feeds.',
      parameters: z.object({}),
      execute: () => feed,
    });
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const quiet = () => {};
    const sent: LiveFunctionResponse[] = [];
    const events: ToolEvent[] = [];
    const runner = new ToolRunner({
      tools: [tool],
      sink: { send: (r) => sent.push(...r) },
      logger: {
        debug: quiet,
        info: quiet,
        error: quiet,
        warn: (m: string, d?: Record<string, unknown>) => warnings.push([m, d]),
      },
    });
    runner.events$.subscribe((e) => events.push(e));
    runner.handleToolCall([{ id: 'a', name: 'feed', args: {} }]);
    feed.next({ price: 1 });
    feed.next({ price: 2n });
    feed.next({ price: 3 });
    feed.complete();
    expect(sent.map((r) => r.response)).toEqual([
      { output: { price: 1 } },
      { output: { price: 3 } },
      { output: { status: 'completed', results: 2 } },
    ]);
    const refused = events.filter((e) => e.type === 'tool-result-refused');
    expect(refused).toEqual([
      expect.objectContaining({
        callId: 'a',
        toolName: 'feed',
        error: expect.objectContaining({ code: 'UNSERIALIZABLE_VALUE', path: 'result.price' }),
      }),
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'tool-end',
      reason: 'completed',
      results: 2,
      metrics: { refused: 1 },
    });
    expect(warnings).toEqual([
      [
        'a result JSON cannot carry was not sent',
        expect.objectContaining({ callId: 'a', path: 'result.price', problem: 'is a BigInt' }),
      ],
    ]);
  });
});

describe('item 13: durations a timer cannot hold are refused at definition', () => {
  for (const key of ['maxDurationMs', 'minIntervalMs'] as const) {
    it(`${key} above 2^31-1 ms throws TOOL_DEFINITION instead of firing at once`, () => {
      const define = () =>
        defineStreamingTool({
          name: 'long',
          description: 'Long.',
          parameters: z.object({}),
          [key]: 2 ** 31,
          execute: () => NEVER,
        });
      expect(define).toThrowError(expect.objectContaining({ code: 'TOOL_DEFINITION' }));
      expect(define).toThrowError(/at most 2147483647/);
    });
  }

  it('the largest duration a timer holds is accepted and does not fire early', () => {
    const tool = defineStreamingTool({
      name: 'long',
      description: 'Long.',
      parameters: z.object({}),
      maxDurationMs: 2 ** 31 - 1,
      execute: () => NEVER,
    });
    const { runner, sent, vts } = recorder([tool]);
    runner.handleToolCall([{ id: 'a', name: 'long', args: {} }]);
    vts.maxFrames = 1000;
    vts.flush();
    expect(sent).toEqual([]);
    expect(runner.activeCalls()).toHaveLength(1);
    runner.dispose();
  });
});

describe('item 21: one final response per call id per session', () => {
  it('an id sent twice in one toolCall runs the fast tool once and answers once', () => {
    let runs = 0;
    const tool = defineTool({
      name: 'fast',
      description: 'Fast.',
      parameters: z.object({}),
      execute: () => ({ run: ++runs }),
    });
    const { runner, sent } = recorder([tool]);
    runner.handleToolCall([
      { id: 'a', name: 'fast', args: {} },
      { id: 'a', name: 'fast', args: {} },
    ]);
    expect(runs).toBe(1);
    expect(sent).toEqual([{ id: 'a', name: 'fast', response: { output: { run: 1 } } }]);
  });

  it('an unknown tool called twice with one id is answered once', () => {
    const { runner, sent } = recorder([]);
    runner.handleToolCall([{ id: 'a', name: 'nope', args: {} }]);
    runner.handleToolCall([{ id: 'a', name: 'nope', args: {} }]);
    expect(sent).toHaveLength(1);
  });

  it('an id the server cancelled and re-sent never gets a final response (not even stopped:application)', () => {
    const tool = defineStreamingTool({
      name: 'watch',
      description: 'Watches.',
      parameters: z.object({}),
      execute: () => NEVER,
    });
    const { runner, sent } = recorder([tool]);
    runner.handleToolCall([{ id: 'a', name: 'watch', args: {} }]);
    runner.handleCancellation(['a']);
    runner.handleToolCall([{ id: 'a', name: 'watch', args: {} }]);
    expect(runner.stopCalls({ callId: 'a' })).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('remembers a bounded number of ended ids (endedCallMemory), oldest forgotten first', () => {
    let runs = 0;
    const tool = defineTool({
      name: 'fast',
      description: 'Fast.',
      parameters: z.object({}),
      execute: () => ++runs,
    });
    const runner = new ToolRunner({ tools: [tool], endedCallMemory: 2, sink: { send() {} } });
    for (const id of ['a', 'b', 'c']) runner.handleToolCall([{ id, name: 'fast', args: {} }]);
    runner.handleToolCall([{ id: 'c', name: 'fast', args: {} }]); // remembered: refused
    expect(runs).toBe(3);
    runner.handleToolCall([{ id: 'a', name: 'fast', args: {} }]); // forgotten: runs again
    expect(runs).toBe(4);
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => new ToolRunner({ tools: [], endedCallMemory: bad, sink: { send() {} } })).toThrowError(
        expect.objectContaining({ code: 'TOOL_DEFINITION' }),
      );
    }
  });
});

describe('item 22: the minIntervalMs window timer never outlives its call', () => {
  /** A running call of a 10 ms-window tool fed by `feed`, stopped by the handler of its `stopAt`-th result. */
  function windowedFeed(stopAt: number) {
    const feed = new Subject<number>();
    const tool = defineStreamingTool({
      name: 'feed',
      description: 'Feeds.',
      parameters: z.object({}),
      minIntervalMs: 10,
      execute: () => feed,
    });
    const { runner, sent, vts } = recorder([tool]);
    runner.events$.subscribe((e) => {
      if (e.type === 'tool-result' && e.sequence === stopAt) runner.stopCalls({ callId: e.callId });
    });
    runner.handleToolCall([{ id: 'a', name: 'feed', args: {} }]);
    return { feed, sent, vts };
  }

  it('a call stopped from a tool-result handler during a window flush leaves no timer', () => {
    const { feed, sent, vts } = windowedFeed(2);
    feed.next(1); // sent at once, opens the window
    feed.next(2); // pending, flushed when the window closes: the handler stops the call
    vts.maxFrames = 10;
    vts.flush();
    expect(sent.map((r) => r.response)).toEqual([
      { output: 1 },
      { output: 2 },
      { output: { status: 'stopped', reason: 'application', results: 2 } },
    ]);
    expect(vts.actions).toHaveLength(0);
  });

  it('a call stopped from the tool-result handler of its first value leaves no timer', () => {
    const { feed, sent, vts } = windowedFeed(1);
    feed.next(1);
    expect(sent.map((r) => r.response)).toEqual([
      { output: 1 },
      { output: { status: 'stopped', reason: 'application', results: 1 } },
    ]);
    expect(vts.actions).toHaveLength(0);
  });
});

describe('item 24: onDuplicate follows arrival order, even with asynchronous validation', () => {
  /** A tool whose validation takes `args.delay` virtual ms: a later call may validate first. */
  function slowValidated(
    policy: 'replace' | 'reject' | 'queue',
    vts: VirtualTimeScheduler,
    started: string[],
  ) {
    const base = defineStreamingTool({
      name: 'watch',
      description: 'Watches.',
      parameters: z.object({ delay: z.number() }),
      onDuplicate: policy,
      execute: (_args, ctx) => {
        started.push(ctx.callId);
        return NEVER;
      },
    });
    const schema: StandardSchemaV1<unknown, Record<string, unknown>> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) =>
          new Promise((resolve) => {
            const delay = (value as { delay: number }).delay;
            vts.schedule(() => resolve({ value: value as Record<string, unknown> }), delay);
          }),
      },
    };
    return { ...base, parameters: schema } as AnyTool;
  }

  async function run(policy: 'replace' | 'reject' | 'queue') {
    const vts = new VirtualTimeScheduler();
    const started: string[] = [];
    const { runner, sent, events } = recorder([slowValidated(policy, vts, started)], vts);
    runner.handleToolCall([{ id: 'older', name: 'watch', args: { delay: 10 } }]);
    runner.handleToolCall([{ id: 'newer', name: 'watch', args: { delay: 1 } }]);
    await advance(vts, 1);
    await advance(vts, 20);
    return { runner, sent, events, started };
  }

  it('replace: the newest call is the one left running', async () => {
    const { runner, sent } = await run('replace');
    expect(runner.activeCalls().map((c) => c.callId)).toEqual(['newer']);
    expect(sent).toEqual([
      expect.objectContaining({
        id: 'older',
        response: { output: { status: 'stopped', reason: 'replaced', results: 0 } },
      }),
    ]);
  });

  it('reject: the older call runs and the newer one is refused', async () => {
    const { runner, sent, started } = await run('reject');
    expect(started).toEqual(['older']);
    expect(runner.activeCalls().map((c) => c.callId)).toEqual(['older']);
    expect(sent).toEqual([
      expect.objectContaining({
        id: 'newer',
        response: { error: expect.objectContaining({ code: 'DUPLICATE_CALL' }) },
      }),
    ]);
  });

  it('queue: the older call runs and the newer one waits behind it', async () => {
    const { runner, started } = await run('queue');
    expect(started).toEqual(['older']);
    expect(runner.activeCalls().map((c) => [c.callId, c.state])).toEqual([
      ['older', 'running'],
      ['newer', 'queued'],
    ]);
  });
});
