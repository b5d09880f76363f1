/**
 * Error classes thrown or reported by livetools. Every error has a stable `code`, and every class
 * marks its instances with `Symbol.for('livetools.error.<ClassName>')` (see `error-marker.ts`), so
 * its own static `isInstance` recognises them across duplicate copies of the package:
 * `ToolDefinitionError.isInstance` is true for tool definition errors only, `LivetoolsError.isInstance`
 * for every livetools error.
 *
 * @packageDocumentation
 */

import { errorMarker, hasErrorMarker, markError } from './error-marker.js';

const marker = errorMarker('LivetoolsError');

/** Stable codes of every error livetools raises. */
export type LivetoolsErrorCode =
  | 'TOOL_DEFINITION'
  | 'INVALID_ARGUMENTS'
  | 'UNKNOWN_TOOL'
  | 'DUPLICATE_CALL'
  | 'TOOL_EXECUTION'
  | 'UNSERIALIZABLE_VALUE'
  | 'INVALID_MEDIA'
  | 'CALL_CANCELLED'
  | 'STOP_NOTHING_MATCHED'
  | 'RUNNER_DISPOSED'
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_REFUSED'
  | 'SEND_FAILED'
  | 'INVALID_OPTION'
  | 'UNSUPPORTED_DELIVERY'
  | 'SESSION_CLOSED'
  | 'TRACING_UNAVAILABLE'
  | 'INCOMPATIBLE_PACKAGE'
  | 'MALFORMED_FRAME'
  | 'OUTPUT_CONTRACT';

/**
 * Base class of every livetools error.
 *
 * @example
 * ```ts
 * try {
 *   defineStreamingTool({ name: 'bad name', description: '', parameters: z.object({}), execute: () => [] });
 * } catch (error) {
 *   if (LivetoolsError.isInstance(error)) console.log(error.code); // 'TOOL_DEFINITION'
 * }
 * ```
 */
export class LivetoolsError extends Error {
  /** A stable, machine-readable code. */
  readonly code: LivetoolsErrorCode;

  constructor(code: LivetoolsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LivetoolsError';
    this.code = code;
    markError(this, marker);
  }

  /** True when `error` is a livetools error, even one created by another copy of the package. */
  static isInstance(error: unknown): error is LivetoolsError {
    return hasErrorMarker(error, marker);
  }
}

const toolDefinitionErrorMarker = errorMarker('ToolDefinitionError');

/** A tool definition is invalid (bad name, missing schema, reserved name, duplicate name). */
export class ToolDefinitionError extends LivetoolsError {
  constructor(message: string) {
    super('TOOL_DEFINITION', message);
    this.name = 'ToolDefinitionError';
    markError(this, toolDefinitionErrorMarker);
  }

  /** True when `error` is a `ToolDefinitionError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is ToolDefinitionError {
    return hasErrorMarker(error, toolDefinitionErrorMarker);
  }
}

/** One problem found while validating a call's arguments. */
export interface ArgumentIssue {
  /** Dotted path of the offending argument (`''` for the whole object). */
  readonly path: string;
  /** What is wrong with it. */
  readonly message: string;
}

const toolArgumentsErrorMarker = errorMarker('ToolArgumentsError');

/** The model called a tool with arguments that do not match its schema. The tool never starts. */
export class ToolArgumentsError extends LivetoolsError {
  /** Every problem the schema reported. */
  readonly issues: readonly ArgumentIssue[];

  constructor(toolName: string, issues: readonly ArgumentIssue[]) {
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(
      'INVALID_ARGUMENTS',
      `Invalid arguments for ${toolName}: ${list}. Call it again with corrected arguments.`,
    );
    this.name = 'ToolArgumentsError';
    markError(this, toolArgumentsErrorMarker);
    this.issues = issues;
  }

  /** True when `error` is a `ToolArgumentsError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is ToolArgumentsError {
    return hasErrorMarker(error, toolArgumentsErrorMarker);
  }
}

const unknownToolErrorMarker = errorMarker('UnknownToolError');

/** The model called a function that is not declared in this session. */
export class UnknownToolError extends LivetoolsError {
  constructor(name: string, known: readonly string[]) {
    super(
      'UNKNOWN_TOOL',
      `There is no tool named "${name}". Available tools: ${known.length ? known.join(', ') : '(none)'}.`,
    );
    this.name = 'UnknownToolError';
    markError(this, unknownToolErrorMarker);
  }

  /** True when `error` is an `UnknownToolError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is UnknownToolError {
    return hasErrorMarker(error, unknownToolErrorMarker);
  }
}

const duplicateCallErrorMarker = errorMarker('DuplicateCallError');

/** A call was refused by the tool's `onDuplicate: 'reject'` policy. */
export class DuplicateCallError extends LivetoolsError {
  constructor(name: string, runningIds: readonly string[]) {
    super(
      'DUPLICATE_CALL',
      `${name} is already running (call ${runningIds.join(', ')}) and accepts one call at a time. ` +
        'Stop it with stop_streaming first, or keep using its results.',
    );
    this.name = 'DuplicateCallError';
    markError(this, duplicateCallErrorMarker);
  }

  /** True when `error` is a `DuplicateCallError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is DuplicateCallError {
    return hasErrorMarker(error, duplicateCallErrorMarker);
  }
}

const toolExecutionErrorMarker = errorMarker('ToolExecutionError');

/** A tool failed: it threw, its Observable errored or its Promise rejected. */
export class ToolExecutionError extends LivetoolsError {
  constructor(toolName: string, cause: unknown) {
    super('TOOL_EXECUTION', `${toolName} failed: ${describeError(cause)}`, { cause });
    this.name = 'ToolExecutionError';
    markError(this, toolExecutionErrorMarker);
  }

