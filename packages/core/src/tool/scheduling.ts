/**
 * How a result is injected into the conversation: `INTERRUPT` (say it now, interrupting the model),
 * `WHEN_IDLE` (after the current turn) or `SILENT` (add it to the context without speaking).
 *
 * @see https://ai.google.dev/gemini-api/docs/live-tools
 */
export type Scheduling = 'INTERRUPT' | 'WHEN_IDLE' | 'SILENT';

/** Every scheduling value, most urgent first. */
export const SCHEDULINGS: readonly Scheduling[] = ['INTERRUPT', 'WHEN_IDLE', 'SILENT'];

const emissionMarker = Symbol.for('livetools.emission');

/**
 * One value of a streaming tool that carries its own scheduling, made by {@link withScheduling}
 * (or by `withMedia`, which may leave `scheduling` out).
 */
export interface ScheduledEmission<T = unknown> {
  /** The value sent to the model as `response.output`. */
  readonly value: T;
  /** Overrides the tool's default scheduling for this emission. */
  readonly scheduling?: Scheduling;
  /** @internal */
  readonly [emissionMarker]: true;
}

/**
 * Gives one value a streaming tool emits its own scheduling, instead of the tool's `scheduling`.
 * It only wraps the value: the tool emits the result as usual, and the runner unwraps it.
 *
 * @param value - The value sent to the model as `response.output`.
 * @param scheduling - How this one result is injected into the conversation.
 * @returns A wrapper the runner recognises ({@link isScheduledEmission}).
 *
 * @example
 * ```ts
 * execute: ({ symbol }) =>
 *   prices(symbol).pipe(map((p) => (p.alert ? withScheduling(p, 'INTERRUPT') : p))),
 * ```
 */
export function withScheduling<T>(value: T, scheduling: Scheduling): ScheduledEmission<T> {
  return { value, scheduling, [emissionMarker]: true };
}

/**
 * @internal
 * Wraps `value` with an optional scheduling (what `withMedia` builds on).
 */
export function scheduledEmission<T>(value: T, scheduling: Scheduling | undefined): ScheduledEmission<T> {
  return scheduling === undefined
    ? { value, [emissionMarker]: true }
    : { value, scheduling, [emissionMarker]: true };
}

/** True when `value` was made by {@link withScheduling} or `withMedia`. */
export function isScheduledEmission(value: unknown): value is ScheduledEmission {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as Record<symbol, unknown>)[emissionMarker] === true;
  } catch {
    return false; // a Proxy whose traps throw: not an emission (and refused when it is sent)
  }
}

/** The most urgent of two schedulings (`INTERRUPT` over `WHEN_IDLE` over `SILENT`). */
export function mostUrgent(a: Scheduling, b: Scheduling): Scheduling {
  return SCHEDULINGS.indexOf(a) <= SCHEDULINGS.indexOf(b) ? a : b;
}
