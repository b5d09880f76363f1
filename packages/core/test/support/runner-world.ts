/**
 * A randomised world for the scheduler's property tests: a catalogue of tools covering every
 * policy and behaviour, the actions a session can take on a scheduler, and a runner that drives
 * them in virtual time and records everything (sink sends, events, upstream subscriptions).
 */
import {
  concat,
  EMPTY,
  from,
  interval,
  map,
  NEVER,
  Observable,
  take,
  throwError,
  VirtualTimeScheduler,
} from 'rxjs';
import { z } from 'zod';
import type { LiveFunctionResponse } from '../../src/protocol/function-calls.js';
import type { WireFunctionCall } from '../../src/protocol/genai-like.js';
import type { ToolEvent } from '../../src/runner/events.js';
import type { StoppedCall } from '../../src/runner/stop-streaming-tool.js';
import { type StopTarget, ToolRunner } from '../../src/runner/tool-runner.js';
import {
  type AnyTool,
  type DuplicatePolicy,
  defineStreamingTool,
  defineTool,
  type InterruptionPolicy,
} from '../../src/tool/define-tool.js';
import { withScheduling } from '../../src/tool/scheduling.js';
import type { StandardSchemaV1 } from '../../src/tool/standard-schema.js';

/** How a call's upstream behaves, chosen by the model through the `mode` argument. */
export const MODES = [
  'sync', // emits n values synchronously, then completes
  'empty', // completes at once
  'timer', // emits n values on a timer, then completes
  'forever', // emits on a timer, never completes
  'never', // never emits, never completes
  'throw', // execute() throws
  'sync-error', // emits n values synchronously, then errors
  'timer-error', // emits n values on a timer, then errors
  'bad-return', // execute() returns undefined
  'urgent', // emits n INTERRUPT values on a timer, then completes
  'unsafe', // emits n values on a timer, every other one holding a BigInt (refused), then completes
] as const;
export type Mode = (typeof MODES)[number];

export const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['allow', 'replace', 'reject', 'queue'];
export const INTERRUPTION_POLICIES: readonly InterruptionPolicy[] = ['keep', 'cancel'];

export const MAX_DURATION_MS = 15;
export const MIN_INTERVAL_MS = 4;
export const ASYNC_VALIDATION_MS = 2;

/** Streaming tools: one per duplicate × interruption policy, plus max-duration, coalescing and async validation. */
export const STREAMING_NAMES: readonly string[] = [
  ...DUPLICATE_POLICIES.flatMap((d) => INTERRUPTION_POLICIES.map((i) => `s_${d}_${i}`)),
  's_maxdur',
  's_coalesce',
  's_asyncval',
  // Asynchronous validation taking `ms` virtual ms, so that later calls may validate first.
  's_async_replace',
  's_async_reject',
  's_async_queue',
];
export const ONE_SHOT_NAMES: readonly string[] = ['o_sync', 'o_async'];
/** Function names the model invents: unknown to the scheduler. */
export const UNKNOWN_NAMES: readonly string[] = ['invented_tool', 'S_ALLOW_KEEP', ''];

/** The policies of a tool by name, for the checker. */
export function policiesOf(name: string): { onDuplicate: DuplicatePolicy; interruption: InterruptionPolicy } {
  const m = /^s_(allow|replace|reject|queue)_(keep|cancel)$/.exec(name);
  if (m) return { onDuplicate: m[1] as DuplicatePolicy, interruption: m[2] as InterruptionPolicy };
  const a = /^s_async_(replace|reject|queue)$/.exec(name);
  if (a) return { onDuplicate: a[1] as DuplicatePolicy, interruption: 'keep' };
  return { onDuplicate: 'allow', interruption: 'keep' };
}

export const argsSchema = z.object({
  token: z.string(),
  mode: z.enum(MODES),
  n: z.number().int().min(0).max(4),
  ms: z.number().int().min(1).max(8),
});
export type ToolArgs = z.infer<typeof argsSchema>;

/** What the tools emit: the token names the call (id and arrival) that produced the value. */
export interface Output {
  readonly token: string;
  readonly seq: number;
}

