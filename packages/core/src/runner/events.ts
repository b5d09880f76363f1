import type { CancelSource, LivetoolsError, UnserializableValueError } from '../errors.js';
import type { InvalidMediaError } from '../tool/result-media.js';
import type { Scheduling } from '../tool/scheduling.js';

/** How a call ended. */
export type CallEndReason = 'completed' | 'failed' | 'cancelled';

/** The state of a call: `validating → (queued →) running → ended`. */
export type CallState = 'validating' | 'queued' | 'running';

/** Fields every call event carries. */
export interface CallEventBase {
  /** The call id given by the model. */
  readonly callId: string;
  /** The name of the tool called. */
  readonly toolName: string;
  /** When it happened, in the scheduler's clock (epoch ms with the default scheduler). */
  readonly time: number;
}

/** The model called a function; its arguments are being validated. */
export interface ToolCallEvent extends CallEventBase {
  /** Discriminant. */
  readonly type: 'tool-call';
  /** The arguments as the model wrote them. */
  readonly args: unknown;
}

/** A call waits for an earlier call of the same tool to end (`onDuplicate: 'queue'`). */
export interface ToolQueuedEvent extends CallEventBase {
  /** Discriminant. */
  readonly type: 'tool-queued';
  /** Ids of the calls ahead of it. */
  readonly behind: readonly string[];
}

/** A call's arguments were valid and the tool started. */
export interface ToolStartEvent extends CallEventBase {
  /** Discriminant. */
  readonly type: 'tool-start';
  /** The validated arguments (defaults and transforms applied). */
  readonly args: Record<string, unknown>;
}

/**
 * Measurements of one call, carried by its `tool-end` event. Times are in the scheduler's clock
 * (`ctx.scheduler.now()`: epoch ms by default, virtual time in tests).
 *
 * @example
 * ```ts
 * session.events$.subscribe((e) => {
 *   if (e.type === 'tool-end') console.log(e.toolName, e.metrics.timeToFirstResultMs, e.metrics.bytes);
 * });
 * ```
 */
export interface CallMetrics {
  /** When the call arrived. */
  readonly receivedAt: number;
  /**
   * When the tool started; absent when it never did (invalid, rejected, cancelled while validating
   * or queued). A call whose arguments validate in the turn it arrived (every synchronous schema)
   * and that starts at once has the time of its arrival: the clock is read once for both.
   */
  readonly startedAt?: number;
  /**
   * From arrival to the end of the call, in ms. A one-shot call that answers ends with its
   * result: its `tool-end` carries the time of its `tool-result`.
   */
  readonly durationMs: number;
  /** From the start of the tool to its first result, in ms; absent when it sent none. */
  readonly timeToFirstResultMs?: number;
  /** Results sent (the same as the event's `results`). */
  readonly results: number;
  /** Emissions merged into a later one by the tool's `minIntervalMs` (never sent on their own). */
  readonly coalesced: number;
  /**
   * Intermediate results dropped by the session's bound while they waited for a connection or for
   * the resumption handle that covers them (`bufferedResultsPerCall`). Always 0 for a bare `ToolRunner`.
   */
  readonly dropped: number;
  /**
   * Intermediate values refused because JSON cannot carry them (a BigInt, a cycle, NaN, ...): never
   * sent nor counted in `results`; each was reported by a `tool-result-refused` event.
   */
  readonly refused: number;
  /**
   * Length of the JSON of every response sent for the call, final response included, when the
   * runner measures bytes (`measureBytes`; off by default, since it serialises each response once
   * more); 0 otherwise.
   */
  readonly bytes: number;
  /**
   * For cancelled calls: from the cancel signal (the server's cancellation, `stop_streaming`, the
   * application's stop, ...) until the tool's upstream was unsubscribed, in ms.
   */
  readonly cancelToTeardownMs?: number;
}

/** A tool produced a result, which was sent to the model. */
export interface ToolResultEvent extends CallEventBase {
  /** Discriminant. */
  readonly type: 'tool-result';
  /** The value sent as `response.output`. */
  readonly output: unknown;
  /** The scheduling it was sent with (absent for one-shot tools). */
  readonly scheduling?: Scheduling;
  /** 1 for the first result of the call, 2 for the next, ... */
  readonly sequence: number;
  /** Length of the JSON of the response sent, when the runner measures bytes (`measureBytes`); 0 otherwise. */
  readonly bytes: number;
  /** The media attached with `withMedia`, and whether it went; absent when the result had none. */
  readonly media?: ResultMediaReport;
}

