import type { SchedulerLike } from 'rxjs';
import type { ResponseSink } from '../protocol/function-calls.js';
import type { Logger, ToolInputStreams } from '../tool/context.js';
import type { AnyTool } from '../tool/define-tool.js';
import type { ArrivalLines } from './arrival-lines.js';
import type { Broadcast } from './broadcast.js';
import type { CallRecord } from './call-record.js';
import type { EndedCallIds } from './ended-calls.js';
import type { ToolEvent } from './events.js';
import type { IdTable } from './id-table.js';

/**
 * @internal
 * What every room of the runner shares: the tools, the calls by id, the queues, the event
 * stream and the settings. {@link ToolRunner} owns one; the rooms (`call-intake`, `call-run`,
 * `call-output`, `call-stop`) are functions of it.
 */
export interface RunnerState {
  readonly tools: Map<string, AnyTool>;
  /** The calls that are validating, queued or running, in arrival order. */
  readonly calls: IdTable<CallRecord>;
  /** Calls of `queue` tools waiting for the running one, per tool. */
  readonly queues: Map<string, CallRecord[]>;
  readonly events: Broadcast<ToolEvent>;
  /** Publishes one event: on `events$`, then to the runner's `publish` option when given. */
  readonly publish: (event: ToolEvent) => void;
  /**
   * Called before a `tool-result` event is built: true when nobody would receive it, the result
   * having been counted where it counts (the session's metrics), so the event is not built.
   */
  readonly unheardResult: (callId: string, bytes: number) => boolean;
  readonly sink: ResponseSink;
  readonly scheduler: SchedulerLike;
  readonly input: ToolInputStreams;
  readonly measureBytes: boolean;
  /** False when the delivery cannot carry `FunctionResponse.parts`: media is left out and reported. */
  readonly mediaParts: boolean;
  readonly logger: Logger;
  readonly ended: EndedCallIds;
  /** Calls of `replace`, `reject` and `queue` tools, settled in arrival order. */
  readonly lines: ArrivalLines;
  disposed: boolean;
  /** True once a warning about media left out has been logged (once per runner; debug after). */
  mediaDropLogged: boolean;
}