/** Arguments as the model may write them. */
export type ArgsSpec =
  | { readonly kind: 'valid'; readonly mode: Mode; readonly n: number; readonly ms: number }
  | {
      readonly kind: 'invalid';
      readonly variant:
        | 'bad-mode'
        | 'n-string'
        | 'no-token'
        | 'string'
        | 'array'
        | 'number'
        | 'null'
        | 'missing';
    }
  | { readonly kind: 'crash-validator'; readonly mode: Mode };

/**
 * A call id as the generator writes it: a fresh id, the id of a recent call (`back` calls ago,
 * so cancellations and duplicates hit live calls), an id never used, or no id at all.
 */
export type IdRef =
  | { readonly ref: 'fresh' }
  | { readonly ref: 'recent'; readonly back: number }
  | { readonly ref: 'unknown' }
  | { readonly ref: 'none' };

/** A function name: a given one, or the name of a recent call (so policies see duplicates). */
export type NameRef =
  | { readonly ref: 'name'; readonly name: string }
  | { readonly ref: 'recent'; readonly back: number };

/** The arguments of a `stop_streaming` call. */
export type StopArgsSpec = { readonly call_id?: IdRef | ''; readonly function_name?: NameRef };

/** One function call of a `toolCall` message. */
export interface CallSpec {
  readonly id: IdRef;
  readonly name: NameRef;
  readonly args: ArgsSpec;
  readonly stopArgs: StopArgsSpec;
}

/** What the session does to the scheduler in one step, as generated. */
export type GenAction =
  | { readonly kind: 'call'; readonly calls: readonly CallSpec[] }
  | { readonly kind: 'cancel'; readonly ids: readonly IdRef[] }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'app-stop'; readonly target: { readonly callId: IdRef } | { readonly name: NameRef } }
  | { readonly kind: 'reentrant-stop'; readonly on: 'tool-start' | 'tool-result' | 'tool-queued' }
  | { readonly kind: 'dispose' };

/** The same action with ids and names resolved, as performed and logged. */
export type Action =
  | { readonly kind: 'call'; readonly calls: readonly WireFunctionCall[] }
  | { readonly kind: 'cancel'; readonly ids: readonly string[] }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'app-stop'; readonly target: StopTarget }
  | { readonly kind: 'reentrant-stop'; readonly on: 'tool-start' | 'tool-result' | 'tool-queued' }
  | { readonly kind: 'dispose' };

/** One step: wait `dt` virtual ms (and let promises settle) unless `sameTick`, then act. */
export interface Step {
  readonly dt: number;
  readonly sameTick: boolean;
  readonly action: GenAction;
}

/** Per call token: how often execute() ran and how many upstream subscriptions are open. */
export interface UpstreamStats {
  executions: number;
  active: number;
  total: number;
}

/** Everything that happened, in order. */
export type Entry =
  | { readonly kind: 'step'; readonly index: number; readonly action: Action; readonly time: number }
  | { readonly kind: 'step-end'; readonly index: number; readonly stopped?: readonly StoppedCall[] }
  | { readonly kind: 'threw'; readonly index: number; readonly error: unknown }
  | { readonly kind: 'send'; readonly response: LiveFunctionResponse; readonly time: number }
  | { readonly kind: 'event'; readonly event: ToolEvent }
  | { readonly kind: 'execute'; readonly token: string }
  | { readonly kind: 'reentrant-stop'; readonly callId: string; readonly stopped: readonly StoppedCall[] }
  | {
      readonly kind: 'checkpoint';
      readonly upstream: ReadonlyMap<string, Readonly<UpstreamStats>>;
      /** Virtual timers scheduled by the scheduler and the tools (the validators' own excluded). */
      readonly timers: number;
    }
  | { readonly kind: 'events-complete' };

/** The record of one run. */
export interface RunRecord {
  readonly log: readonly Entry[];
  /** Virtual actions still scheduled after the final dispose and a bounded flush (leaked timers). */
  readonly pendingActions: number;
  /** Errors that escaped through RxJS's unhandled-error hook or as unhandled rejections. */
  readonly escaped: readonly unknown[];
}

