/**
 * @internal
 * Reading the server's turn and activity signals (`interactionStatus`, `turnCompleteReason`,
 * `waitingForInput`, `interimInputTranscription`, `voiceActivity`) out of a server message, and
 * what they mean for the model being idle. Every value comes from the network: one of the wrong
 * type is ignored and reported through `ignore` (the session logs it at debug level), never
 * thrown; an enum string the SDK does not know yet is passed through where the event carries it
 * as a string.
 */
import type { IdleSignal } from '../profiles/model-profile.js';
import type { WireInteractionStatus } from './genai-like.js';

/** Told of a value that was ignored: the field's path and a short description of what came. */
export type IgnoreValue = (field: string, got: string) => void;

/** An `interactionStatus` as read: the status as sent, and what it means. */
export interface ReadInteractionStatus {
  readonly status: WireInteractionStatus;
  /** `IDLE`, or `REQUIRES_ACTION` (its deprecated name). */
  readonly idle: boolean;
  /** `IN_PROGRESS`: the model is busy, speaking or reasoning in the background. */
  readonly inProgress: boolean;
}

/** The optional fields of a `turn-complete` event, as read. */
export interface ReadTurnComplete {
  readonly reason: string | undefined;
  readonly waitingForInput: boolean | undefined;
}

/** A `voiceActivity` as read. */
export interface ReadVoiceActivity {
  readonly activity: 'start' | 'end';
  readonly audioOffset?: string;
}

/** True for a plain JSON object (not `null`, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What came, for a log line: its JSON type, and for a string its start. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `a value of type ${typeof value}`;
}

/** `serverContent.interactionStatus`: any string is passed through; anything else is ignored. */
export function readInteractionStatus(
  value: unknown,
  ignore: IgnoreValue,
): ReadInteractionStatus | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    ignore('serverContent.interactionStatus', describeValue(value));
    return undefined;
  }
  return {
    status: value,
    idle: value === 'IDLE' || value === 'REQUIRES_ACTION',
    inProgress: value === 'IN_PROGRESS',
  };
}

/** `turnCompleteReason` (any string) and `waitingForInput` (a boolean) of a `turnComplete` message; each `undefined` when absent or of another type. */
export function readTurnComplete(
  content: { readonly turnCompleteReason?: unknown; readonly waitingForInput?: unknown },
  ignore: IgnoreValue,
): ReadTurnComplete {
  const { turnCompleteReason: reason, waitingForInput: waiting } = content;
  const hasReason = typeof reason === 'string';
  if (!hasReason && reason !== undefined) ignore('serverContent.turnCompleteReason', describeValue(reason));
  const hasWaiting = typeof waiting === 'boolean';
  if (!hasWaiting && waiting !== undefined) ignore('serverContent.waitingForInput', describeValue(waiting));
  return { reason: hasReason ? reason : undefined, waitingForInput: hasWaiting ? waiting : undefined };
}

/** The text of `serverContent.interimInputTranscription`; `undefined` when absent, empty or malformed. */
export function readInterimTranscription(value: unknown, ignore: IgnoreValue): string | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    ignore('serverContent.interimInputTranscription', describeValue(value));
    return undefined;
  }
  const { text } = value;
  if (typeof text === 'string') return text === '' ? undefined : text;
  if (text !== undefined) ignore('serverContent.interimInputTranscription.text', describeValue(text));
  return undefined;
}

/** `voiceActivity`: `ACTIVITY_START` / `ACTIVITY_END` with an optional `audioOffset` string; anything else is ignored. */
export function readVoiceActivity(value: unknown, ignore: IgnoreValue): ReadVoiceActivity | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    ignore('voiceActivity', describeValue(value));
    return undefined;
  }
  const { voiceActivityType: type, audioOffset } = value;
  const activity = type === 'ACTIVITY_START' ? 'start' : type === 'ACTIVITY_END' ? 'end' : undefined;
  if (activity === undefined) {
    ignore('voiceActivity.voiceActivityType', describeValue(type));
    return undefined;
  }
  if (typeof audioOffset === 'string') return { activity, audioOffset };
  if (audioOffset !== undefined) ignore('voiceActivity.audioOffset', describeValue(audioOffset));
  return { activity };
}

/**
 * What a message's turn signals mean for the model being idle, under the profile's idle signal:
 * - `idle`: the model is done; the writes that wait for idle go now.
 * - `busy`: the model is working (it reasons in the background with nothing to hear yet).
 * - `no-status`: a `turnComplete` without `interactionStatus` where only that status says the
 *   model is idle: nothing changes (worth a warning: if the model never sends it, results wait).
 * - `unchanged`: nothing to do.
 *
 * With `turnComplete` (every model before extended thinking) `interactionStatus` is published
 * but does not change the idle state, so those sessions behave as before it existed.
 */
export function idleTransition(
  signal: IdleSignal,
  turnComplete: boolean,
  status: ReadInteractionStatus | undefined,
): 'idle' | 'busy' | 'no-status' | 'unchanged' {
  if (signal !== 'interactionStatus') return turnComplete ? 'idle' : 'unchanged';
  if (status?.idle) return 'idle';
  if (status?.inProgress) return 'busy';
  return turnComplete && status === undefined ? 'no-status' : 'unchanged';
}
