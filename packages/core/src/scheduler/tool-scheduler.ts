import {
  asyncScheduler,
  defer,
  from,
  type Observable,
  of,
  type SchedulerLike,
  Subject,
  takeUntil,
} from 'rxjs';
import {
  CallCancelledError,
  type CancelSource,
  DuplicateCallError,
  describeError,
  LivetoolsError,
  ToolDefinitionError,
  ToolExecutionError,
  UnknownToolError,
  type UnserializableValueError,
} from '../errors.js';
import { childLogger, type PinoLikeLogger, safeLogger } from '../logger.js';
import type { LiveFunctionCall, LiveFunctionResponse, ResponseSink } from '../protocol/function-calls.js';
import type { Logger, ToolContext, ToolInputStreams } from '../tool/context.js';
import type { AnyTool, LiveFunctionDeclaration, StreamingTool } from '../tool/define-tool.js';
import { STOP_STREAMING } from '../tool/function-name.js';
import { type ValidationOutcome, validateArguments } from '../tool/schema.js';
import { ArrivalLines } from './arrival-lines.js';
import {
  type CallRecord,
  describeReturn,
  isObservableInput,
  isPromiseLike,
  jsonLength,
  metricsOf,
  NO_INPUT,
  type Phase,
  queuedFirst,
  STOP_SCHEDULING,
  toPayload,
} from './call-record.js';
import { coalesce, type ScheduledValue } from './coalesce.js';
import { DEFAULT_ENDED_CALL_MEMORY, EndedCallIds } from './ended-calls.js';
import type { CallState, ToolEvent } from './events.js';
import { createStopStreamingTool, type StoppedCall } from './stop-streaming-tool.js';
import { wireSafeEmissions, wireSafeResult } from './wire-safe-emissions.js';

/** Options of {@link ToolScheduler}. */
export interface ToolSchedulerOptions {
  /** The tools the model may call. Names must be unique. */
  readonly tools: readonly AnyTool[];
  /** Where function responses go. */
  readonly sink: ResponseSink;
  /** The RxJS scheduler for every timer (max duration, min interval). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Realtime input published to tools as `ctx.input`. Default: streams that never emit. */
  readonly input?: ToolInputStreams;
  /**
   * Measure the JSON length of every response sent (the `bytes` of `tool-result` events and of call
   * metrics). Off by default: it serialises each response once more, which roughly doubles the
   * scheduler's own cost per result.
   */
  readonly measureBytes?: boolean;
  /** Where diagnostics go, redacted (see `redactLogData`); a pino logger is adapted. Default: nowhere. */
  readonly logger?: Logger | PinoLikeLogger;
  /**
   * How many ended call ids the scheduler remembers, so that a call reusing one is ignored (logged)
   * instead of run and answered a second time: every id gets one final response per session.
   * Past this many, the oldest ids are forgotten first. Default 10,000 (about 1 MB at most).
   */
  readonly endedCallMemory?: number;
}

/** A snapshot of one active call. */
export interface CallInfo {
  /** The call id. */
  readonly callId: string;
  /** The function name. */
  readonly name: string;
  /** Where the call is in its life. */
  readonly state: CallState;
  /** Its arguments: as written by the model while validating, validated afterwards. */
  readonly args: unknown;
  /** When the call arrived (scheduler time, ms). */
  readonly receivedAt: number;
  /** How many results it has sent so far. */
  readonly results: number;
}

/** What to stop: one call by id, or every call of a function. */
export type StopTarget =
  | {
      /** Stop the call with this id. */
      readonly callId: string;
    }
  | {
      /** Stop every call of the function with this name. */
      readonly name: string;
    };

