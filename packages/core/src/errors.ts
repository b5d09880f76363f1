/**
 * Error classes thrown or reported by livetools. Every error has a stable `code` and a marker so
 * it is recognised across duplicate copies of the package (`LivetoolsError.isInstance`).
 *
 * @packageDocumentation
 */

const marker = Symbol.for('livetools.error');

/** Stable codes of every error livetools raises. */
export type LivetoolsErrorCode =
  | 'TOOL_DEFINITION'
  | 'INVALID_ARGUMENTS'
  | 'UNKNOWN_TOOL'
  | 'DUPLICATE_CALL'
  | 'TOOL_EXECUTION'
  | 'CALL_CANCELLED'
  | 'STOP_NOTHING_MATCHED'
  | 'SCHEDULER_DISPOSED'
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_REFUSED'
  | 'CONNECTION_CLOSED'
  | 'UNSUPPORTED_DELIVERY'
  | 'SESSION_CLOSED'
  | 'TRACING_UNAVAILABLE'
  | 'INCOMPATIBLE_PACKAGE';

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
    Object.defineProperty(this, marker, { value: true });
  }

  /** True when `error` is a livetools error, even one created by another copy of the package. */
  static isInstance(error: unknown): error is LivetoolsError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** A tool definition is invalid (bad name, missing schema, reserved name, duplicate name). */
export class ToolDefinitionError extends LivetoolsError {
  constructor(message: string) {
    super('TOOL_DEFINITION', message);
    this.name = 'ToolDefinitionError';
  }
}

/** One problem found while validating a call's arguments. */
export interface ArgumentIssue {
  /** Dotted path of the offending argument (`''` for the whole object). */
  readonly path: string;
  /** What is wrong with it. */
  readonly message: string;
}

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
    this.issues = issues;
  }
}

/** The model called a function that is not declared in this session. */
export class UnknownToolError extends LivetoolsError {
  constructor(name: string, known: readonly string[]) {
    super(
      'UNKNOWN_TOOL',
      `There is no tool named "${name}". Available tools: ${known.length ? known.join(', ') : '(none)'}.`,
    );
    this.name = 'UnknownToolError';
  }
}

/** A call was refused by the tool's `onDuplicate: 'reject'` policy. */
export class DuplicateCallError extends LivetoolsError {
  constructor(name: string, runningIds: readonly string[]) {
    super(
      'DUPLICATE_CALL',
      `${name} is already running (call ${runningIds.join(', ')}) and accepts one call at a time. ` +
        'Stop it with stop_streaming first, or keep using its results.',
    );
    this.name = 'DuplicateCallError';
  }
}

/** A tool failed: it threw, its Observable errored or its Promise rejected. */
export class ToolExecutionError extends LivetoolsError {
  constructor(toolName: string, cause: unknown) {
    super('TOOL_EXECUTION', `${toolName} failed: ${describeError(cause)}`, { cause });
    this.name = 'ToolExecutionError';
  }
}

/** Who or what cancelled a call. */
export type CancelSource =
  | 'model'
  | 'server'
  | 'interruption'
  | 'session-end'
  | 'application'
  | 'replaced'
  | 'max-duration';

/** The reason given to a call's `ctx.signal` when the call is cancelled. */
export class CallCancelledError extends LivetoolsError {
  /** Who cancelled the call. */
  readonly by: CancelSource;

  constructor(callId: string, by: CancelSource) {
    super('CALL_CANCELLED', `Call ${callId} was cancelled (${by}).`);
    this.name = 'CallCancelledError';
    this.by = by;
  }
}

/** Turns anything thrown into a readable one-line message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
