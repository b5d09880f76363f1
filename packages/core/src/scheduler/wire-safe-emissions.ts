import { map, type OperatorFunction } from 'rxjs';
import { UnserializableValueError } from '../errors.js';
import { isEmission, type Scheduling } from '../tool/scheduling.js';
import type { ScheduledValue } from './coalesce.js';
import { toWireValue, WireRefusal } from './wire-value.js';

/** @internal The error for a value of `toolName` that JSON cannot carry. */
export function refusalError(toolName: string, refusal: WireRefusal): UnserializableValueError {
  return new UnserializableValueError(toolName, refusal.path, refusal.problem, refusal.hint);
}

/**
 * @internal
 * A streaming tool's emissions: `emit()` values unwrapped, each made wire-safe. A value JSON cannot
 * carry is handed to `onRefused` and becomes `undefined`, which the coalescer and the scheduler
 * skip: one map and no filter, an operator less per emission. Checked before coalescing, so a
 * refused value never displaces a pending one.
 */
export function wireSafeEmissions(
  toolName: string,
  scheduling: Scheduling,
  onRefused: (error: UnserializableValueError) => void,
): OperatorFunction<unknown, ScheduledValue | undefined> {
  return map((v): ScheduledValue | undefined => {
    let value = v;
    let s = scheduling;
    if (isEmission(v)) {
      value = v.value;
      s = v.scheduling ?? scheduling;
    }
    const wire = toWireValue(value);
    if (wire instanceof WireRefusal) {
      onRefused(refusalError(toolName, wire));
      return undefined;
    }
    return { value: wire, scheduling: s };
  });
}

/**
 * @internal
 * A one-shot tool's result made wire-safe; a result JSON cannot carry errors the stream with an
 * {@link UnserializableValueError}, which fails the call: its error response tells the model why.
 */
export function wireSafeResult(toolName: string): OperatorFunction<unknown, ScheduledValue> {
  return map((value): ScheduledValue => {
    const wire = toWireValue(value);
    if (wire instanceof WireRefusal) throw refusalError(toolName, wire);
    return { value: wire, scheduling: 'WHEN_IDLE' };
  });
}
