import { CallCancelledError, type CancelSource, describeError } from '../errors.js';
import { sendFor } from './call-output.js';
import { type CallRecord, metricsOf, queuedFirst } from './call-record.js';
import { start } from './call-run.js';
import { stoppedResponse } from './responses.js';
import type { RunnerState } from './runner-state.js';
import type { StoppedCall } from './stop-streaming-tool.js';

/** What to stop: one call by id, or every call of a tool. */
export type StopTarget =
  | {
      /** Stop the call with this id. */
      readonly callId: string;
    }
  | {
      /** Stop every call of the tool with this name. */
      readonly toolName: string;
    };

/**
 * @internal
 * Marks a call ended and releases its resources (but not the AbortSignal: only cancellation aborts).
 */
export function end(state: RunnerState, record: CallRecord): void {
  record.phase = 'ended';
  state.calls.delete(record.id);
  state.ended.add(record.id);
  record.deadline?.unsubscribe();
  try {
    record.subscription?.unsubscribe();
  } catch (error) {
    // A tool whose teardown throws: the call is over all the same.
    state.logger.warn('the teardown of a tool threw; ignored', {
      tool: record.name,
      callId: record.id,
      error: describeError(error),
    });
  }
}

/**
 * @internal
 * Cancels a call from `by`. The server and session end get no final response (the server gave up
 * on the call, or the socket is gone); every other source gets one with `willContinue: false`.
 */
export function cancel(state: RunnerState, record: CallRecord, by: CancelSource): boolean {
  if (record.phase === 'ended') return false;
  const wasQueued = record.phase === 'queued';
  const wasValidating = record.phase === 'validating';
  if (wasQueued) {
    const queue = state.queues.get(record.name);
    if (queue) queue.splice(queue.indexOf(record), 1);
  }
  const signalledAt = state.scheduler.now();
  end(state, record);
  record.cancelToTeardownMs = state.scheduler.now() - signalledAt;
  record.cancelledBy = by;
  record.abort?.abort(new CallCancelledError(record.id, by));
  if (by !== 'server' && by !== 'session-end') {
    sendFor(state, record, stoppedResponse(record.id, record.name, by, record.results));
  }
  const time = state.scheduler.now();
  state.publish({
    type: 'tool-end',
    callId: record.id,
    toolName: record.name,
    reason: 'cancelled',
    cancelledBy: by,
    results: record.results,
    metrics: metricsOf(record, time),
    time,
  });
  if (wasValidating) state.lines.drain(record.name);
  else if (!wasQueued && by !== 'session-end') dequeue(state, record.name);
  return true;
}

/** @internal Starts the next queued call of `name` once no call of it is running. */
export function dequeue(state: RunnerState, name: string): void {
  if (state.disposed) return;
  const queue = state.queues.get(name);
  if (!queue || queue.length === 0) return;
  if (state.calls.list().some((r) => r.name === name && r.phase === 'running')) return;
  const next = queue.shift()!;
  if (queue.length === 0) state.queues.delete(name);
  start(state, next);
}

/** Options of `ToolRunner.stopCalls` and `LiveAgentSession.stopCalls`. */
export interface StopOptions {
  /**
   * Who stops the calls, as their `tool-end` `cancelledBy`, their final response's `reason` and
   * their `ctx.signal` reason say: `application` (the default), or `handoff` when the calls end
   * because their session is handed over to a new Live session.
   */
  readonly by?: 'application' | 'handoff';
}

/** @internal Cancels the streaming calls `target` names, queued ones first; returns them. */
export function stopMatching(
  state: RunnerState,
  target: StopTarget,
  by: 'model' | 'application' | 'handoff',
): StoppedCall[] {
  const matches = state.calls
    .list()
    .filter(
      (r) =>
        r.tool.kind === 'streaming' &&
        r.phase !== 'ended' &&
        ('callId' in target ? r.id === target.callId : r.name === target.toolName),
    );
  const stopped: StoppedCall[] = [];
  state.lines.batch(() => {
    for (const r of queuedFirst(matches)) {
      if (cancel(state, r, by)) stopped.push({ callId: r.id, toolName: r.name, results: r.results });
    }
  });
  return stopped;
}

/** @internal What `stop_streaming` does: stops what the model named, and lists what still runs. */
export function stopFromModel(
  state: RunnerState,
  target: { call_id?: string | undefined; function_name?: string | undefined },
): { stopped: StoppedCall[]; running: StoppedCall[] } {
  let stopped: StoppedCall[];
  if (target.call_id !== undefined) {
    const record = state.calls.get(target.call_id);
    stopped =
      record && (target.function_name === undefined || record.name === target.function_name)
        ? stopMatching(state, { callId: target.call_id }, 'model')
        : [];
  } else if (target.function_name !== undefined) {
    stopped = stopMatching(state, { toolName: target.function_name }, 'model');
  } else {
    stopped = [];
  }
  const running = state.calls
    .list()
    .filter((r) => r.tool.kind === 'streaming')
    .map((r) => ({ callId: r.id, toolName: r.name, results: r.results }));
  return { stopped, running };
}
