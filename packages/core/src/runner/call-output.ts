import { describeError, LivetoolsError, ToolExecutionError } from '../errors.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { CheckedMedia } from '../tool/result-media.js';
import type { Scheduling } from '../tool/scheduling.js';
import { type CallRecord, jsonLength, metricsOf, toPayload } from './call-record.js';
import { dequeue, end } from './call-stop.js';
import type { ResultMediaReport, ToolResultEvent } from './events.js';
import {
  completedResponse,
  failedResponse,
  oneShotResult,
  resultWithMedia,
  streamingResult,
} from './responses.js';
import type { RunnerState } from './runner-state.js';

/**
 * @internal
 * Sends one value of a running call as a response on its id (with `willContinue: true` for a
 * streaming call) and publishes `tool-result`. The value is wire-safe already; `media`, when
 * given, is checked: it goes as `parts` when the delivery carries them; otherwise the value goes
 * alone and the media is left out, which the `tool-result` event and the log say.
 */
export function deliver(
  state: RunnerState,
  record: CallRecord,
  value: unknown,
  scheduling: Scheduling,
  media: CheckedMedia | undefined,
): void {
  if (record.phase !== 'running') return;
  record.results += 1;
  // The clock is read for the first result and for an event someone receives, once at most.
  let now: number | undefined;
  if (record.firstResultAt === undefined) record.firstResultAt = now = state.scheduler.now();
  const streaming = record.tool.kind === 'streaming';
  const withParts = media !== undefined && state.mediaParts;
  if (media !== undefined && !withParts) logMediaLeftOut(state, record, media);
  const bytes = sendFor(
    state,
    record,
    withParts
      ? resultWithMedia(record.id, record.name, value, streaming, scheduling, media.parts)
      : streaming
        ? streamingResult(record.id, record.name, value, scheduling)
        : oneShotResult(record.id, record.name, value),
  );
  // Nobody to receive the event (its count is taken already): it is neither built nor timed.
  if (media === undefined && state.unheardResult(record.id, bytes)) return;
  const report = media === undefined ? undefined : mediaReport(state, media);
  state.publish(
    resultEvent(
      record,
      value,
      streaming ? scheduling : undefined,
      bytes,
      report,
      now ?? state.scheduler.now(),
    ),
  );
}

/**
 * The `tool-result` event of the call's latest result: `scheduling` for a streaming call, `media`
 * when the value came with media. One literal per shape (no spread): this runs for every value a
 * tool emits.
 */
function resultEvent(
  record: CallRecord,
  output: unknown,
  scheduling: Scheduling | undefined,
  bytes: number,
  media: ResultMediaReport | undefined,
  time: number,
): ToolResultEvent {
  const callId = record.id;
  const toolName = record.name;
  const sequence = record.results;
  if (media === undefined) {
    return scheduling === undefined
      ? { type: 'tool-result', callId, toolName, output, sequence, bytes, time }
      : { type: 'tool-result', callId, toolName, output, scheduling, sequence, bytes, time };
  }
  return scheduling === undefined
    ? { type: 'tool-result', callId, toolName, output, sequence, bytes, media, time }
    : { type: 'tool-result', callId, toolName, output, scheduling, sequence, bytes, media, time };
}

/** Logs a result's media left out (the delivery cannot carry `parts`): a warning once per runner, then debug. */
function logMediaLeftOut(state: RunnerState, record: CallRecord, media: CheckedMedia): void {
  const fields = { tool: record.name, callId: record.id, parts: media.parts.length };
  if (!state.mediaDropLogged) {
    state.mediaDropLogged = true;
    state.logger.warn(
      "media attached to a result was left out: this session's delivery cannot carry FunctionResponse.parts (the tool-result event says so for each result)",
      fields,
    );
  } else {
    state.logger.debug('media attached to a result was left out', fields);
  }
}

function mediaReport(state: RunnerState, media: CheckedMedia): ResultMediaReport {
  return { mimeTypes: media.mimeTypes, bytes: media.bytes, sent: state.mediaParts };
}

/**
 * @internal
 * Ends a call whose tool completed; a streaming call gets its final response. `time`: when it
 * ended, when that is known already (a one-shot call ends with its result, at the time its
 * `tool-result` was read), saving a read of the clock.
 */
export function complete(state: RunnerState, record: CallRecord, time?: number): void {
  if (record.phase !== 'running') return;
  end(state, record);
  if (record.tool.kind === 'streaming') {
    sendFor(
      state,
      record,
      completedResponse(record.id, record.name, record.results, record.tool.policies.completionScheduling),
    );
  }
  const endedAt = time ?? state.scheduler.now();
  state.publish({
    type: 'tool-end',
    callId: record.id,
    toolName: record.name,
    reason: 'completed',
    results: record.results,
    metrics: metricsOf(record, endedAt),
    time: endedAt,
  });
  dequeue(state, record.name);
}

/** @internal Ends a call whose tool failed, answering with the error. */
export function fail(state: RunnerState, record: CallRecord, cause: unknown): void {
  if (record.phase !== 'running') return;
  end(state, record);
  let error = LivetoolsError.isInstance(cause) ? cause : new ToolExecutionError(record.name, cause);
  let payload = toPayload(error);
  if (payload === undefined) {
    // A look-alike of a livetools error whose fields cannot be read or sent: described instead.
    error = new ToolExecutionError(record.name, cause);
    payload = toPayload(error) ?? { message: error.message, code: error.code };
  }
  state.logger.warn('tool failed', { tool: record.name, callId: record.id, error: payload.message });
  const streaming = record.tool.kind === 'streaming';
  sendFor(state, record, failedResponse(record.id, record.name, payload, streaming));
  const time = state.scheduler.now();
  state.publish({
    type: 'tool-end',
    callId: record.id,
    toolName: record.name,
    reason: 'failed',
    error,
    results: record.results,
    metrics: metricsOf(record, time),
    time,
  });
  dequeue(state, record.name);
}

/** @internal Sends one response of a call, counting its bytes; returns them. */
export function sendFor(state: RunnerState, record: CallRecord, response: LiveFunctionResponse): number {
  const bytes = state.measureBytes ? jsonLength(response) : 0;
  record.bytes += bytes;
  send(state, [response]);
  return bytes;
}

/** @internal Hands responses to the sink; a sink that throws is reported as `response-error`. */
export function send(state: RunnerState, responses: LiveFunctionResponse[]): void {
  try {
    state.sink.send(responses);
  } catch (error) {
    state.logger.error('sending function responses failed', { error: describeError(error) });
    state.publish({
      type: 'response-error',
      callIds: responses.map((r) => r.id),
      error,
      time: state.scheduler.now(),
    });
  }
}
