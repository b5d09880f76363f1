/**
 * The standing hostile-input suite, tool side: tools that throw anything, never complete, tear down
 * badly, or emit what JSON cannot carry. Every case runs beside a well-behaved streaming call and a
 * call queued behind the hostile one, and checks: each call gets exactly one final response, which
 * is its last; every response JSON can carry as it is; the well-behaved call keeps streaming; the
 * queued call runs; nothing escapes (RxJS's unhandled-error hook, unhandled rejections); and the
 * scheduler takes new calls afterwards.
 */
import {
  concat,
  NEVER,
  Observable,
  type ObservableInput,
  of,
  Subject,
  throwError,
  VirtualTimeScheduler,
} from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LiveFunctionResponse } from '../../src/protocol/function-calls.js';
import type { ToolEvent } from '../../src/runner/events.js';
import { ToolRunner } from '../../src/runner/tool-runner.js';
import { type AnyTool, defineStreamingTool, defineTool } from '../../src/tool/define-tool.js';
import { captureEscapes } from '../support/runner-escapes.js';

const escaped = captureEscapes();

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Things a tool may throw, reject or error with. */
function thrownValues(): [string, () => unknown][] {
  return [
    ['a null-prototype object', () => Object.assign(Object.create(null), { reason: 'x', n: 1n })],
    [
      'an object whose toString and getters throw',
      () => ({
        toString() {
          throw new Error('toString');
        },
        get message(): string {
          throw new Error('getter');
        },
      }),
    ],
    ['a Symbol', () => Symbol('thrown')],
    [
      'a Proxy that throws on every trap',
      () =>
        new Proxy(
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
    ],
    [
      'a revoked Proxy',
      () => {
        const r = Proxy.revocable({}, {});
        r.revoke();
        return r.proxy;
      },
    ],
    ['undefined', () => undefined],
    ['null', () => null],
    ['a string', () => 'plain string'],
    ['a BigInt', () => 10n],
    [
      'a circular object',
      () => {
        const o: Record<string, unknown> = {};
        o.o = o;
        return o;
      },
    ],
    [
      'a livetools error look-alike with unreadable fields',
      () => ({
        [Symbol.for('livetools.error.LivetoolsError')]: true,
        code: 7n,
        get message(): string {
          throw new Error('no message');
        },
      }),
    ],
    [
      'an Error whose message getter throws',
      () =>
        Object.defineProperty(new Error('x'), 'message', {
          get() {
            throw new Error('no');
          },
        }),
    ],
  ];
}

/** Values JSON cannot carry as they are; `converted` when the rule converts rather than refuses. */
function unsafeValues(): [string, () => unknown, unknown?][] {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  let deep: unknown = 0;
  for (let i = 0; i < 10_000; i++) deep = { d: deep };
  return [
    ['a BigInt', () => ({ id: 1n })],
    ['a circular object', () => cyclic],
    ['NaN', () => ({ v: Number.NaN })],
    ['Infinity', () => ({ v: Number.POSITIVE_INFINITY })],
    ['a Map', () => ({ m: new Map([['a', 1]]) })],
    ['a Set', () => ({ s: new Set([1]) })],
    ['a function', () => ({ f: () => 1 })],
    ['a Symbol', () => ({ s: Symbol('s') })],
    ['a typed array', () => ({ bytes: new Float64Array(3) })],
    ['an undefined array element', () => [1, undefined, 3]],
    ['an invalid Date', () => ({ at: new Date('nope') })],
    [
      'a getter that throws',
      () => ({
        get price(): number {
          throw new Error('feed gone');
        },
      }),
    ],
    [
      'a Proxy that throws on every trap',
      () =>
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error('trap');
            },
            get: () => {
              throw new Error('trap');
            },
            getPrototypeOf: () => {
              throw new Error('trap');
            },
          },
        ),
    ],
    ['a value nested 10,000 deep', () => deep],
    ['a Date', () => ({ at: new Date(0) }), { at: '1970-01-01T00:00:00.000Z' }],
    ['undefined properties', () => ({ a: 1, b: undefined }), { a: 1 }],
    ['undefined as a whole', () => undefined, null],
  ];
}

