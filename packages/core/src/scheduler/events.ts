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
  /** The function name. */
  readonly name: string;
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
 *   if (e.type === 'tool-end') console.log(e.name, e.metrics.timeToFirstResultMs, e.metrics.bytes);
 * });
 * ```
 */
export interface CallMetrics {
  /** When the call arrived. */
  readonly receivedAt: number;
  /** When the tool started; absent when it never did (invalid, rejected, cancelled while validating or queued). */
  readonly startedAt?: number;
  /** From arrival to the end of the call, in ms. */
  readonly durationMs: number;
  /** From the start of the tool to its first result, in ms; absent when it sent none. */
  readonly timeToFirstResultMs?: number;
  /** Results sent (the same as the event's `results`). */
  readonly results: number;
  /** Emissions merged into a later one by the tool's `minIntervalMs` (never sent on their own). */
  readonly coalesced: number;
  /**
   * Intermediate results dropped by the session's bound while they waited for a connection or for
   * the resumption handle that covers them (`bufferedResultsPerCall`). Always 0 for a bare `ToolScheduler`.
   */
  readonly dropped: number;
  /**
   * Intermediate values refused because JSON cannot carry them (a BigInt, a cycle, NaN, ...): never
   * sent nor counted in `results`; each was reported by a `tool-result-refused` event.
   */
  readonly refused: number;
  /**
   * Length of the JSON of every response sent for the call, final response included, when the
   * scheduler measures bytes (`measureBytes`; off by default, since it serialises each response once
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
  /** Length of the JSON of the response sent, when the scheduler measures bytes (`measureBytes`); 0 otherwise. */
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

/** A call ended. Exactly one per call. */
export interface ToolEndEvent extends CallEventBase {
  /** Discriminant. */
  readonly type: 'tool-end';
  /** How it ended. */
  readonly reason: CallEndReason;
  /** Who cancelled it, when `reason` is `cancelled`. */
  readonly cancelledBy?: CancelSource;
  /** Why it failed, when `reason` is `failed`. */
  readonly error?: LivetoolsError;
  /** How many results it sent. */
  readonly results: number;
  /** Measurements of the call: timings, bytes, coalesced and dropped emissions. */
  readonly metrics: CallMetrics;
}

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

/** Every event of the call lifecycle, as published on `ToolScheduler.events$`. */
export type ToolEvent =
  | ToolCallEvent
  | ToolQueuedEvent
  | ToolStartEvent
  | ToolResultEvent
  | ToolResultRefusedEvent
  | ToolEndEvent
  | ResponseErrorEvent;