/**
 * Runs tool calls for one live session: validates arguments, starts tools, routes every result to
 * its call id, applies each tool's policies and handles cancellation from every source. It speaks
 * to the network only through a {@link ResponseSink}, so it can be driven and tested without one.
 *
 * @example
 * ```ts
 * const scheduler = new ToolScheduler({ tools: [countdown], sink: { send: (r) => session.sendToolResponse({ functionResponses: [...r] }) } });
 * scheduler.handleToolCall([{ id: 'call-1', name: 'countdown', args: { n: 3 } }]);
 * scheduler.handleCancellation(['call-1']);
 * scheduler.dispose();
 * ```
 */
export class ToolScheduler {
  /** Every lifecycle event of every call. Hot: subscribe before feeding calls. Completes on dispose. */
  readonly events$: Observable<ToolEvent>;

  private readonly tools = new Map<string, AnyTool>();
  private readonly calls = new Map<string, CallRecord>();
  private readonly queues = new Map<string, CallRecord[]>();
  private readonly events = new Subject<ToolEvent>();
  private readonly sink: ResponseSink;
  private readonly scheduler: SchedulerLike;
  private readonly input: ToolInputStreams;
  private readonly measureBytes: boolean;
  private readonly logger: Logger;
  private readonly ended: EndedCallIds;
  /** Calls of `replace`, `reject` and `queue` tools, settled in arrival order. */
  private readonly lines = new ArrivalLines(
    (record) => this.settle(record, record.outcome!),
    () => this.disposed,
  );
  private disposed = false;

  constructor(options: ToolSchedulerOptions) {
    this.sink = options.sink;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.input = options.input ?? NO_INPUT;
    this.measureBytes = options.measureBytes === true;
    this.logger = safeLogger(options.logger);
    const memory = options.endedCallMemory ?? DEFAULT_ENDED_CALL_MEMORY;
    if (!Number.isSafeInteger(memory) || memory < 0) {
      throw new ToolDefinitionError(
        `\`endedCallMemory\` must be a whole number of call ids, 0 or more; got ${describeError(memory)}.`,
      );
    }
    this.ended = new EndedCallIds(memory);
    this.events$ = this.events.asObservable();
    for (const tool of options.tools) {
      if (this.tools.has(tool.name)) {
        throw new ToolDefinitionError(
          `Two tools are named "${tool.name}"; every tool in a session needs its own name.`,
        );
      }
      this.tools.set(tool.name, tool);
    }
    if ([...this.tools.values()].some((t) => t.kind === 'streaming')) {
      this.tools.set(
        STOP_STREAMING,
        createStopStreamingTool((target) => this.stopFromModel(target)),
      );
    }
  }

  /** Fresh function declarations of every tool, `stop_streaming` included when a streaming tool is present. */
  declarations(): LiveFunctionDeclaration[] {
    return [...this.tools.values()].map((t) => t.declaration());
  }

  /** The calls that are validating, queued or running, oldest first. */
  activeCalls(): CallInfo[] {
    return [...this.calls.values()].map((r) => ({
      callId: r.id,
      name: r.name,
      state: r.phase as CallState,
      args: r.args,
      receivedAt: r.receivedAt,
      results: r.results,
    }));
  }

  /** True once {@link dispose} has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Handles the function calls of one `toolCall` message, in order. Invalid and unknown calls are
   * answered with an error and never started.
   *
   * @throws {@link LivetoolsError} `SCHEDULER_DISPOSED` after {@link dispose}.
   */
  handleToolCall(calls: readonly LiveFunctionCall[]): void {
    this.assertAlive();
    for (const call of calls) this.receive(call);
  }

  /**
   * Handles the server's `toolCallCancellation`: the calls stop at once and nothing more is sent
   * for them. Unknown ids are ignored.
   */
  handleCancellation(ids: readonly string[]): void {
    const records: CallRecord[] = [];
    for (const id of ids) {
      const record = this.calls.get(id);
      if (record) records.push(record);
      else this.logger.debug('cancellation for an unknown or finished call ignored', { callId: id });
    }
    this.lines.batch(() => {
      for (const record of queuedFirst(records)) this.cancel(record, 'server');
    });
  }

