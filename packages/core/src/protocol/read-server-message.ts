/**
 * @internal
 * Reading one Live server message into what the session has to do about it, with no side effects.
 * Each top-level key is read on its own: a key of the wrong shape becomes a `malformed` action (the
 * session reports it as an error event) or is left out (a soft problem, logged at debug level),
 * and never costs the other keys of the message.
 *
 * @packageDocumentation
 */
import type { WireFunctionCall, WireServerMessage } from './genai-like.js';
import { describeValue, isRecord } from './server-signals.js';

/** Model output, transcriptions and turn signals (`serverContent`, `voiceActivity`): read by the session's content reader. */
export interface ContentAction {
  /** Discriminant. */
  readonly kind: 'content';
  /** The message as sent: the content reader reads its `serverContent` and `voiceActivity` (and checks their parts). */
  readonly message: Pick<WireServerMessage, 'serverContent' | 'voiceActivity'>;
}

/** The model calls functions (`toolCall.functionCalls`): each call is checked by the runner. */
export interface ToolCallsAction {
  /** Discriminant. */
  readonly kind: 'tool-calls';
  /** The calls as sent, in order (an element that is not a call is answered with an error or logged by the runner). */
  readonly calls: readonly WireFunctionCall[];
  /** The message they came in. */
  readonly message: WireServerMessage;
}

/** The server gave up on calls (`toolCallCancellation.ids`). */
export interface CancellationAction {
  /** Discriminant. */
  readonly kind: 'cancellation';
  /** The ids that are strings (others are reported as a `malformed` action). */
  readonly ids: readonly string[];
}

/** A `sessionResumptionUpdate`. */
export interface ResumptionUpdateAction {
  /** Discriminant. */
  readonly kind: 'resumption-update';
  /** The update as sent. */
  readonly update: NonNullable<WireServerMessage['sessionResumptionUpdate']>;
}

/** Token counts (`usageMetadata`). */
export interface UsageAction {
  /** Discriminant. */
  readonly kind: 'usage';
  /** The `usageMetadata` object as sent. */
  readonly usage: object;
}

/** The server will close the connection (`goAway`). */
export interface GoAwayAction {
  /** Discriminant. */
  readonly kind: 'go-away';
  /** The time left as sent (e.g. `50s`), when it is a string. */
  readonly timeLeft: string | undefined;
  /** The time left in milliseconds, when `timeLeft` is a duration this reader understands. */
  readonly timeLeftMs: number | undefined;
}

/** A key whose shape makes it unusable: the session reports it as an error event. */
export interface MalformedAction {
  /** Discriminant. */
  readonly kind: 'malformed';
  /** The path of the bad value, e.g. `toolCall.functionCalls`. */
  readonly field: string;
  /** What came instead, e.g. `a value of type object`. */
  readonly got: string;
}

/** A value left out that does not deserve an error event (a newer or odd server value): logged at debug level. */
export interface IgnoredAction {
  /** Discriminant. */
  readonly kind: 'ignored';
  /** The path of the value. */
  readonly field: string;
  /** What came. */
  readonly got: string;
}

/** One thing a server message asks the session to do, in the order the session applies them. */
export type ServerAction =
  | ContentAction
  | ToolCallsAction
  | CancellationAction
  | ResumptionUpdateAction
  | UsageAction
  | GoAwayAction
  | MalformedAction
  | IgnoredAction;

/**
 * Milliseconds in a proto JSON duration (`"50s"`, `"0.25s"`, `"1.5s"`); `undefined` for anything else.
 *
 * @example
 * ```ts
 * durationToMs('50s'); // 50000
 * ```
 */
export function durationToMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d{1,12}(?:\.\d{1,9})?)s\s*$/.exec(value);
  return match ? Number(match[1]) * 1000 : undefined;
}

/**
 * What one server message asks of the session: model content, tool calls, cancellations, a
 * resumption update, usage and goAway, in that order, plus a `malformed` action per unusable key
 * and an `ignored` action per value left out. Pure and total: never throws, whatever `message` is.
 *
 * @example
 * ```ts
 * readServerMessage({ toolCall: { functionCalls: [{ id: 'c1', name: 'watch', args: {} }] }, goAway: { timeLeft: '5s' } });
 * // [{ kind: 'tool-calls', calls: [...] }, { kind: 'go-away', timeLeft: '5s', timeLeftMs: 5000 }]
 * ```
 */