interface World {
  runner: ToolRunner;
  sent: LiveFunctionResponse[];
  events: ToolEvent[];
  canary: Subject<number>;
  vts: VirtualTimeScheduler;
}

/**
 * The hostile streaming tool: calls of it queue behind each other, so each case also checks that a
 * failing call does not cost the one queued behind it. `n` tells the calls apart.
 */
function queuedHostile(execute: (args: { n?: number | undefined }) => ObservableInput<unknown>): AnyTool {
  return defineStreamingTool({
    name: 'hostile',
    description: 'd',
    parameters: z.object({ n: z.number().optional() }),
    onDuplicate: 'queue',
    execute,
  });
}

/** A scheduler with the hostile tool, a canary streaming tool and a queue tool. */
function world(hostile: AnyTool): World {
  const vts = new VirtualTimeScheduler();
  const canary = new Subject<number>();
  const sent: LiveFunctionResponse[] = [];
  const events: ToolEvent[] = [];
  const tools: AnyTool[] = [
    hostile,
    defineStreamingTool({
      name: 'canary',
      description: 'Keeps streaming.',
      parameters: z.object({}),
      execute: () => canary,
    }),
  ];
  const runner = new ToolRunner({ tools, scheduler: vts, sink: { send: (r) => sent.push(...r) } });
  runner.events$.subscribe((e) => events.push(e));
  return { runner, sent, events, canary, vts };
}

/**
 * The invariants of every case: one final per call id and it is the last response, every response
 * JSON can carry as it is, the canary still streams, nothing escaped, new calls still run.
 */
function checkWorld(w: World, escapedBefore: number): void {
  w.canary.next(99);
  const canary = w.sent.filter((r) => r.id === 'canary');
  expect(canary.at(-1)?.response, 'the well-behaved call still streams').toEqual({ output: 99 });
  const ends = w.events.filter((e) => e.type === 'tool-end');
  expect(new Set(ends.map((e) => e.callId)).size, 'one tool-end per call').toBe(ends.length);
  for (const id of new Set(w.sent.map((r) => r.id))) {
    const responses = w.sent.filter((r) => r.id === id);
    const finals = responses.filter((r) => r.willContinue !== true);
    const end = ends.find((e) => e.callId === id);
    const silent = end?.cancelledBy === 'server' || end?.cancelledBy === 'session-end';
    // Ended: exactly one final, its last response (none after a server cancellation); running: none yet.
    expect(finals, `finals of ${id}`).toHaveLength(end && !silent ? 1 : 0);
    if (finals.length === 1) expect(responses.at(-1), `the last response of ${id}`).toBe(finals[0]);
  }
  for (const r of w.sent) {
    expect(JSON.parse(JSON.stringify(r)), 'a response JSON carries as it is').toEqual(r);
  }
  expect(escaped.slice(escapedBefore), 'errors that escaped').toEqual([]);
  w.runner.handleToolCall([{ id: 'after', name: 'nope', args: {} }]);
  expect(w.sent.at(-1)).toMatchObject({ id: 'after', response: { error: { code: 'UNKNOWN_TOOL' } } });
  w.runner.dispose();
  expect(w.vts.actions, 'timers left after dispose').toHaveLength(0);
}

/** The error code a call's final response carries. */
function finalError(w: World, id: string): string | undefined {
  const final = w.sent.filter((r) => r.id === id).at(-1);
  return final && 'error' in final.response ? final.response.error.code : undefined;
}