  /** Handles a user interruption: calls of tools with `interruption: 'cancel'` are stopped. */
  handleInterruption(): void {
    const records = [...this.calls.values()].filter(
      (r) => r.tool.kind === 'streaming' && r.tool.policies.interruption === 'cancel',
    );
    this.lines.batch(() => {
      for (const record of queuedFirst(records)) this.cancel(record, 'interruption');
    });
  }

  /**
   * Stops calls on the application's behalf: each gets a final response. Returns what was stopped
   * (empty when nothing matched).
   */
  stop(target: StopTarget): StoppedCall[] {
    return this.stopMatching(target, 'application');
  }

  /**
   * Ends the session's calls: every call is torn down synchronously and nothing more is sent.
   * `events$` completes. Safe to call twice.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const record of [...this.calls.values()]) this.cancel(record, 'session-end');
    this.queues.clear();
    this.lines.clear();
    this.events.complete();
  }

  private assertAlive(): void {
    if (this.disposed) {
      throw new LivetoolsError(
        'SCHEDULER_DISPOSED',
        'This tool scheduler was disposed: its session has ended.',
      );
    }
  }

  private now(): number {
    return this.scheduler.now();
  }

  private receive(call: LiveFunctionCall): void {
    if (typeof call !== 'object' || call === null) {
      this.logger.error('a function call that is not an object cannot be answered; ignored', {
        call: String(call),
      });
      return;
    }
    const id = call.id;
    const name = call.name ?? '';
    if (!id) {
      this.logger.error('a function call without an id cannot be answered; ignored', { name });
      return;
    }
    if (this.calls.has(id)) {
      this.logger.warn('a function call reused the id of an active call; ignored', { callId: id, name });
      return;
    }
    if (this.ended.has(id)) {
      // One final response per id: a second call with an ended id is never run nor answered.
      this.logger.warn('a function call reused the id of an ended call; ignored', { callId: id, name });
      return;
    }
    this.events.next({ type: 'tool-call', callId: id, name, args: call.args ?? {}, time: this.now() });
    const tool = this.tools.get(name);
    if (!tool) {
      const known = [...this.tools.keys()];
      this.reject(id, name, new UnknownToolError(name, known), true);
      return;
    }
    const record: CallRecord = {
      id,
      name,
      tool,
      receivedAt: this.now(),
      args: call.args ?? {},
      phase: 'validating',
      results: 0,
      refused: 0,
      bytes: 0,
      coalesced: 0,
      stop$: new Subject<void>(),
    };
    this.calls.set(id, record);
    const ordered = tool.kind === 'streaming' && tool.policies.onDuplicate !== 'allow';
    if (ordered) this.lines.join(record);
    const outcome = validateArguments(name, tool.parameters, call.args);
    const proceed = (o: ValidationOutcome): void => {
      if (record.phase !== 'validating') return; // cancelled while validating
      if (ordered) {
        record.outcome = o;
        this.lines.drain(name);
      } else {
        this.settle(record, o);
      }
    };
    if (outcome instanceof Promise) outcome.then(proceed);
    else proceed(outcome);
  }

  /** Admits a validated call, or answers an invalid one with its error. */
  private settle(record: CallRecord, o: ValidationOutcome): void {
    if (!o.ok) {
      this.calls.delete(record.id);
      record.phase = 'ended';
      this.reject(record.id, record.name, o.error, record.tool.kind === 'streaming', record.receivedAt);
      return;
    }
    record.args = o.value;
    this.admit(record);
  }

  /** Answers a call that never starts with an error, and ends it as failed. */
  private reject(
    id: string,
    name: string,
    error: LivetoolsError,
    streaming: boolean,
    receivedAt = this.now(),
  ): void {
    this.ended.add(id);
    const payload = toPayload(error) ?? { message: describeError(error), code: 'TOOL_EXECUTION' };
    const response: LiveFunctionResponse = streaming
      ? { id, name, response: { error: payload }, willContinue: false }
      : { id, name, response: { error: payload } };
    this.send([response]);
    const time = this.now();
    this.events.next({
      type: 'tool-end',
      callId: id,
      name,
      reason: 'failed',
      error,
      results: 0,
      metrics: metricsOf(
        { receivedAt, results: 0, coalesced: 0, bytes: this.measureBytes ? jsonLength(response) : 0 },
        time,
      ),
      time,
    });
  }

