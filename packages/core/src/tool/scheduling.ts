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

/** One emission of a streaming tool with its own scheduling, made by {@link emit}. */
export interface Emission<T = unknown> {
  /** The value sent to the model as `response.output`. */
  readonly value: T;
  /** Overrides the tool's default scheduling for this emission. */
  readonly scheduling?: Scheduling;
  /** @internal */
  readonly [emissionMarker]: true;
}

/** Options of {@link emit}. */
export interface EmitOptions {
  /** The scheduling of this one emission. */
  readonly scheduling?: Scheduling;
}

/**
 * Wraps one value a streaming tool emits so that it carries its own scheduling.
 *
 * @example
 * ```ts
 * execute: ({ symbol }) =>
 *   prices(symbol).pipe(map((p) => (p.alert ? emit(p, { scheduling: 'INTERRUPT' }) : p))),
 * ```
 */
export function emit<T>(value: T, options: EmitOptions = {}): Emission<T> {
  return options.scheduling === undefined
    ? { value, [emissionMarker]: true }
    : { value, scheduling: options.scheduling, [emissionMarker]: true };
}

/** True when `value` was made by {@link emit}. */
export function isEmission(value: unknown): value is Emission {
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
