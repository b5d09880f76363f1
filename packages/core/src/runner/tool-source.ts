import { from, Subscriber } from 'rxjs';
import { LivetoolsError, type UnserializableValueError } from '../errors.js';
import type { ToolContext } from '../tool/context.js';
import type { OneShotTool, StreamingTool } from '../tool/define-tool.js';
import type { InvalidMediaError } from '../tool/result-media.js';
import { isScheduledEmission, type Scheduling } from '../tool/scheduling.js';
import { complete, deliver, fail } from './call-output.js';
import { type CallRecord, describeReturn, isObservableInput, isPromiseLike } from './call-record.js';
import { coalesce, type ScheduledValue } from './coalesce.js';
import type { RunnerState } from './runner-state.js';
import { readEmission, readResult, refusalError, wireSafeEmissions } from './wire-safe-emissions.js';
import { toWireValue, WireRefusal } from './wire-value.js';

/**
 * @internal
 * Runs a streaming call's tool and sends each value it emits, made wire-safe, as a response.
 *
 * One subscriber per call and nothing per value: the call's subscriber is the tool's source's own
 * (a {@link Subscriber} whose `_next` checks the value and hands it to the output room), with no
 * wrapping Observable nor RxJS's safe-subscriber layers in between. It is kept as
 * `record.subscription` before the tool runs, so that a call ended while its tool emits
 * synchronously (a tool-result handler stopping it, say) closes the source at once. A tool that
 * throws, or returns what cannot be observed, fails the call as an error of its source would. With
 * `minIntervalMs`, the values are checked and coalesced by operators first.
 */
export function subscribeStreaming(
  state: RunnerState,
  record: CallRecord,
  tool: StreamingTool,
  args: Record<string, unknown>,
  ctx: ToolContext | undefined,
): void {
  const { scheduling, minIntervalMs } = tool.policies;
  const subscriber =
    minIntervalMs === undefined
      ? new EmissionSubscriber(state, record, scheduling)
      : new CheckedValueSubscriber(state, record);
  record.subscription = subscriber;
  try {
    const result = tool.execute(args, ctx as ToolContext); // undefined only for a tool that cannot read it
    if (!isObservableInput(result)) {
      throw new TypeError(
        `execute() must return an Observable, a Promise, an async iterable or an array; it returned ${describeReturn(result)}`,
      );
    }
    const values$ = from(result);
    if (minIntervalMs === undefined) {
      values$.subscribe(subscriber);
    } else {
      values$
        .pipe(
          wireSafeEmissions(record.name, scheduling, (error) => refuseResult(state, record, error)),
          coalesce(minIntervalMs, state.scheduler, () => {
            record.coalesced += 1;
          }),
        )
        .subscribe(subscriber);
    }
  } catch (error) {
    subscriber.error(error);
  }
}

/**
 * @internal
 * Runs a one-shot call's tool: its result (or what its Promise resolves to), made wire-safe, is
 * the call's one response; a throw, a rejection or a result JSON cannot carry fails the call. No
 * Observable is made: a cancelled call's late result finds the call ended and is dropped.
 */
export function runOneShot(
  state: RunnerState,
  record: CallRecord,
  tool: OneShotTool,
  args: Record<string, unknown>,
  ctx: ToolContext | undefined,
): void {
  let result: unknown;
  try {
    result = tool.execute(args, ctx as ToolContext); // undefined only for a tool that cannot read it
    if (isPromiseLike(result)) {
      result.then(
        (value) => oneShotResult(state, record, value),
        (error: unknown) => fail(state, record, error),
      );
      return;
    }
  } catch (error) {
    fail(state, record, error);
    return;
  }
  oneShotResult(state, record, result);
}

function oneShotResult(state: RunnerState, record: CallRecord, result: unknown): void {
  if (record.phase !== 'running') return;
  let checked: ScheduledValue;
  try {
    checked = readResult(record.name, result);
  } catch (error) {
    fail(state, record, error);
    return;
  }
  deliver(state, record, checked.value, checked.scheduling, checked.media);
  // The result is the call's end: one time for both (the clock was read for the result).
  complete(state, record, record.firstResultAt);
}

/**
 * The subscriber of a streaming call: the tool's source's end (error, completion) ends the call,
 * then closes the subscriber as any subscriber closes. Methods on the prototype: one object per
 * call, nothing per value.
 */
abstract class CallSubscriber extends Subscriber<unknown> {
  protected readonly state: RunnerState;
  protected readonly record: CallRecord;

  constructor(state: RunnerState, record: CallRecord) {
    super();
    this.state = state;
    this.record = record;
  }

  protected override _error(error: unknown): void {
    try {
      fail(this.state, this.record, error);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      complete(this.state, this.record);
    } finally {
      this.unsubscribe();
    }
  }
}

/**
 * The subscriber of a streaming call without a coalescer: reads each emission (a plain value is
 * only checked) and delivers it.
 */
class EmissionSubscriber extends CallSubscriber {
  readonly #scheduling: Scheduling;

  constructor(state: RunnerState, record: CallRecord, scheduling: Scheduling) {
    super(state, record);
    this.#scheduling = scheduling;
  }

  protected override _next(v: unknown): void {
    const state = this.state;
    const record = this.record;
    if (record.phase !== 'running') return;
    try {
      if (!isScheduledEmission(v)) {
        const wire = toWireValue(v);
        if (wire instanceof WireRefusal) refuseResult(state, record, refusalError(record.name, wire));
        else deliver(state, record, wire, this.#scheduling, undefined);
        return;
      }
      const read = readEmission(record.name, this.#scheduling, v);
      if (read instanceof LivetoolsError) refuseResult(state, record, read);
      else deliver(state, record, read.value, read.scheduling, read.media);
    } catch (error) {
      // An emission whose reading throws (a Proxy posing as an emission): the call fails with it.
      fail(state, record, error);
    }
  }
}

/** The subscriber of a streaming call behind a coalescer: its values are checked already. */
class CheckedValueSubscriber extends CallSubscriber {
  protected override _next(value: unknown): void {
    const v = value as ScheduledValue;
    deliver(this.state, this.record, v.value, v.scheduling, v.media);
  }
}

/** Reports a streaming value that cannot be sent (event and log); it is not sent nor counted. */
function refuseResult(
  state: RunnerState,
  record: CallRecord,
  error: UnserializableValueError | InvalidMediaError,
): void {
  if (record.phase !== 'running') return;
  record.refused += 1;
  state.logger.warn(
    error.code === 'INVALID_MEDIA'
      ? 'a result with media that cannot be sent was not sent'
      : 'a result JSON cannot carry was not sent',
    {
      tool: record.name,
      callId: record.id,
      path: error.path,
      problem: error.problem,
    },
  );
  state.publish({
    type: 'tool-result-refused',
    callId: record.id,
    toolName: record.name,
    error,
    time: state.scheduler.now(),
  });
}