  private admit(record: CallRecord): void {
    const tool = record.tool;
    if (tool.kind === 'one-shot' || tool.policies.onDuplicate === 'allow') {
      this.start(record);
      return;
    }
    const running = [...this.calls.values()].filter(
      (r) => r !== record && r.name === record.name && (r.phase === 'running' || r.phase === 'queued'),
    );
    switch (tool.policies.onDuplicate) {
      case 'replace':
        for (const r of running) this.cancel(r, 'replaced');
        break;
      case 'reject':
        if (running.length > 0) {
          this.calls.delete(record.id);
          record.phase = 'ended';
          this.reject(
            record.id,
            record.name,
            new DuplicateCallError(
              record.name,
              running.map((r) => r.id),
            ),
            true,
            record.receivedAt,
          );
          return;
        }
        break;
      case 'queue':
        if (running.length > 0) {
          record.phase = 'queued';
          const queue = this.queues.get(record.name) ?? [];
          queue.push(record);
          this.queues.set(record.name, queue);
          this.events.next({
            type: 'tool-queued',
            callId: record.id,
            name: record.name,
            behind: running.map((r) => r.id),
            time: this.now(),
          });
          return;
        }
        break;
    }
    this.start(record);
  }

  private context(record: CallRecord): ToolContext {
    return {
      callId: record.id,
      toolName: record.name,
      get signal(): AbortSignal {
        if (record.abort === undefined) {
          record.abort = new AbortController();
          if (record.cancelledBy !== undefined)
            record.abort.abort(new CallCancelledError(record.id, record.cancelledBy));
        }
        return record.abort.signal;
      },
      input: this.input,
      logger: childLogger(this.logger, { tool: record.name, callId: record.id }),
      scheduler: this.scheduler,
    };
  }

  private start(record: CallRecord): void {
    record.phase = 'running';
    record.startedAt = this.now();
    const args = record.args as Record<string, unknown>;
    this.events.next({ type: 'tool-start', callId: record.id, name: record.name, args, time: this.now() });
    // A subscriber of events$ may have stopped the call on its tool-start: then it must not run.
    if ((record.phase as Phase) !== 'running') return;
    const ctx = this.context(record);
    const tool = record.tool;
    let source$: Observable<ScheduledValue | undefined>;
    if (tool.kind === 'streaming') {
      const { scheduling, minIntervalMs } = tool.policies;
      const raw$ = defer(() => {
        const result = tool.execute(args, ctx);
        if (!isObservableInput(result)) {
          throw new TypeError(
            `execute() must return an Observable, a Promise, an async iterable or an array; it returned ${describeReturn(result)}`,
          );
        }
        return from(result);
      }).pipe(wireSafeEmissions(record.name, scheduling, (error) => this.refuseResult(record, error)));
      source$ =
        minIntervalMs === undefined
          ? raw$
          : raw$.pipe(
              coalesce(minIntervalMs, this.scheduler, () => {
                record.coalesced += 1;
              }),
            );
      this.armDeadline(record, tool);
    } else {
      source$ = defer(() => {
        const result = tool.execute(args, ctx);
        return isPromiseLike(result) ? from(result) : of(result);
      }).pipe(wireSafeResult(record.name));
    }
    const subscription = source$.pipe(takeUntil(record.stop$)).subscribe({
      next: (v) => this.deliver(record, v),
      error: (error: unknown) => this.fail(record, error),
      complete: () => this.complete(record),
    });
    // A synchronous source may have completed, failed or been cancelled during subscribe().
    if ((record.phase as Phase) === 'ended') subscription.unsubscribe();
    else record.subscription = subscription;
  }