describe('hostile tools: throwing anything', () => {
  for (const [label, make] of thrownValues()) {
    const shapes: [string, () => AnyTool][] = [
      [
        'one-shot, thrown synchronously',
        () =>
          defineTool({
            name: 'hostile',
            description: 'd',
            parameters: z.object({}),
            execute: () => {
              throw make();
            },
          }),
      ],
      [
        'one-shot, rejected',
        () =>
          defineTool({
            name: 'hostile',
            description: 'd',
            parameters: z.object({}),
            execute: () => Promise.reject(make()),
          }),
      ],
      [
        'streaming, thrown by execute()',
        () =>
          queuedHostile(() => {
            throw make();
          }),
      ],
      [
        'streaming, errored after a value',
        () =>
          // The first call errors; the one queued behind it completes.
          queuedHostile(({ n }) => (n === 1 ? concat(of('first'), throwError(make)) : of('queued ran'))),
      ],
    ];
    for (const [shape, build] of shapes) {
      it(`${shape}: ${label}`, async () => {
        const before = escaped.length;
        const w = world(build());
        w.runner.handleToolCall([
          { id: 'canary', name: 'canary', args: {} },
          { id: 'h1', name: 'hostile', args: { n: 1 } },
          { id: 'h2', name: 'hostile', args: { n: 2 } },
        ]);
        w.canary.next(1);
        await settle();
        await settle();
        expect(finalError(w, 'h1')).toBe('TOOL_EXECUTION');
        const message = w.sent.filter((r) => r.id === 'h1').at(-1)!.response;
        expect('error' in message && message.error.message).toMatch(/^hostile failed: .+/);
        if (shape === 'streaming, errored after a value') {
          // Queued behind the failure, the second call still runs.
          expect(w.sent.filter((r) => r.id === 'h2').map((r) => r.response)).toEqual([
            { output: 'queued ran' },
            { output: { status: 'completed', results: 1 } },
          ]);
        } else {
          expect(w.sent.filter((r) => r.id === 'h2')).toHaveLength(1);
        }
        checkWorld(w, before);
      });
    }
  }
});

describe('hostile tools: never completing, or tearing down badly', () => {
  const neverTools: [string, () => AnyTool][] = [
    [
      'a one-shot Promise that never settles',
      () =>
        defineTool({
          name: 'hostile',
          description: 'd',
          parameters: z.object({}),
          execute: () => new Promise(() => {}),
        }),
    ],
    ['a stream that never emits', () => queuedHostile(() => NEVER)],
    [
      'a stream whose teardown throws',
      () =>
        queuedHostile(
          () =>
            new Observable<number>((subscriber) => {
              subscriber.next(1);
              return () => {
                throw Object.create(null);
              };
            }),
        ),
    ],
    [
      'a stream that ignores unsubscription and keeps emitting',
      () => {
        const leak = new Subject<number>();
        return queuedHostile(
          () =>
            new Observable<number>((subscriber) => {
              leak.subscribe((v) => subscriber.next(v)); // never unsubscribed
              queueMicrotask(() => leak.next(1));
            }),
        );
      },
    ],
  ];
  const stops: [string, (w: World) => void, boolean][] = [
    ['the server cancels it', (w) => w.runner.handleCancellation(['h1']), false],
    ['the application stops it', (w) => w.runner.stopCalls({ callId: 'h1' }), true],
    [
      'the model stops it',
      (w) => w.runner.handleToolCall([{ id: 's', name: 'stop_streaming', args: { call_id: 'h1' } }]),
      true,
    ],
  ];
  for (const [label, build] of neverTools) {
    for (const [how, stop, answered] of stops) {
      it(`${label}, until ${how}`, async () => {
        const before = escaped.length;
        const w = world(build());
        const oneShot = w.runner.declarations().find((d) => d.name === 'hostile')?.behavior === undefined;
        w.runner.handleToolCall([
          { id: 'canary', name: 'canary', args: {} },
          { id: 'h1', name: 'hostile', args: {} },
          { id: 'h2', name: 'hostile', args: {} },
        ]);
        await settle();
        stop(w);
        await settle();
        const h1 = w.sent.filter((r) => r.id === 'h1');
        const finals = h1.filter((r) => r.willContinue !== true);
        if (!answered) {
          expect(finals).toEqual([]); // the server gave up on it: nothing more is sent
        } else if (oneShot) {
          // A one-shot call cannot be stopped by the app or the model: it stays pending.
          expect(finals).toEqual([]);
        } else {
          expect(finals).toHaveLength(1);
          expect(finals[0]!.response).toMatchObject({ output: { status: 'stopped' } });
        }
        if (!oneShot && how !== 'the server cancels it') {
          // the call queued behind started once the first one was stopped
          expect(w.runner.activeCalls().find((c) => c.callId === 'h2')?.state).toBe('running');
        }
        w.runner.handleCancellation(['h2']);
        // Ended: stragglers from the hostile stream are never sent.
        await settle();
        const after = w.sent.length;
        await settle();
        expect(w.sent.length).toBe(after);
        checkWorld(w, before);
      });
    }
  }
});

