import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { describeError, LivetoolsError, ToolDefinitionError } from '../errors.js';
import { type PinoLikeLogger, safeLogger } from '../logger.js';
import type { ResponseSink } from '../protocol/function-calls.js';
import type { WireFunctionCall } from '../protocol/genai-like.js';
import type { Logger, ToolInputStreams } from '../tool/context.js';
import type { AnyTool, LiveFunctionDeclaration } from '../tool/define-tool.js';
import { STOP_STREAMING } from '../tool/function-name.js';
import { ArrivalLines } from './arrival-lines.js';
import { Broadcast } from './broadcast.js';
import { receive, settle } from './call-intake.js';
import { type CallRecord, NO_INPUT, queuedFirst } from './call-record.js';
import { cancel, type StopOptions, type StopTarget, stopFromModel, stopMatching } from './call-stop.js';
import { DEFAULT_ENDED_CALL_MEMORY, EndedCallIds } from './ended-calls.js';
import type { CallState, ToolEvent } from './events.js';
import { IdTable } from './id-table.js';
import type { RunnerState } from './runner-state.js';
import { createStopStreamingTool, type StoppedCall } from './stop-streaming-tool.js';

export type { StopOptions, StopTarget } from './call-stop.js';

/** Options of {@link ToolRunner}. */
export interface ToolRunnerOptions {
  /** The tools the model may call. Names must be unique. */
  readonly tools: readonly AnyTool[];
  /** Where function responses go. */
  readonly sink: ResponseSink;
  /** The RxJS scheduler for every timer (max duration, min interval). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Realtime input published to tools as `ctx.input`. Default: streams that never emit (a new
   * object for each runner, so that tools can tell runners apart by it).
   */
  readonly input?: ToolInputStreams;
  /**
   * Measure the JSON length of every response sent (the `bytes` of `tool-result` events and of call
   * metrics). Off by default: it serialises each response once more, which roughly doubles the
   * runner's own cost per result.
   */
  readonly measureBytes?: boolean;
  /** Where diagnostics go, redacted (see `redactLogData`); a pino logger is adapted. Default: nowhere. */
  readonly logger?: Logger | PinoLikeLogger;
  /**
   * How many ended call ids the runner remembers, so that a call reusing one is ignored (logged)
   * instead of run and answered a second time: every id gets one final response per session.
   * Past this many, the oldest ids are forgotten first. Default 10,000 (about 1 MB at most).
   */
  readonly endedCallMemory?: number;
  /**
   * Whether responses may carry media (`FunctionResponse.parts`, attached by tools with
   * `withMedia`). When false, as with `client-content` delivery, which cannot carry them, a
   * result's media is left out: the value is sent alone, its `tool-result` event reports the media
   * with `sent: false`, and a warning is logged. Default true.
   */
  readonly mediaParts?: boolean;
  /**
   * @internal
   * Receives every event, right after the subscribers of `events$` (when there are any): the live
   * session takes its scheduler's events into its own stream this way, without a Subject in
   * between for each result.
   */
  readonly publish?: (event: ToolEvent) => void;
  /**
   * @internal
   * With `publish`: asked before a `tool-result` event is built while `events$` has no
   * subscribers; true when `publish` would not pass it on to anyone, the result being counted
   * there already (the live session's metrics), so the runner builds no event.
   */
  readonly unheardResult?: (callId: string, bytes: number) => boolean;
}

/** A snapshot of one active call. */
export interface CallInfo {
  /** The call id. */
  readonly callId: string;
  /** The name of the tool called. */
  readonly toolName: string;
  /** Where the call is in its life. */
  readonly state: CallState;
  /** Its arguments: as written by the model while validating, validated afterwards. */
  readonly args: unknown;
  /** When the call arrived (scheduler time, ms). */
  readonly receivedAt: number;
  /** How many results it has sent so far. */
  readonly results: number;
}

/**
 * Runs tool calls for one live session: validates arguments, starts tools, routes every result to
 * its call id, applies each tool's policies and handles cancellation from every source. It speaks
 * to the network only through a {@link ResponseSink}, so it can be driven and tested without one.
 * (Its timers run on an RxJS scheduler, the `scheduler` option.)
 *
 * @example
 * ```ts
 * const runner = new ToolRunner({ tools: [countdown], sink: { send: (r) => session.sendToolResponse({ functionResponses: [...r] }) } });
 * runner.handleToolCall([{ id: 'call-1', name: 'countdown', args: { n: 3 } }]);
 * runner.handleCancellation(['call-1']);
 * runner.dispose();
 * ```
 */
export class ToolRunner {
  /** Every lifecycle event of every call. Hot: subscribe before feeding calls. Completes on dispose. */
  readonly events$: Observable<ToolEvent>;

  /** What the rooms of the runner share (`call-intake`, `call-run`, `call-output`, `call-stop`). */
  readonly #state: RunnerState;