/**
 * The media of one result, as its `tool-result` event reports it.
 *
 * @example
 * ```ts
 * session.events$.subscribe((e) => {
 *   if (e.type === 'tool-result' && e.media?.sent === false) console.warn('media left out', e.media.mimeTypes);
 * });
 * ```
 */
export interface ResultMediaReport {
  /** The media types of the parts, in order. */
  readonly mimeTypes: readonly string[];
  /** Their size, decoded, in bytes. */
  readonly bytes: number;
  /**
   * `true` when they went as `FunctionResponse.parts`; `false` when the session's delivery cannot
   * carry parts (`client-content`): the value went alone.
   */
  readonly sent: boolean;
}

/**
 * A streaming tool emitted a value JSON cannot carry, or media that cannot be sent: it was not sent
 * (nor counted in `results`), and the call goes on. `error.code` says which (`UNSERIALIZABLE_VALUE`,
 * `INVALID_MEDIA`); `error.path` and `error.problem` say what was wrong (`result.orders[3].id`,
 * `is a BigInt`; `media[0].data`, `is not base64`). A one-shot tool's refused result fails the call
 * instead.
 */
export interface ToolResultRefusedEvent extends CallEventBase {
  /** Discriminant. */
  readonly type: 'tool-result-refused';
  /** Why the value was refused, with its path. */
  readonly error: UnserializableValueError | InvalidMediaError;
}

/** Fields of every `tool-end` event, whatever the reason. */
export interface ToolEndEventBase extends CallEventBase {
  /** Discriminant. */
  readonly type: 'tool-end';
  /** How it ended. */
  readonly reason: CallEndReason;
  /** How many results it sent. */
  readonly results: number;
  /** Measurements of the call: timings, bytes, coalesced and dropped emissions. */
  readonly metrics: CallMetrics;
}

/** A call ended on its own: a one-shot tool returned, a streaming tool completed. */
export interface ToolCompletedEvent extends ToolEndEventBase {
  /** How it ended. */
  readonly reason: 'completed';
  /** Never set: the call was not cancelled. */
  readonly cancelledBy?: never;
  /** Never set: the call did not fail. */
  readonly error?: never;
}

/** A call was cancelled: by the server, the model (`stop_streaming`), the application, a policy... */
export interface ToolCancelledEvent extends ToolEndEventBase {
  /** How it ended. */
  readonly reason: 'cancelled';
  /** Who cancelled it. */
  readonly cancelledBy: CancelSource;
  /** Never set: the call did not fail. */
  readonly error?: never;
}

/** A call failed: invalid arguments, an unknown tool, a tool that threw or errored, a refused result... */
export interface ToolFailedEvent extends ToolEndEventBase {
  /** How it ended. */
  readonly reason: 'failed';
  /** Why it failed. */
  readonly error: LivetoolsError;
  /** Never set: the call was not cancelled. */
  readonly cancelledBy?: never;
}

/**
 * A call ended. Exactly one per call. Narrowed on `reason`, `cancelledBy` is always there for
 * `cancelled` and `error` for `failed`; the other members never carry them.
 *
 * @example
 * ```ts
 * session.events$.subscribe((e) => {
 *   if (e.type !== 'tool-end') return;
 *   if (e.reason === 'failed') console.warn(e.toolName, e.error.code);
 *   else if (e.reason === 'cancelled') console.info(e.toolName, 'cancelled by', e.cancelledBy);
 * });
 * ```
 */
export type ToolEndEvent = ToolCompletedEvent | ToolCancelledEvent | ToolFailedEvent;

/** The response sink threw while sending; the responses named here may not have reached the model. */
export interface ResponseErrorEvent {
  /** Discriminant. */
  readonly type: 'response-error';
  /** The calls whose responses were being sent. */
  readonly callIds: readonly string[];
  /** What the sink threw. */
  readonly error: unknown;
  /** When it happened, in the scheduler's clock. */
  readonly time: number;
}

/** Every event of the call lifecycle, as published on `ToolRunner.events$`. */
export type ToolEvent =
  | ToolCallEvent
  | ToolQueuedEvent
  | ToolStartEvent
  | ToolResultEvent
  | ToolResultRefusedEvent
  | ToolEndEvent
  | ResponseErrorEvent;
