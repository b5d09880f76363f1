import type { CancelSource, LivetoolsError } from '../errors.js';
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
  | ToolEndEvent
  | ResponseErrorEvent;