  constructor(options: ToolRunnerOptions) {
    const memory = options.endedCallMemory ?? DEFAULT_ENDED_CALL_MEMORY;
    if (!Number.isSafeInteger(memory) || memory < 0) {
      throw new ToolDefinitionError(
        `\`endedCallMemory\` must be a whole number of call ids, 0 or more; got ${describeError(memory)}.`,
      );
    }
    const events = new Broadcast<ToolEvent>();
    const state: RunnerState = {
      tools: new Map<string, AnyTool>(),
      calls: new IdTable<CallRecord>(),
      queues: new Map<string, CallRecord[]>(),
      events,
      publish: publisher(events, options.publish),
      unheardResult: unheard(events, options.publish, options.unheardResult),
      sink: options.sink,
      scheduler: options.scheduler ?? asyncScheduler,
      // One object per runner: tools may key per-session state on `ctx.input`.
      input: options.input ?? { ...NO_INPUT },
      measureBytes: options.measureBytes === true,
      mediaParts: options.mediaParts !== false,
      logger: safeLogger(options.logger),
      ended: new EndedCallIds(memory),
      lines: new ArrivalLines(
        (record) => settle(state, record, record.outcome!),
        () => state.disposed,
      ),
      disposed: false,
      mediaDropLogged: false,
    };
    this.#state = state;
    this.events$ = state.events.observable;
    for (const tool of options.tools) {
      if (state.tools.has(tool.name)) {
        throw new ToolDefinitionError(
          `Two tools are named "${tool.name}"; every tool in a session needs its own name.`,
        );
      }
      state.tools.set(tool.name, tool);
    }
    if ([...state.tools.values()].some((t) => t.kind === 'streaming')) {
      state.tools.set(
        STOP_STREAMING,
        createStopStreamingTool((target) => stopFromModel(state, target)),
      );
    }
  }

  /** Fresh function declarations of every tool, `stop_streaming` included when a streaming tool is present. */
  declarations(): LiveFunctionDeclaration[] {
    return [...this.#state.tools.values()].map((t) => t.declaration());
  }

  /** The calls that are validating, queued or running, oldest first. */
  activeCalls(): CallInfo[] {
    return this.#state.calls.list().map((r) => ({
      callId: r.id,
      toolName: r.name,
      state: r.phase as CallState,
      args: r.args,
      receivedAt: r.receivedAt,
      results: r.results,
    }));
  }

  /** True once {@link dispose} has run. */
  get isDisposed(): boolean {
    return this.#state.disposed;
  }

  /**
   * Handles the function calls of one `toolCall` message, in order. Invalid and unknown calls are
   * answered with an error and never started.
   *
   * @throws {@link LivetoolsError} `RUNNER_DISPOSED` after {@link dispose}.
   */
  handleToolCall(calls: readonly WireFunctionCall[]): void {
    if (this.#state.disposed) {
      throw new LivetoolsError('RUNNER_DISPOSED', 'This tool runner was disposed: its session has ended.');
    }
    const state = this.#state;
    for (const call of calls) {
      // A subscriber of events$ may dispose the runner while a call of this message is taken in.
      if (state.disposed) return;
      receive(state, call);
    }
  }

  /**
   * Handles the server's `toolCallCancellation`: the calls stop at once and nothing more is sent
   * for them. Unknown ids are ignored.
   */
  handleCancellation(ids: readonly string[]): void {
    const state = this.#state;
    const records: CallRecord[] = [];
    for (const id of ids) {
      const record = state.calls.get(id);
      if (record) records.push(record);
      else state.logger.debug('cancellation for an unknown or finished call ignored', { callId: id });
    }
    state.lines.batch(() => {
      for (const record of queuedFirst(records)) cancel(state, record, 'server');
    });
  }

  /** Handles a user interruption: calls of tools with `interruption: 'cancel'` are stopped. */
  handleInterruption(): void {
    const state = this.#state;
    const records = state.calls
      .list()
      .filter((r) => r.tool.kind === 'streaming' && r.tool.policies.interruption === 'cancel');
    state.lines.batch(() => {
      for (const record of queuedFirst(records)) cancel(state, record, 'interruption');
    });
  }

  /**
   * Stops calls on the application's behalf: each gets a final response. Returns what was stopped
   * (empty when nothing matched). `options.by` names the source the calls are cancelled by:
   * `application` unless said otherwise; the session passes `handoff` for the calls of tools with
   * `onHandoff: 'end'` when it hands over to a new Live session.
   *
   * @example
   * ```ts
   * runner.stopCalls({ toolName: 'watch_ticker' }); // cancelledBy: 'application'
   * runner.stopCalls({ callId: 'c-1' }, { by: 'handoff' }); // cancelledBy: 'handoff'
   * ```
   */
  stopCalls(target: StopTarget, options?: StopOptions): StoppedCall[] {
    return stopMatching(this.#state, target, options?.by ?? 'application');
  }

  /**
   * Ends the session's calls: every call is torn down synchronously and nothing more is sent.
   * `events$` completes. Safe to call twice.
   */
  dispose(): void {
    const state = this.#state;
    if (state.disposed) return;
    state.disposed = true;
    for (const record of state.calls.list()) cancel(state, record, 'session-end');
    state.queues.clear();
    state.lines.clear();
    state.events.complete();
  }
}

/**
 * Whether a result's `tool-result` event would reach nobody: `events` has no subscribers and
 * `publish` (when given) says its side has none either (`unheardResult`).
 */
function unheard(
  events: Broadcast<ToolEvent>,
  publish: ((event: ToolEvent) => void) | undefined,
  unheardResult: ((callId: string, bytes: number) => boolean) | undefined,
): (callId: string, bytes: number) => boolean {
  if (publish === undefined) return () => !events.observed;
  if (unheardResult === undefined) return () => false;
  return (callId, bytes) => !events.observed && unheardResult(callId, bytes);
}

/** Publishes on `events` (skipped while nobody subscribes), then to `also` when given. */
function publisher(
  events: Broadcast<ToolEvent>,
  also: ((event: ToolEvent) => void) | undefined,
): (event: ToolEvent) => void {
  if (also === undefined) return (event) => events.next(event);
  return (event) => {
    if (events.observed) events.next(event);
    also(event);
  };
}