describe('hostile tools: emitting what JSON cannot carry', () => {
  for (const [label, make, converted] of unsafeValues()) {
    it(`one-shot returning ${label}: ${converted === undefined ? 'an UNSERIALIZABLE_VALUE error response' : 'converted'}`, async () => {
      const before = escaped.length;
      const w = world(
        defineTool({
          name: 'hostile',
          description: 'd',
          parameters: z.object({}),
          execute: async () => make(),
        }),
      );
      w.runner.handleToolCall([
        { id: 'canary', name: 'canary', args: {} },
        { id: 'h1', name: 'hostile', args: {} },
      ]);
      await settle();
      const h1 = w.sent.filter((r) => r.id === 'h1');
      expect(h1).toHaveLength(1);
      if (converted === undefined) {
        // A Proxy whose traps throw already fails the Promise that resolves to it (its `then`).
        const proxy = label.startsWith('a Proxy');
        expect(finalError(w, 'h1')).toBe(proxy ? 'TOOL_EXECUTION' : 'UNSERIALIZABLE_VALUE');
        const body = h1[0]!.response;
        expect('error' in body && body.error.message).toMatch(
          proxy ? /^hostile failed: / : /^hostile produced a value JSON cannot carry: result\S* /,
        );
      } else {
        expect(h1[0]!.response).toEqual({ output: converted });
      }
      checkWorld(w, before);
    });

    it(`streaming emitting ${label} between two good values: ${converted === undefined ? 'refused and reported, not counted' : 'converted'}`, () => {
      const before = escaped.length;
      const w = world(
        defineStreamingTool({
          name: 'hostile',
          description: 'd',
          parameters: z.object({}),
          minIntervalMs: 5,
          execute: () => of({ good: 1 }, make(), { good: 2 }),
        }),
      );
      w.runner.handleToolCall([
        { id: 'canary', name: 'canary', args: {} },
        { id: 'h1', name: 'hostile', args: {} },
      ]);
      const outputs = w.sent.filter((r) => r.id === 'h1').map((r) => r.response);
      const refused = w.events.filter((e) => e.type === 'tool-result-refused');
      // Refused, the value neither went out nor displaced { good: 2 } in the coalescing window;
      // converted, it was coalesced away by { good: 2 }.
      expect(outputs).toEqual([
        { output: { good: 1 } },
        { output: { good: 2 } },
        { output: { status: 'completed', results: 2 } },
      ]);
      if (converted === undefined) {
        expect(refused).toHaveLength(1);
        expect(refused[0]).toMatchObject({ callId: 'h1', error: { code: 'UNSERIALIZABLE_VALUE' } });
      } else {
        expect(w.events.filter((e) => e.type === 'tool-end')[0]).toMatchObject({ metrics: { coalesced: 1 } });
        expect(refused).toEqual([]);
      }
      checkWorld(w, before);
    });
  }
});