function tracked(
  stats: Map<string, UpstreamStats>,
  token: string,
  source: Observable<unknown>,
): Observable<unknown> {
  return new Observable((subscriber) => {
    const s = stats.get(token)!;
    s.active += 1;
    s.total += 1;
    const inner = source.subscribe(subscriber);
    return () => {
      s.active -= 1;
      inner.unsubscribe();
    };
  });
}

function upstream(args: ToolArgs, scheduler: VirtualTimeScheduler): Observable<unknown> {
  const { token, n, ms } = args;
  const value = (seq: number): Output => ({ token, seq });
  const values = Array.from({ length: n }, (_, i) => value(i));
  const fail = () => new Error(`upstream of ${token} failed`);
  switch (args.mode) {
    case 'sync':
      return from(values);
    case 'empty':
      return EMPTY;
    case 'timer':
      return interval(ms, scheduler).pipe(take(n), map(value));
    case 'forever':
      return interval(ms, scheduler).pipe(map(value));
    case 'never':
      return NEVER;
    case 'sync-error':
      return concat(from(values), throwError(fail));
    case 'timer-error':
      return concat(interval(ms, scheduler).pipe(take(n), map(value)), throwError(fail));
    case 'urgent':
      return interval(ms, scheduler).pipe(
        take(n),
        map((i) => withScheduling(value(i), 'INTERRUPT')),
      );
    case 'unsafe':
      return interval(ms, scheduler).pipe(
        take(n),
        map((i) => (i % 2 === 0 ? { ...value(i), big: BigInt(i) } : value(i))),
      );
    case 'throw':
    case 'bad-return':
      throw new Error(`mode ${args.mode} has no upstream`);
  }
}

/** Builds the tool catalogue bound to one run's clock and records. */
export function buildTools(
  vts: VirtualTimeScheduler,
  stats: Map<string, UpstreamStats>,
  log: Entry[],
  validatorTimers: { pending: number } = { pending: 0 },
): AnyTool[] {
  const executed = (token: string): void => {
    log.push({ kind: 'execute', token });
    const s = stats.get(token) ?? { executions: 0, active: 0, total: 0 };
    s.executions += 1;
    stats.set(token, s);
  };
  const execute = (args: ToolArgs): Observable<unknown> => {
    executed(args.token);
    if (args.mode === 'throw') throw new Error(`execute of ${args.token} threw`);
    if (args.mode === 'bad-return') return undefined as never;
    return tracked(stats, args.token, upstream(args, vts));
  };
  const description = 'A tool of the reliability suite.';
  const tools: AnyTool[] = [];
  for (const onDuplicate of DUPLICATE_POLICIES) {
    for (const interruption of INTERRUPTION_POLICIES) {
      tools.push(
        defineStreamingTool({
          name: `s_${onDuplicate}_${interruption}`,
          description,
          parameters: argsSchema,
          onDuplicate,
          interruption,
          execute,
        }),
      );
    }
  }
  tools.push(
    defineStreamingTool({
      name: 's_maxdur',
      description,
      parameters: argsSchema,
      maxDurationMs: MAX_DURATION_MS,
      execute,
    }),
    defineStreamingTool({
      name: 's_coalesce',
      description,
      parameters: argsSchema,
      minIntervalMs: MIN_INTERVAL_MS,
      execute,
    }),
  );
  // Schemas whose validation is asynchronous (answered `delayOf(args)` virtual ms later) and
  // whose validator crashes (the promise rejects) when the arguments ask for it.
  const asyncSchema = (
    delayOf: (value: unknown) => number,
  ): StandardSchemaV1<unknown, Record<string, unknown>> => ({
    '~standard': {
      version: 1,
      vendor: 'reliability-suite',
      validate: (value) =>
        new Promise((resolve, reject) => {
          validatorTimers.pending += 1;
          vts.schedule(() => {
            validatorTimers.pending -= 1;
            if ((value as { crash?: unknown } | null)?.crash === true) {
              reject(new Error('the validator crashed'));
            } else {
              resolve(argsSchema['~standard'].validate(value) as StandardSchemaV1.Result<ToolArgs>);
            }
          }, delayOf(value));
        }),
    },
  });
  const asyncValidated = defineStreamingTool({
    name: 's_asyncval',
    description,
    parameters: argsSchema,
    execute,
  });
  tools.push({ ...asyncValidated, parameters: asyncSchema(() => ASYNC_VALIDATION_MS) } as AnyTool);
  const ownDelay = (value: unknown): number => {
    const ms = (value as { ms?: unknown } | null)?.ms;
    return typeof ms === 'number' && ms >= 1 && ms <= 8 ? ms : 1;
  };
  for (const onDuplicate of ['replace', 'reject', 'queue'] as const) {
    const tool = defineStreamingTool({
      name: `s_async_${onDuplicate}`,
      description,
      parameters: argsSchema,
      onDuplicate,
      execute,
    });
    tools.push({ ...tool, parameters: asyncSchema(ownDelay) } as AnyTool);
  }
  tools.push(
    defineTool({
      name: 'o_sync',
      description,
      parameters: argsSchema,
      execute: (args) => {
        executed(args.token);
        if (args.mode === 'throw' || args.mode === 'sync-error') throw new Error('one-shot threw');
        if (args.mode === 'unsafe') return { token: args.token, seq: 0, big: 1n };
        return { token: args.token, seq: 0 } satisfies Output;
      },
    }),
    defineTool({
      name: 'o_async',
      description,
      parameters: argsSchema,
      execute: (args, ctx) => {
        executed(args.token);
        if (args.mode === 'never' || args.mode === 'forever') return new Promise<Output>(() => {});
        return new Promise<Output>((resolve, reject) => {
          const timer = ctx.scheduler.schedule(() => {
            if (args.mode === 'throw' || args.mode.endsWith('error')) reject(new Error('one-shot rejected'));
            else resolve({ token: args.token, seq: 0 });
          }, args.ms);
          // A well-behaved async tool gives up its timer when the call is cancelled.
          ctx.signal.addEventListener('abort', () => timer.unsubscribe(), { once: true });
        });
      },
    }),
  );
  return tools;
}