  /** Reports a streaming value JSON cannot carry (event and log); it is not sent nor counted. */
  private refuseResult(record: CallRecord, error: UnserializableValueError): void {
    if (record.phase !== 'running') return;
    record.refused += 1;
    this.logger.warn('a result JSON cannot carry was not sent', {
      tool: record.name,
      callId: record.id,
      path: error.path,
      problem: error.problem,
    });
    this.events.next({
      type: 'tool-result-refused',
      callId: record.id,
      name: record.name,
      error,
      time: this.now(),
    });
  }

  private armDeadline(record: CallRecord, tool: StreamingTool): void {
    const ms = tool.policies.maxDurationMs;
    if (ms === undefined) return;
    record.deadline = this.scheduler.schedule(() => this.cancel(record, 'max-duration'), ms);
  }

  private deliver(record: CallRecord, v: ScheduledValue | undefined): void {
    if (v === undefined || record.phase !== 'running') return; // undefined: refused by wireSafe
    record.results += 1;
    record.firstResultAt ??= this.now();
    const streaming = record.tool.kind === 'streaming';
    const bytes = this.sendFor(
      record,
      streaming
        ? {
            id: record.id,
            name: record.name,
            response: { output: v.value },
            willContinue: true,
            scheduling: v.scheduling,
          }
        : { id: record.id, name: record.name, response: { output: v.value } },
    );
    this.events.next({
      type: 'tool-result',
      callId: record.id,
      name: record.name,
      output: v.value,
      ...(streaming ? { scheduling: v.scheduling } : {}),
      sequence: record.results,
      bytes,
      time: this.now(),
    });
  }

  private complete(record: CallRecord): void {
    if (record.phase !== 'running') return;
    this.end(record);
    if (record.tool.kind === 'streaming') {
      this.sendFor(record, {
        id: record.id,
        name: record.name,
        response: { output: { status: 'completed', results: record.results } },
        willContinue: false,
        scheduling: record.tool.policies.completionScheduling,
      });
    }
    const time = this.now();
    this.events.next({
      type: 'tool-end',
      callId: record.id,
      name: record.name,
      reason: 'completed',
      results: record.results,
      metrics: metricsOf(record, time),
      time,
    });
    this.dequeue(record.name);
  }

  private fail(record: CallRecord, cause: unknown): void {
    if (record.phase !== 'running') return;
    this.end(record);
    let error = LivetoolsError.isInstance(cause) ? cause : new ToolExecutionError(record.name, cause);
    let payload = toPayload(error);
    if (payload === undefined) {
      // A look-alike of a livetools error whose fields cannot be read or sent: described instead.
      error = new ToolExecutionError(record.name, cause);
      payload = toPayload(error) ?? { message: error.message, code: error.code };
    }
    this.logger.warn('tool failed', { tool: record.name, callId: record.id, error: payload.message });
    const streaming = record.tool.kind === 'streaming';
    this.sendFor(
      record,
      streaming
        ? {
            id: record.id,
            name: record.name,
            response: { error: payload },
            willContinue: false,
            scheduling: 'WHEN_IDLE',
          }
        : { id: record.id, name: record.name, response: { error: payload } },
    );
    const time = this.now();
    this.events.next({
      type: 'tool-end',
      callId: record.id,
      name: record.name,
      reason: 'failed',
      error,
      results: record.results,
      metrics: metricsOf(record, time),
      time,
    });
    this.dequeue(record.name);
  }

  /** Marks a call ended and releases its resources (but not the AbortSignal: only cancellation aborts). */
  private end(record: CallRecord): void {
    record.phase = 'ended';
    this.calls.delete(record.id);
    this.ended.add(record.id);
    record.deadline?.unsubscribe();
    try {
      record.stop$.next();
      record.stop$.complete();
      record.subscription?.unsubscribe();
    } catch (error) {
      // A tool whose teardown throws: the call is over all the same.
      this.logger.warn('the teardown of a tool threw; ignored', {
        tool: record.name,
        callId: record.id,
        error: describeError(error),
      });
    }
  }

