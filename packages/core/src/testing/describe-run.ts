import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { ToolEndEvent } from '../runner/events.js';

const MAX_SHOWN = 5;
const MAX_BODY = 120;

function clip(text: string): string {
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY - 1)}…` : text;
}

function bodyOf(response: LiveFunctionResponse): string {
  let body: string;
  try {
    body = JSON.stringify(response.response) ?? 'undefined';
  } catch {
    body = '(a body JSON cannot show)';
  }
  const flags = [
    response.willContinue === undefined ? '' : `willContinue: ${response.willContinue}`,
    response.scheduling === undefined ? '' : response.scheduling,
  ].filter(Boolean);
  return flags.length > 0 ? `${clip(body)} (${flags.join(', ')})` : clip(body);
}

/** @internal `call "call-1" of countdown (running)`, for wait errors. */
export function describeCall(
  callId: string,
  name: string,
  started: boolean,
  end: ToolEndEvent | undefined,
): string {
  const state = end
    ? `ended: ${end.reason}${end.cancelledBy ? ` by ${end.cancelledBy}` : ''}${end.error ? `, ${end.error.code}` : ''}`
    : started
      ? 'running'
      : 'not started';
  return `call "${callId}" of ${name} (${state})`;
}

/** @internal `2 response(s) so far: ...`, the last few bodies, for wait errors. */
export function describeResponses(responses: readonly LiveFunctionResponse[]): string {
  if (responses.length === 0) return 'no response so far';
  const shown = responses.slice(-MAX_SHOWN).map(bodyOf);
  const skipped = responses.length - shown.length;
  return `${responses.length} response(s) so far: ${skipped > 0 ? '…; ' : ''}${shown.join('; ')}`;
}
