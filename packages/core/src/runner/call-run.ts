import { defer, from, type Observable, of, takeUntil } from 'rxjs';
import { CallCancelledError, type UnserializableValueError } from '../errors.js';
import { childLogger } from '../logger.js';
import type { ToolContext } from '../tool/context.js';
import type { StreamingTool } from '../tool/define-tool.js';
import type { InvalidMediaError } from '../tool/result-media.js';
import { complete, deliver, fail } from './call-output.js';
import {
  type CallRecord,
  describeReturn,
  isObservableInput,
  isPromiseLike,
  type Phase,
} from './call-record.js';
import { cancel } from './call-stop.js';
import { coalesce, type ScheduledValue } from './coalesce.js';
import type { RunnerState } from './runner-state.js';
import { wireSafeEmissions, wireSafeResult } from './wire-safe-emissions.js';

/**
 * @internal
 * Starts an admitted call: publishes `tool-start`, runs the tool with its context, and wires its
 * values through the wire check (and the coalescer, for `minIntervalMs`) to the output room.
 */
export function start(state: RunnerState, record: CallRecord): void {
  record.phase = 'running';
  record.startedAt = state.scheduler.now();
  const args = record.args as Record<string, unknown>;
  state.events.next({
    type: 'tool-start',
    callId: record.id,
    toolName: record.name,
    args,
    time: state.scheduler.now(),
  });
  // A subscriber of events$ may have stopped the call on its tool-start: then it must not run.
  if ((record.phase as Phase) !== 'running') return;
  const ctx = contextOf(state, record);
  const tool = record.tool;
  let source$: Observable<ScheduledValue | undefined>;
  if (tool.kind === 'streaming') {
    const { scheduling, minIntervalMs } = tool.policies;
    const raw$ = defer(() => {
      const result = tool.execute(args, ctx);
      if (!isObservableInput(result)) {
        throw new TypeError(
          `execute() must return an Observable, a Promise, an async iterable or an array; it returned ${describeReturn(result)}`,
        );
      }
      return from(result);
    }).pipe(wireSafeEmissions(record.name, scheduling, (error) => refuseResult(state, record, error)));
    source$ =
      minIntervalMs === undefined
        ? raw$
        : raw$.pipe(
            coalesce(minIntervalMs, state.scheduler, () => {
              record.coalesced += 1;
            }),
          );
    armDeadline(state, record, tool);
  } else {
    source$ = defer(() => {
      const result = tool.execute(args, ctx);
      return isPromiseLike(result) ? from(result) : of(result);
    }).pipe(wireSafeResult(record.name));
  }
  const subscription = source$.pipe(takeUntil(record.stop$)).subscribe({
    next: (v) => deliver(state, record, v),
    error: (error: unknown) => fail(state, record, error),
    complete: () => complete(state, record),
  });
  // A synchronous source may have completed, failed or been cancelled during subscribe().
  if ((record.phase as Phase) === 'ended') subscription.unsubscribe();
  else record.subscription = subscription;
}

/** The context a call's tool runs with; its AbortSignal is made on first read. */
function contextOf(state: RunnerState, record: CallRecord): ToolContext {
  return {
    callId: record.id,
    toolName: record.name,
    get signal(): AbortSignal {
      if (record.abort === undefined) {
        record.abort = new AbortController();
        if (record.cancelledBy !== undefined)
          record.abort.abort(new CallCancelledError(record.id, record.cancelledBy));
      }
      return record.abort.signal;
    },
    input: state.input,
    logger: childLogger(state.logger, { tool: record.name, callId: record.id }),
    scheduler: state.scheduler,
    mediaInResults: state.mediaParts,
  };
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
  state.events.next({
    type: 'tool-result-refused',
    callId: record.id,
    toolName: record.name,
    error,
    time: state.scheduler.now(),
  });
}

/** Cancels a streaming call after its tool's `maxDurationMs`. */
function armDeadline(state: RunnerState, record: CallRecord, tool: StreamingTool): void {
  const ms = tool.policies.maxDurationMs;
  if (ms === undefined) return;
  record.deadline = state.scheduler.schedule(() => cancel(state, record, 'max-duration'), ms);
}