  /**
   * Cancels a call from `by`. The server and session end get no final response (the server gave up
   * on the call, or the socket is gone); every other source gets one with `willContinue: false`.
   */
  private cancel(record: CallRecord, by: CancelSource): boolean {
    if (record.phase === 'ended') return false;
    const wasQueued = record.phase === 'queued';
    const wasValidating = record.phase === 'validating';
    if (wasQueued) {
      const queue = this.queues.get(record.name);
      if (queue) queue.splice(queue.indexOf(record), 1);
    }
    const signalledAt = this.now();
    this.end(record);
    record.cancelToTeardownMs = this.now() - signalledAt;
    record.cancelledBy = by;
    record.abort?.abort(new CallCancelledError(record.id, by));
    if (by !== 'server' && by !== 'session-end') {
      this.sendFor(record, {
        id: record.id,
        name: record.name,
        response: { output: { status: 'stopped', reason: by, results: record.results } },
        willContinue: false,
        scheduling: STOP_SCHEDULING[by],
      });
    }
    const time = this.now();
    this.events.next({
      type: 'tool-end',
      callId: record.id,
      name: record.name,
      reason: 'cancelled',
      cancelledBy: by,
      results: record.results,
      metrics: metricsOf(record, time),
      time,
    });
    if (wasValidating) this.lines.drain(record.name);
    else if (!wasQueued && by !== 'session-end') this.dequeue(record.name);
    return true;
  }

  /** Starts the next queued call of `name` once no call of it is running. */
  private dequeue(name: string): void {
    if (this.disposed) return;
    const queue = this.queues.get(name);
    if (!queue || queue.length === 0) return;
    if ([...this.calls.values()].some((r) => r.name === name && r.phase === 'running')) return;
    const next = queue.shift()!;
    if (queue.length === 0) this.queues.delete(name);
    this.start(next);
  }

  private stopMatching(target: StopTarget, by: 'model' | 'application'): StoppedCall[] {
    const matches = [...this.calls.values()].filter(
      (r) =>
        r.tool.kind === 'streaming' &&
        r.phase !== 'ended' &&
        ('callId' in target ? r.id === target.callId : r.name === target.name),
    );
    const stopped: StoppedCall[] = [];
    this.lines.batch(() => {
      for (const r of queuedFirst(matches)) {
        if (this.cancel(r, by)) stopped.push({ call_id: r.id, function_name: r.name, results: r.results });
      }
    });
    return stopped;
  }

  private stopFromModel(target: { call_id?: string | undefined; function_name?: string | undefined }): {
    stopped: StoppedCall[];
    running: StoppedCall[];
  } {
    let stopped: StoppedCall[];
    if (target.call_id !== undefined) {
      const record = this.calls.get(target.call_id);
      stopped =
        record && (target.function_name === undefined || record.name === target.function_name)
          ? this.stopMatching({ callId: target.call_id }, 'model')
          : [];
    } else if (target.function_name !== undefined) {
      stopped = this.stopMatching({ name: target.function_name }, 'model');
    } else {
      stopped = [];
    }
    const running = [...this.calls.values()]
      .filter((r) => r.tool.kind === 'streaming')
      .map((r) => ({ call_id: r.id, function_name: r.name, results: r.results }));
    return { stopped, running };
  }

  /** Sends one response of a call, counting its bytes; returns them. */
  private sendFor(record: CallRecord, response: LiveFunctionResponse): number {
    const bytes = this.measureBytes ? jsonLength(response) : 0;
    record.bytes += bytes;
    this.send([response]);
    return bytes;
  }

  private send(responses: LiveFunctionResponse[]): void {
    try {
      this.sink.send(responses);
    } catch (error) {
      this.logger.error('sending function responses failed', { error: describeError(error) });
      this.events.next({
        type: 'response-error',
        callIds: responses.map((r) => r.id),
        error,
        time: this.now(),
      });
    }
  }
}