  /** True when `error` is a `ToolExecutionError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is ToolExecutionError {
    return hasErrorMarker(error, toolExecutionErrorMarker);
  }
}

const unserializableValueErrorMarker = errorMarker('UnserializableValueError');

/**
 * A tool produced a value JSON cannot carry (a BigInt, a cycle, NaN, a Map, a function, ...); see
 * the streaming-tools guide for the full rule. A one-shot tool's result refused this way becomes the
 * call's error response; a streaming tool's intermediate value is not sent and is reported as a
 * `tool-result-refused` event, and the call goes on.
 *
 * @example
 * ```ts
 * session.events$.subscribe((e) => {
 *   if (e.type === 'tool-result-refused') console.warn(e.error.path, e.error.problem);
 * });
 * ```
 */
export class UnserializableValueError extends LivetoolsError {
  /** Where the value is, from `result` (the whole value): `result.orders[3].id`. */
  readonly path: string;
  /** What is wrong with it: `is a BigInt`, `refers back to result (a cycle)`, ... */
  readonly problem: string;

  constructor(toolName: string, path: string, problem: string, hint: string) {
    super(
      'UNSERIALIZABLE_VALUE',
      `${toolName} produced a value JSON cannot carry: ${path} ${problem}. ${hint}`,
    );
    this.name = 'UnserializableValueError';
    markError(this, unserializableValueErrorMarker);
    this.path = path;
    this.problem = problem;
  }

  /** True when `error` is an `UnserializableValueError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is UnserializableValueError {
    return hasErrorMarker(error, unserializableValueErrorMarker);
  }
}

/**
 * Who or what cancelled a call: `model` (`stop_streaming`), `server` (`toolCallCancellation`),
 * `interruption` (the user spoke over a tool with `interruption: 'cancel'`), `session-end`,
 * `application` (`session.stopCalls`), `replaced` (`onDuplicate: 'replace'`), `max-duration`,
 * and `handoff` (the session was handed over to a new Live session and the tool says
 * `onHandoff: 'end'`). See the cancellation guide.
 */
export type CancelSource =
  | 'model'
  | 'server'
  | 'interruption'
  | 'session-end'
  | 'application'
  | 'replaced'
  | 'max-duration'
  | 'handoff';

/** What the message of a {@link CallCancelledError} adds after the source, when it needs saying. */
const CANCEL_DETAIL: Partial<Record<CancelSource, string>> = {
  handoff: ': the session was handed over to a new Live session and this tool ends at a handoff',
};

const callCancelledErrorMarker = errorMarker('CallCancelledError');

/** The reason given to a call's `ctx.signal` when the call is cancelled. */
export class CallCancelledError extends LivetoolsError {
  /** Who cancelled the call. */
  readonly by: CancelSource;

  constructor(callId: string, by: CancelSource) {
    super('CALL_CANCELLED', `Call ${callId} was cancelled (${by})${CANCEL_DETAIL[by] ?? ''}.`);
    this.name = 'CallCancelledError';
    markError(this, callCancelledErrorMarker);
    this.by = by;
  }

  /** True when `error` is a `CallCancelledError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is CallCancelledError {
    return hasErrorMarker(error, callCancelledErrorMarker);
  }
}

/** Longest message {@link describeError} returns; longer descriptions are cut with an ellipsis. */
const MAX_DESCRIPTION = 500;

/**
 * Turns anything thrown into a readable one-line message. Never throws, whatever it is given
 * (a null-prototype object, an object whose `toString` or getters throw, a Proxy whose traps throw,
 * a revoked Proxy, a Symbol, a BigInt, a cycle), and never returns more than 500 characters.
 *
 * @example
 * ```ts
 * describeError(new Error('feed unavailable')); // 'feed unavailable'
 * describeError(Object.assign(Object.create(null), { code: 42 })); // '{"code":42}'
 * ```
 */
export function describeError(error: unknown): string {
  let text: string;
  try {
    text = describeUnsafely(error);
  } catch {
    text = fallbackDescription(error);
  }
  if (text === '') text = fallbackDescription(error);
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
}

function describeUnsafely(error: unknown): string {
  switch (typeof error) {
    case 'string':
      return error;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return error.toString();
    case 'bigint':
    case 'number':
    case 'boolean':
      return `${error}`;
    case 'function':
      return `a function${error.name ? ` (${error.name})` : ''}`;
  }
  if (error === null) return 'null';
  if (error instanceof Error) {
    const message: unknown = error.message;
    if (typeof message === 'string' && message !== '') return message;
    const name: unknown = error.name;
    return typeof name === 'string' && name !== '' ? name : 'an Error without a message';
  }
  try {
    const json = JSON.stringify(error);
    if (json !== undefined && json !== '{}') return json;
  } catch {
    // a BigInt, a cycle, a throwing getter or toJSON: try its own string form
  }
  const own: unknown = String(error);
  return typeof own === 'string' ? own : fallbackDescription(error);
}

/** What is left to say about a value that resists every other description. */
function fallbackDescription(error: unknown): string {
  try {
    return `an unreadable ${Object.prototype.toString.call(error).slice(8, -1)}`;
  } catch {
    return 'an unreadable value (a revoked Proxy?)';
  }
}