/** The `args` written into the toolCall for a spec; the token names the call (id and arrival). */
export function writeArgs(spec: CallSpec, token: string): Record<string, unknown> | undefined {
  const a = spec.args;
  switch (a.kind) {
    case 'valid':
      return { token, mode: a.mode, n: a.n, ms: a.ms };
    case 'crash-validator':
      return { token, mode: a.mode, n: 1, ms: 1, crash: true };
    case 'invalid':
      switch (a.variant) {
        case 'bad-mode':
          return { token, mode: 'bogus', n: 1, ms: 1 };
        case 'n-string':
          return { token, mode: 'sync', n: 'three', ms: 1 };
        case 'no-token':
          return { mode: 'sync', n: 1, ms: 1 };
        case 'string':
          return 'not an object' as never;
        case 'array':
          return [1, 2] as never;
        case 'number':
          return 42 as never;
        case 'null':
          return null as never;
        case 'missing':
          return undefined;
      }
  }
}

function advanceBy(vts: VirtualTimeScheduler, dt: number): void {
  const target = vts.now() + dt;
  vts.schedule(() => {}, dt); // so that the clock reaches `target` even when nothing else runs
  vts.maxFrames = target;
  vts.flush();
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Drives one scenario against a fresh scheduler and returns what happened. */
export async function runScenario(steps: readonly Step[], escaped: unknown[]): Promise<RunRecord> {
  const vts = new VirtualTimeScheduler();
  const log: Entry[] = [];
  const stats = new Map<string, UpstreamStats>();
  const validatorTimers = { pending: 0 };
  const checkpoint = () =>
    log.push({
      kind: 'checkpoint',
      upstream: structuredClone(stats),
      timers: vts.actions.length - validatorTimers.pending,
    });
  const runner = new ToolRunner({
    tools: buildTools(vts, stats, log, validatorTimers),
    scheduler: vts,
    sink: {
      send: (responses) => {
        for (const response of responses) log.push({ kind: 'send', response, time: vts.now() });
      },
    },
  });
  let trigger: ToolEvent['type'] | undefined;
  runner.events$.subscribe({
    next: (event) => {
      log.push({ kind: 'event', event });
      if (trigger !== undefined && event.type === trigger && 'callId' in event) {
        trigger = undefined;
        const stopped = runner.stopCalls({ callId: event.callId });
        log.push({ kind: 'reentrant-stop', callId: event.callId, stopped });
      }
    },
    complete: () => log.push({ kind: 'events-complete' }),
  });
  const escapedBefore = escaped.length;
  let arrival = 0;
  let fresh = 0;
  const issuedIds: string[] = [];
  const issuedNames: string[] = [];
  const recent = <T>(list: readonly T[], back: number): T | undefined =>
    list[list.length - 1 - (back % list.length)];
  const resolveId = (ref: IdRef): string | undefined => {
    switch (ref.ref) {
      case 'fresh':
        return `c${fresh++}`;
      case 'recent':
        return recent(issuedIds, ref.back) ?? `c${fresh++}`;
      case 'unknown':
        return 'never-issued';
      case 'none':
        return undefined;
    }
  };
  const resolveName = (ref: NameRef): string =>
    ref.ref === 'name' ? ref.name : (recent(issuedNames, ref.back) ?? 's_allow_keep');
  const resolve = (action: GenAction): Action => {
    switch (action.kind) {
      case 'call':
        return {
          kind: 'call',
          calls: action.calls.map((spec) => {
            const id = resolveId(spec.id);
            const name = resolveName(spec.name);
            const token = `${id}#${arrival++}`;
            let args: Record<string, unknown> | undefined;
            if (name === 'stop_streaming') {
              const { call_id, function_name } = spec.stopArgs;
              args = {
                ...(call_id === undefined
                  ? {}
                  : { call_id: call_id === '' ? '' : (resolveId(call_id) ?? '') }),
                ...(function_name === undefined ? {} : { function_name: resolveName(function_name) }),
              };
            } else {
              args = writeArgs(spec, token);
            }
            if (id !== undefined) issuedIds.push(id);
            issuedNames.push(name);
            return { ...(id === undefined ? {} : { id }), name, ...(args === undefined ? {} : { args }) };
          }),
        };
      case 'cancel':
        return { kind: 'cancel', ids: action.ids.map((ref) => resolveId(ref) ?? '') };
      case 'app-stop':
        return {
          kind: 'app-stop',
          target:
            'callId' in action.target
              ? { callId: resolveId(action.target.callId) ?? '' }
              : { toolName: resolveName(action.target.name) },
        };
      default:
        return action;
    }
  };
  const perform = (action: Action): StoppedCall[] | undefined => {
    switch (action.kind) {
      case 'call':
        runner.handleToolCall(action.calls);
        return undefined;
      case 'cancel':
        runner.handleCancellation(action.ids);
        return undefined;
      case 'interrupt':
        runner.handleInterruption();
        return undefined;
      case 'app-stop':
        return runner.stopCalls(action.target);
      case 'reentrant-stop':
        trigger = action.on;
        return undefined;
      case 'dispose':
        runner.dispose();
        return undefined;
    }
  };
  const act = (index: number, action: Action) => {
    log.push({ kind: 'step', index, action, time: vts.now() });
    try {
      const stopped = perform(action);
      log.push({ kind: 'step-end', index, ...(stopped ? { stopped } : {}) });
    } catch (error) {
      log.push({ kind: 'threw', index, error });
      log.push({ kind: 'step-end', index });
    }
    checkpoint();
  };
  for (const [index, step] of steps.entries()) {
    if (!step.sameTick) {
      await settle();
      advanceBy(vts, step.dt);
      await settle();
      checkpoint();
    }
    act(index, resolve(step.action));
  }
  // Let finite work finish, then end the session and look for anything left behind.
  await settle();
  advanceBy(vts, 60);
  await settle();
  checkpoint();
  trigger = undefined;
  act(steps.length, { kind: 'dispose' });
  vts.maxFrames = vts.now() + 1000;
  vts.flush();
  await settle();
  vts.flush();
  checkpoint();
  return { log, pendingActions: vts.actions.length, escaped: escaped.slice(escapedBefore) };
}
