import { describeError, LivetoolsError, ToolExecutionError } from '../errors.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { CheckedMedia } from '../tool/result-media.js';
import { type CallRecord, jsonLength, metricsOf, toPayload } from './call-record.js';
import { dequeue, end } from './call-stop.js';
import type { ScheduledValue } from './coalesce.js';
import type { ResultMediaReport } from './events.js';
import type { RunnerState } from './runner-state.js';

/**
 * @internal
 * Sends one value of a running call as a response on its id (with `willContinue: true` for a
 * streaming call) and publishes `tool-result`. `undefined` is a value the wire check refused.
 */
export function deliver(state: RunnerState, record: CallRecord, v: ScheduledValue | undefined): void {
  if (v === undefined || record.phase !== 'running') return;
  record.results += 1;
  record.firstResultAt ??= state.scheduler.now();
  const streaming = record.tool.kind === 'streaming';
  const media = v.media;
  const bytes =
    media === undefined
      ? sendFor(
          state,
          record,
          streaming
            ? {
                id: record.id,
                name: record.name,
                response: { output: v.value },
                willContinue: true,
                scheduling: v.scheduling,
              }
            : { id: record.id, name: record.name, response: { output: v.value } },
        )
      : sendWithMedia(state, record, v, media, streaming);
  state.events.next(
    media === undefined
      ? {
          type: 'tool-result',
          callId: record.id,
          toolName: record.name,
          output: v.value,
          ...(streaming ? { scheduling: v.scheduling } : {}),
          sequence: record.results,
          bytes,
          time: state.scheduler.now(),
        }
      : {
          type: 'tool-result',
          callId: record.id,
          toolName: record.name,
          output: v.value,
          ...(streaming ? { scheduling: v.scheduling } : {}),
          sequence: record.results,
          bytes,
          media: mediaReport(state, media),
          time: state.scheduler.now(),
        },
  );
}

/**
 * A value with media: the media goes as `parts` when the delivery carries them; otherwise the value
 * goes alone and the media is left out, which the `tool-result` event and the log say.
 */
function sendWithMedia(
  state: RunnerState,
  record: CallRecord,
  v: ScheduledValue,
  media: CheckedMedia,
  streaming: boolean,
): number {
  const base = { id: record.id, name: record.name, response: { output: v.value } };
  const response: LiveFunctionResponse = streaming
    ? { ...base, willContinue: true, scheduling: v.scheduling }
    : base;
  if (state.mediaParts) return sendFor(state, record, { ...response, parts: media.parts });
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
  return sendFor(state, record, response);
}

function mediaReport(state: RunnerState, media: CheckedMedia): ResultMediaReport {
  return { mimeTypes: media.mimeTypes, bytes: media.bytes, sent: state.mediaParts };
}

/** @internal Ends a call whose tool completed; a streaming call gets its final response. */
export function complete(state: RunnerState, record: CallRecord): void {
  if (record.phase !== 'running') return;
  end(state, record);
  if (record.tool.kind === 'streaming') {
    sendFor(state, record, {
      id: record.id,
      name: record.name,
      response: { output: { status: 'completed', results: record.results } },
      willContinue: false,
      scheduling: record.tool.policies.completionScheduling,
    });
  }
  const time = state.scheduler.now();
  state.events.next({
    type: 'tool-end',
    callId: record.id,
    toolName: record.name,
    reason: 'completed',
    results: record.results,
    metrics: metricsOf(record, time),
    time,
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
  sendFor(
    state,
    record,
    streaming
      ? {
          id: record.id,
          name: record.name,
          response: { error: payload },
          willContinue: false,
          scheduling: 'WHEN_IDLE',
        }
      : { id: record.id, name: record.name, response: { error: payload } },
  );
  const time = state.scheduler.now();
  state.events.next({
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
    state.events.next({
      type: 'response-error',
      callIds: responses.map((r) => r.id),
      error,
      time: state.scheduler.now(),
    });
  }
}
