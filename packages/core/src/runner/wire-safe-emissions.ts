import { map, type OperatorFunction } from 'rxjs';
import { describeError, UnserializableValueError } from '../errors.js';
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
 * A streaming tool's emissions: `withScheduling()` and `withMedia()` values unwrapped, each made wire-safe.
 * A value JSON cannot carry, or media that cannot be sent, is handed to `onRefused` and becomes
 * `undefined`, which the coalescer and the runner skip: one map and no filter, an operator less
 * per emission. Checked before coalescing, so a refused value never displaces a pending one. Media
 * is looked for on emissions only: a plain value costs nothing more.
 */
export function wireSafeEmissions(
  toolName: string,
  scheduling: Scheduling,
  onRefused: (error: UnserializableValueError | InvalidMediaError) => void,
): OperatorFunction<unknown, ScheduledValue | undefined> {
  return map((v): ScheduledValue | undefined => {
    let value = v;
    let s = scheduling;
    let media: CheckedMedia | undefined;
    if (isScheduledEmission(v)) {
      value = v.value;
      s = v.scheduling ?? scheduling;
      const read = unwrapMedia(toolName, v);
      if (read instanceof InvalidMediaError) {
        onRefused(read);
        return undefined;
      }
      if (read !== undefined) {
        value = read.value;
        s = v.scheduling ?? read.scheduling ?? scheduling;
        media = read.media;
      }
    }
    const wire = toWireValue(value);
    if (wire instanceof WireRefusal) {
      onRefused(refusalError(toolName, wire));
      return undefined;
    }
    return media === undefined ? { value: wire, scheduling: s } : { value: wire, scheduling: s, media };
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
 * A one-shot tool's result made wire-safe; a result JSON cannot carry (or with media that cannot be
 * sent) errors the stream with an {@link UnserializableValueError} (an {@link InvalidMediaError}),
 * which fails the call: its error response tells the model why. A `withMedia()` result is
 * unwrapped into its value and media.
 */
export function wireSafeResult(toolName: string): OperatorFunction<unknown, ScheduledValue> {
  return map((result): ScheduledValue => {
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
  });
}
