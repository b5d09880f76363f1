import { map, type OperatorFunction } from 'rxjs';
import { describeError, LivetoolsError, UnserializableValueError } from '../errors.js';
import { type CheckedMedia, InvalidMediaError, readMedia } from '../tool/result-media.js';
import { isScheduledEmission, type Scheduling } from '../tool/scheduling.js';
import type { ScheduledValue } from './coalesce.js';
import { toWireValue, WireRefusal } from './wire-value.js';

/** @internal The error for a value of `toolName` that JSON cannot carry. */
export function refusalError(toolName: string, refusal: WireRefusal): UnserializableValueError {
  return new UnserializableValueError(toolName, refusal.path, refusal.problem, refusal.hint);
}

/**
 * @internal
 * One emission of a streaming tool made wire-safe: a `withScheduling()` or `withMedia()` value unwrapped,
 * its scheduling resolved (the tool's `scheduling` unless the emission says otherwise), its value
 * checked ({@link toWireValue}). A value JSON cannot carry, or media that cannot be sent, comes
 * back as the error that says why. Media is looked for on emissions only: a plain value costs
 * nothing more than its check.
 */
export function readEmission(
  toolName: string,
  scheduling: Scheduling,
  v: unknown,
): ScheduledValue | UnserializableValueError | InvalidMediaError {
  let value = v;
  let s = scheduling;
  let media: CheckedMedia | undefined;
  if (isScheduledEmission(v)) {
    value = v.value;
    s = v.scheduling ?? scheduling;
    const read = unwrapMedia(toolName, v);
    if (read instanceof InvalidMediaError) return read;
    if (read !== undefined) {
      value = read.value;
      s = v.scheduling ?? read.scheduling ?? scheduling;
      media = read.media;
    }
  }
  const wire = toWireValue(value);
  if (wire instanceof WireRefusal) return refusalError(toolName, wire);
  return media === undefined ? { value: wire, scheduling: s } : { value: wire, scheduling: s, media };
}

/**
 * @internal
 * A streaming tool's emissions as an operator, each read by {@link readEmission}: one that cannot
 * be sent is handed to `onRefused` and becomes `undefined`, which the coalescer and the runner
 * skip (one map and no filter). Used ahead of the coalescer (`minIntervalMs`), so that a refused
 * value never displaces a pending one; without a coalescer the call's source reads each emission
 * itself, with no operator in between.
 */
export function wireSafeEmissions(
  toolName: string,
  scheduling: Scheduling,
  onRefused: (error: UnserializableValueError | InvalidMediaError) => void,
): OperatorFunction<unknown, ScheduledValue | undefined> {
  return map((v): ScheduledValue | undefined => {
    const read = readEmission(toolName, scheduling, v);
    if (read instanceof LivetoolsError) {
      onRefused(read);
      return undefined;
    }
    return read;
  });
}

/**
 * The media of an emission, checked: from `withMedia(value, media)`, or from
 * `withScheduling(withMedia(value, media), scheduling)` (one level of nesting). `undefined` when it has none.
 */
function unwrapMedia(
  toolName: string,
  emission: { readonly value: unknown },
):
  | { value: unknown; scheduling: Scheduling | undefined; media: CheckedMedia }
  | InvalidMediaError
  | undefined {
  let value: unknown;
  let scheduling: Scheduling | undefined;
  let raw: unknown;
  try {
    let holder: { readonly value: unknown; readonly scheduling?: Scheduling } = emission;
    raw = (emission as { media?: unknown }).media;
    if (raw === undefined) {
      if (!isScheduledEmission(emission.value)) return undefined;
      holder = emission.value;
      raw = (holder as { media?: unknown }).media;
      if (raw === undefined) return undefined;
    }
    value = holder.value;
    scheduling = holder.scheduling;
  } catch (error) {
    // A getter or Proxy of the tool's emission threw: this emission is refused, not the call.
    return new InvalidMediaError(
      toolName,
      'media',
      `could not be read (${describeError(error)})`,
      'Attach media with withMedia(value, media) on plain objects.',
    );
  }
  const read = readMedia(raw);
  if (!('parts' in read)) return new InvalidMediaError(toolName, read.path, read.problem, read.hint);
  return { value, scheduling, media: read };
}

/**
 * @internal
 * A one-shot tool's result made wire-safe. A result JSON cannot carry (or with media that cannot
 * be sent) throws an {@link UnserializableValueError} (an {@link InvalidMediaError}), which fails
 * the call: its error response tells the model why. A `withMedia()` result is unwrapped into its
 * value and media.
 */
export function readResult(toolName: string, result: unknown): ScheduledValue {
  let value = result;
  let media: CheckedMedia | undefined;
  if (isScheduledEmission(result)) {
    const read = unwrapMedia(toolName, result);
    if (read instanceof InvalidMediaError) throw read;
    if (read !== undefined) {
      value = read.value;
      media = read.media;
    }
  }
  const wire = toWireValue(value);
  if (wire instanceof WireRefusal) throw refusalError(toolName, wire);
  return media === undefined
    ? { value: wire, scheduling: 'WHEN_IDLE' }
    : { value: wire, scheduling: 'WHEN_IDLE', media };
}