export function readServerMessage(message: unknown): ServerAction[] {
  if (!isRecord(message)) return [{ kind: 'malformed', field: 'message', got: describeValue(message) }];
  const m = message as WireServerMessage & Record<string, unknown>;
  // The keys the message has, read in one walk over them: a message has one or two of the seven
  // keys read here, and asking for each of the seven by name costs a generic property lookup
  // apiece (every kind of message has an object shape of its own).
  let serverContent: unknown;
  let voiceActivity: unknown;
  let toolCall: unknown;
  let cancellation: unknown;
  let update: unknown;
  let usage: unknown;
  let goAway: unknown;
  for (const key in m) {
    switch (key) {
      case 'serverContent':
        serverContent = m[key];
        break;
      case 'voiceActivity':
        voiceActivity = m[key];
        break;
      case 'toolCall':
        toolCall = m[key];
        break;
      case 'toolCallCancellation':
        cancellation = m[key];
        break;
      case 'sessionResumptionUpdate':
        update = m[key];
        break;
      case 'usageMetadata':
        usage = m[key];
        break;
      case 'goAway':
        goAway = m[key];
        break;
    }
  }
  // Actions are appended with `add`: the first makes an array of one, as most messages have one
  // action (an empty array that grows on its first push makes room for 17, for every message).
  let actions: ServerAction[] = [];
  // The content reader reads only `serverContent` and `voiceActivity`: it is given the message
  // itself (a copy of the two keys made an object per message, of a hidden class V8 may drop).
  if (serverContent !== undefined || voiceActivity !== undefined)
    actions = add(actions, { kind: 'content', message: m });
  actions = readToolCall(m, toolCall, actions);
  actions = readCancellation(cancellation, actions);
  if (isRecord(update)) actions = add(actions, { kind: 'resumption-update', update });
  else if (update !== undefined && update !== null)
    actions = add(actions, { kind: 'ignored', field: 'sessionResumptionUpdate', got: describeValue(update) });
  if (isRecord(usage)) actions = add(actions, { kind: 'usage', usage });
  else if (usage !== undefined && usage !== null)
    actions = add(actions, { kind: 'ignored', field: 'usageMetadata', got: describeValue(usage) });
  actions = readGoAway(goAway, actions);
  return actions;
}

/** `actions` with `action` appended: an array of one made for the first (see `readServerMessage`). */
function add(actions: ServerAction[], action: ServerAction): ServerAction[] {
  if (actions.length === 0) return [action];
  actions.push(action);
  return actions;
}

function readToolCall(
  message: WireServerMessage,
  toolCall: unknown,
  actions: ServerAction[],
): ServerAction[] {
  if (toolCall === undefined || toolCall === null) return actions;
  if (!isRecord(toolCall))
    return add(actions, { kind: 'malformed', field: 'toolCall', got: describeValue(toolCall) });
  const calls = toolCall.functionCalls;
  if (calls === undefined || calls === null) return actions;
  if (!Array.isArray(calls)) {
    // A single value that is not an object is read as a list of one call, which the runner
    // logs as unanswerable; an object (not a list) is malformed.
    return typeof calls !== 'object'
      ? add(actions, { kind: 'tool-calls', calls: [calls as WireFunctionCall], message })
      : add(actions, { kind: 'malformed', field: 'toolCall.functionCalls', got: describeValue(calls) });
  }
  return calls.length > 0
    ? add(actions, { kind: 'tool-calls', calls: calls as WireFunctionCall[], message })
    : actions;
}

function readCancellation(cancellation: unknown, actions: ServerAction[]): ServerAction[] {
  if (cancellation === undefined || cancellation === null) return actions;
  if (!isRecord(cancellation)) {
    return add(actions, {
      kind: 'malformed',
      field: 'toolCallCancellation',
      got: describeValue(cancellation),
    });
  }
  const ids = cancellation.ids;
  if (ids === undefined || ids === null) return actions;
  if (!Array.isArray(ids)) {
    return add(actions, { kind: 'malformed', field: 'toolCallCancellation.ids', got: describeValue(ids) });
  }
  const good = ids.filter((id): id is string => typeof id === 'string');
  let out = good.length > 0 ? add(actions, { kind: 'cancellation', ids: good }) : actions;
  if (good.length < ids.length) {
    const bad = ids.find((id) => typeof id !== 'string');
    out = add(out, { kind: 'malformed', field: 'toolCallCancellation.ids[]', got: describeValue(bad) });
  }
  return out;
}

function readGoAway(goAway: unknown, actions: ServerAction[]): ServerAction[] {
  if (goAway === undefined || goAway === null || goAway === false) return actions;
  const timeLeft: unknown = isRecord(goAway) ? goAway.timeLeft : undefined;
  let out = actions;
  if (timeLeft !== undefined && typeof timeLeft !== 'string') {
    out = add(out, { kind: 'ignored', field: 'goAway.timeLeft', got: describeValue(timeLeft) });
  }
  const text = typeof timeLeft === 'string' ? timeLeft : undefined;
  return add(out, { kind: 'go-away', timeLeft: text, timeLeftMs: durationToMs(text) });
}
