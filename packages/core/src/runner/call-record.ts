import { isObservable, NEVER, type Subscription } from 'rxjs';
import { type CancelSource, describeError, type LivetoolsError } from '../errors.js';
import type { ToolErrorPayload } from '../protocol/function-calls.js';
import type { ToolInputStreams } from '../tool/context.js';
import type { AnyTool } from '../tool/define-tool.js';
import type { Scheduling } from '../tool/scheduling.js';
import type { ValidationOutcome } from '../tool/schema.js';
import type { CallMetrics, CallState } from './events.js';
import { toWireValue, WireRefusal } from './wire-value.js';

/** @internal Where a call is in its life. */
export type Phase = CallState | 'ended';

/**
 * @internal
 * What the runner knows about one call. Every field is there from the start (`undefined` until
 * known), so that a record keeps one shape for its whole life: fields added later would move each
 * record through a chain of hidden classes, which V8 may drop while no call is running and then
 * rebuild, deoptimizing the code that handles calls.
 */
export interface CallRecord {
  readonly id: string;
  readonly name: string;
  readonly tool: AnyTool;
  readonly receivedAt: number;
  args: unknown;
  phase: Phase;
  results: number;
  /** Values refused because JSON cannot carry them (never sent). */
  refused: number;
  startedAt: number | undefined;
  firstResultAt: number | undefined;
  bytes: number;
  coalesced: number;
  cancelToTeardownMs: number | undefined;
  /** For calls admitted in arrival order: the validation outcome, until the calls ahead are admitted. */
  outcome: ValidationOutcome | undefined;
  /** Made when the tool first reads `ctx.signal` (most tools never do: AbortController is costly). */
  abort: AbortController | undefined;
  /** Who cancelled the call, so that a signal made after the cancellation starts aborted. */
  cancelledBy: CancelSource | undefined;
  /** The streaming call's subscriber (set before its tool runs); unsubscribing it stops the tool. */
  subscription: Subscription | undefined;
  deadline: Subscription | undefined;
}

/** @internal Realtime input of a runner created without any. */
export const NO_INPUT: ToolInputStreams = { video$: NEVER, audio$: NEVER, text$: NEVER };

/** @internal Final-response scheduling per cancellation source. */
export const STOP_SCHEDULING: Record<Exclude<CancelSource, 'server' | 'session-end'>, Scheduling> = {
  model: 'SILENT',
  application: 'WHEN_IDLE',
  replaced: 'SILENT',
  interruption: 'SILENT',
  'max-duration': 'WHEN_IDLE',
  // The session the call was made in is gone (a handed-over session drops it anyway).
  handoff: 'SILENT',
};

/** @internal */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** @internal True when RxJS's `from()` can read `value`. */
export function isObservableInput(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (isObservable(value) || isPromiseLike(value) || Array.isArray(value)) return true;
  if (typeof value === 'string') return false;
  const v = value as Record<string | symbol, unknown>;
  const interop = (Symbol as { observable?: symbol }).observable ?? '@@observable';
  return (
    typeof v[Symbol.asyncIterator] === 'function' ||
    typeof v[Symbol.iterator] === 'function' ||
    typeof v[interop] === 'function' ||
    typeof v.getReader === 'function'
  );
}

/** @internal Length of a response's JSON (0 when it cannot be serialised). */
export function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

/** What a call's metrics are made of; a call refused before it started has only the first ones. */
type MetricsSource = Pick<CallRecord, 'receivedAt' | 'results' | 'coalesced' | 'bytes'> & {
  readonly startedAt?: number | undefined;
  readonly firstResultAt?: number | undefined;
  readonly cancelToTeardownMs?: number | undefined;
  readonly refused?: number;
};

/** @internal */
export function metricsOf(record: MetricsSource, end: number): CallMetrics {
  // One literal per shape, fields in the documented order (no spread of conditional parts, which
  // made a temporary object for each): this runs for every call that ends.
  const { receivedAt, startedAt, firstResultAt, results, coalesced, bytes } = record;
  const durationMs = end - receivedAt;
  const refused = record.refused ?? 0;
  const metrics: { -readonly [K in keyof CallMetrics]: CallMetrics[K] } =
    startedAt === undefined
      ? { receivedAt, durationMs, results, coalesced, dropped: 0, refused, bytes }
      : firstResultAt === undefined
        ? { receivedAt, startedAt, durationMs, results, coalesced, dropped: 0, refused, bytes }
        : {
            receivedAt,
            startedAt,
            durationMs,
            timeToFirstResultMs: firstResultAt - startedAt,
            results,
            coalesced,
            dropped: 0,
            refused,
            bytes,
          };
  if (record.cancelToTeardownMs !== undefined) metrics.cancelToTeardownMs = record.cancelToTeardownMs;
  return metrics;
}

/**
 * @internal
 * The `error` payload of an error response, or undefined when the error cannot give one JSON can
 * carry (a tool's own `LivetoolsError` look-alike with unreadable or unserialisable fields).
 */
export function toPayload(error: LivetoolsError): ToolErrorPayload | undefined {
  try {
    const { message, code } = error;
    const issues = (error as { issues?: ToolErrorPayload['issues'] }).issues;
    if (typeof message !== 'string' || typeof code !== 'string') return undefined;
    const payload: ToolErrorPayload = issues ? { message, code, issues } : { message, code };
    const wire = toWireValue(payload);
    return wire instanceof WireRefusal ? undefined : (wire as ToolErrorPayload);
  } catch {
    return undefined;
  }
}

/**
 * @internal
 * The records to cancel, queued ones first: cancelling a running call starts the next queued call
 * of its tool, which must not be one that is being cancelled too.
 */
export function queuedFirst(records: CallRecord[]): CallRecord[] {
  return records.sort((a, b) => Number(b.phase === 'queued') - Number(a.phase === 'queued'));
}

/** @internal What `execute()` returned, in words, for an error message. */
export function describeReturn(value: unknown): string {
  if (value === undefined) return 'undefined (did you forget to return?)';
  if (value === null) return 'null';
  if (typeof value !== 'object') return `a ${typeof value}`;
  try {
    return `an object (${Object.prototype.toString.call(value)})`;
  } catch (error) {
    return `an object that cannot be read (${describeError(error)})`;
  }
}
