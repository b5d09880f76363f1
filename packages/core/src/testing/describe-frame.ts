/**
 * Short, human-readable texts: summaries of recorded frames and closes for the messages of failed
 * waits, and close reasons.
 *
 * @internal
 * @packageDocumentation
 */

import { describeError } from '../errors.js';
import type { LiveClientFrame } from './wire-types.js';

const maxListed = 12;

/** Summarises one client frame in a few words (`toolResponse[function-call-1 willContinue INTERRUPT]`). */
function describeClientFrame(frame: LiveClientFrame): string {
  if (frame.setup) return `setup(${frame.setup.model ?? 'no model'})`;
  if (frame.toolResponse) {
    const entries = (frame.toolResponse.functionResponses ?? []).map((r) => {
      const scheduling = r.scheduling ?? r.response?.scheduling;
      return [r.id ?? '(no id)', r.willContinue ? 'willContinue' : '', scheduling ?? '']
        .filter(Boolean)
        .join(' ');
    });
    return `toolResponse[${entries.join(', ')}]`;
  }
  if (frame.clientContent) {
    const text = (frame.clientContent.turns ?? [])
      .flatMap((t) => t.parts ?? [])
      .map((p) => p.text ?? '')
      .join('');
    return `clientContent(${JSON.stringify(truncate(text, 40))})`;
  }
  if (frame.realtimeInput) {
    const input = frame.realtimeInput;
    if (input.text !== undefined) return `realtimeInput.text(${JSON.stringify(truncate(input.text, 40))})`;
    return `realtimeInput.${Object.keys(input).join(',')}`;
  }
  return Object.keys(frame).join(',') || '{}';
}

/** A client's frame may hold anything where a list or a text belongs: a summary never throws. */
function describeSafely(frame: LiveClientFrame): string {
  try {
    return describeClientFrame(frame);
  } catch {
    return `malformed ${Object.keys(frame).join(',')}`;
  }
}

/**
 * Summarises a list of frames, keeping the most recent ones when it is long; `forgotten`: frames
 * received but no longer recorded (server option `keepFrames`), counted in the total.
 */
export function describeClientFrames(frames: readonly LiveClientFrame[], forgotten = 0): string {
  if (frames.length === 0) return 'no frames received';
  const shown = frames.slice(-maxListed).map(describeSafely);
  const skipped = frames.length - shown.length;
  const count =
    forgotten > 0
      ? `${frames.length + forgotten} frame(s) received, ${forgotten} of them no longer kept (keepFrames)`
      : `${frames.length} frame(s) received`;
  return `${count}: ${skipped > 0 ? `(${skipped} earlier) ` : ''}${shown.join('; ')}`;
}

/** A close code with its reason, if any (`1008 "API key not valid."`). */
export function describeClose(info: { readonly code: number; readonly reason: string }): string {
  return info.reason ? `${info.code} "${info.reason}"` : `${info.code}`;
}

/** The close reason when a test's hook (`onConnection`, a frame listener) threw. */
export function internalErrorReason(error: unknown): string {
  return `Internal error: ${describeError(error)}`;
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
