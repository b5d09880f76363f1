import type { CancelSource } from '../errors.js';
import type {
  FunctionResponseMediaPart,
  LiveFunctionResponse,
  ToolErrorPayload,
} from '../protocol/function-calls.js';
import type { Scheduling } from '../tool/scheduling.js';
import { STOP_SCHEDULING } from './call-record.js';

/**
 * @internal
 * Every function response the runner writes, one builder per kind. Each builds one literal of a
 * fixed shape (no spread, no optional field added afterwards): a result runs through here for
 * every value a tool emits, and literals of one shape keep the code that reads them fast.
 */

/** An intermediate result of a streaming call (`willContinue: true`). */
export function streamingResult(
  id: string,
  name: string,
  output: unknown,
  scheduling: Scheduling,
): LiveFunctionResponse {
  return { id, name, response: { output }, willContinue: true, scheduling };
}

/** The one result of a one-shot call. */
export function oneShotResult(id: string, name: string, output: unknown): LiveFunctionResponse {
  return { id, name, response: { output } };
}

/** A result with media (`parts`), streaming or one-shot. */
export function resultWithMedia(
  id: string,
  name: string,
  output: unknown,
  streaming: boolean,
  scheduling: Scheduling,
  parts: readonly FunctionResponseMediaPart[],
): LiveFunctionResponse {
  return streaming
    ? { id, name, response: { output }, willContinue: true, scheduling, parts }
    : { id, name, response: { output }, parts };
}

/** The final response of a streaming call whose tool completed. */
export function completedResponse(
  id: string,
  name: string,
  results: number,
  scheduling: Scheduling,
): LiveFunctionResponse {
  return {
    id,
    name,
    response: { output: { status: 'completed', results } },
    willContinue: false,
    scheduling,
  };
}

/** The final response of a call stopped by `by` (not the server nor the session's end: they get none). */
export function stoppedResponse(
  id: string,
  name: string,
  by: Exclude<CancelSource, 'server' | 'session-end'>,
  results: number,
): LiveFunctionResponse {
  return {
    id,
    name,
    response: { output: { status: 'stopped', reason: by, results } },
    willContinue: false,
    scheduling: STOP_SCHEDULING[by],
  };
}

/** The error response of a call whose tool failed while it ran. */
export function failedResponse(
  id: string,
  name: string,
  error: ToolErrorPayload,
  streaming: boolean,
): LiveFunctionResponse {
  return streaming
    ? { id, name, response: { error }, willContinue: false, scheduling: 'WHEN_IDLE' }
    : { id, name, response: { error } };
}

/** The error response of a call refused before it started (unknown tool, bad arguments, duplicate). */
export function refusedResponse(
  id: string,
  name: string,
  error: ToolErrorPayload,
  streaming: boolean,
): LiveFunctionResponse {
  return streaming
    ? { id, name, response: { error }, willContinue: false }
    : { id, name, response: { error } };
}
