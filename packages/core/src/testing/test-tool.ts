import type { SchedulerLike } from 'rxjs';
import { describeError } from '../errors.js';
import type { PinoLikeLogger } from '../logger.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { CallEndReason, ToolEndEvent, ToolEvent, ToolStartEvent } from '../runner/events.js';
import { ToolRunner } from '../runner/tool-runner.js';
import type { Logger, ToolInputStreams } from '../tool/context.js';
import type { OneShotTool, StreamingTool, ToolOutput } from '../tool/define-tool.js';
import { checkToolOutput, type OutputIssue, ToolOutputError } from '../tool/output-contract.js';
import type { ParametersSchema } from '../tool/schema.js';
import { describeCall, describeResponses } from './describe-run.js';
import { realTimeout } from './real-time.js';
import { TestKitError } from './test-kit-error.js';

/** Options of {@link testTool}. */
export interface TestToolOptions {
  /**
   * The RxJS scheduler the call runs on (`ctx.scheduler`, the tool's policies' timers, event
   * times): a {@link VirtualClock} to step a tool that does I/O in virtual time, an RxJS
   * `TestScheduler` for a tool that does none. Default `asyncScheduler` (real time).
   */
  readonly scheduler?: SchedulerLike;
  /** The realtime input the tool sees as `ctx.input` (e.g. `Subject`s). Default: streams that never emit. */
  readonly input?: ToolInputStreams;
  /** The call id. Default `call-1`. */
  readonly callId?: string;
  /** Whether responses may carry media (`withMedia`), as `ToolRunner`'s option. Default true. */
  readonly mediaParts?: boolean;
  /** Where the runner's and the tool's diagnostics go (`ctx.logger`). Default: nowhere. */
  readonly logger?: Logger | PinoLikeLogger;
  /**
   * How long, in real ms, each wait of the run (`waitForCallStart`, `waitForResponses`, `next`,
   * `done`) waits before it rejects with a `TestKitError` of code `WAIT_TIMEOUT`. Default 2000.
   */
  readonly timeoutMs?: number;
  /**
   * Whether each result is checked against the tool's output contract (its `output` schema, when
   * it declares one) with `checkToolOutput`. A value outside it is recorded in `outputIssues`, and
   * every wait of the run then rejects with a `ToolOutputError` (code `OUTPUT_CONTRACT`) naming the
   * issues. Default true; pass false to test how a session copes with a tool that breaks its contract.
   */
  readonly checkOutput?: boolean;
}

/** A result of a {@link testTool} run that broke the tool's output contract. */
export interface ToolTestOutputIssue {
  /** Which result it was: 1 for the first, 2 for the next, ... */
  readonly sequence: number;
  /** The value sent (what the model received). */
  readonly output: unknown;
  /** Every issue found, with its path. */
  readonly issues: readonly OutputIssue[];
}

/** Options of one wait of a {@link ToolTestRun}. */
export interface ToolTestWaitOptions {
  /**
   * How long to wait, in real ms. Default: the run's `timeoutMs`. A negative or non-finite value
   * makes the wait reject with a `TestKitError` of code `INVALID_ARGUMENT`.
   */
  readonly timeoutMs?: number;
}

/** How a call run by {@link testTool} ended, as {@link ToolTestRun.done} reports it. */
export interface ToolTestEnd {
  /** `completed`, `failed` or `cancelled`. */
  readonly reason: CallEndReason;
  /** The call's `tool-end` event: who cancelled it, the error, its metrics. */
  readonly event: ToolEndEvent;
  /**
   * The response that ended the call, as the model got it: a streaming call's final response
   * (`willContinue: false`), a one-shot call's answer, or the error of either. `undefined` when
   * nothing was sent at the end (the server cancelled the call, or the run was disposed).
   */
  readonly final: LiveFunctionResponse | undefined;
  /** Every response the call sent, in order. */
  readonly responses: readonly LiveFunctionResponse[];
}

/**
 * One tool call run by {@link testTool} on a real `ToolRunner`, with no model and no socket.
 * The responses are exactly what the model would receive; the waits are event-driven and bounded
 * in real time, and reject with a {@link TestKitError} that lists what the call sent.
 */
export interface ToolTestRun<T = unknown> {
  /** The call id. */
  readonly callId: string;
  /** The name of the tool called. */
  readonly toolName: string;
  /**
   * Every function response sent for the call so far, as the model gets them: `response.output` or
   * `response.error`, `willContinue` and `scheduling` (streaming tools), `parts` (media).
   */
  readonly responses: readonly LiveFunctionResponse[];
  /** The values of the results sent so far (the `output` of each result; final responses left out). */
  readonly outputs: readonly ToolOutput<T>[];
  /**
   * The results that broke the tool's output contract (see `checkOutput`); empty when the tool
   * declares none or every value is within it.
   */
  readonly outputIssues: readonly ToolTestOutputIssue[];
  /** Every runner event of the call so far (`tool-call`, `tool-start`, `tool-result`, ...). */
  readonly events: readonly ToolEvent[];
  /** Whether the tool has started (its arguments were valid and `execute` was called). */
  readonly started: boolean;
  /** The `tool-end` event once the call has ended; `undefined` while it runs. */
  readonly end: ToolEndEvent | undefined;
  /**
   * Resolves with the `tool-start` event once the tool has started (at once if it has). Rejects with
   * `CALL_ENDED` when the call ended without starting (invalid arguments, say), `WAIT_TIMEOUT` after
   * `timeoutMs`.
   */
  waitForCallStart(options?: ToolTestWaitOptions): Promise<ToolStartEvent>;
  /**
   * Resolves with the first `count` responses once the call has sent that many (at once if it has).
   * Rejects with `CALL_ENDED` when the call ends with fewer, `WAIT_TIMEOUT` after `timeoutMs`.
   */
  waitForResponses(count: number, options?: ToolTestWaitOptions): Promise<readonly LiveFunctionResponse[]>;
  /**
   * Resolves with the next response not yet returned by `next()`: the first call returns the first
   * response, the second the second, and so on. Rejects as `waitForResponses`.
   */
  next(options?: ToolTestWaitOptions): Promise<LiveFunctionResponse>;
  /** Resolves once the call has ended, with how (at once if it has). Rejects with `WAIT_TIMEOUT`. */
  done(options?: ToolTestWaitOptions): Promise<ToolTestEnd>;
  /**
   * Stops the call as the application does (`ToolRunner.stop`): a streaming call gets its final
   * response (`status: 'stopped', reason: 'application'`). Returns false when it was not running.
   */
  stop(): boolean;
  /** Cancels the call as the server's `toolCallCancellation` does: it stops and nothing more is sent. */
  cancel(): void;
  /** A user interruption: the call stops if its tool has `interruption: 'cancel'`. */
  interrupt(): void;
  /** Ends the run: the call is torn down (`cancelledBy: 'session-end'`) and nothing more is sent. Safe to call twice. */
  dispose(): void;
  /** Same as {@link ToolTestRun.dispose}, for `using run = testTool(...)`. */
  [Symbol.dispose](): void;
}

/** What a wait checks on each change: a value to resolve with, a reason it can never be met, or `undefined` to keep waiting. */
type Verdict<R> = { readonly value: R } | { readonly impossible: string } | undefined;

interface Waiter {
  /** Settles the wait when the run's state allows; true when it did. */
  check(): boolean;
}

const DEFAULT_TIMEOUT_MS = 2000;

function checkTimeout(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TestKitError(
      'INVALID_ARGUMENT',
      `timeoutMs must be a finite number of ms, 0 or more; got ${String(value)}.`,
    );
  }
  return value;
}

class Run<T> implements ToolTestRun<T> {
  readonly callId: string;
  readonly toolName: string;
  readonly responses: LiveFunctionResponse[] = [];
  readonly outputs: ToolOutput<T>[] = [];
  readonly events: ToolEvent[] = [];
  readonly outputIssues: ToolTestOutputIssue[] = [];
  started = false;
  end: ToolEndEvent | undefined;
  readonly #runner: ToolRunner;
  readonly #streaming: boolean;
  readonly #tool: StreamingTool<ParametersSchema, T> | OneShotTool<ParametersSchema, T>;
  readonly #checkOutput: boolean;
  readonly #timeoutMs: number;
  readonly #waiters = new Set<Waiter>();
  #cursor = 0;

  constructor(
    tool: StreamingTool<ParametersSchema, T> | OneShotTool<ParametersSchema, T>,
    args: Readonly<Record<string, unknown>>,
    options: TestToolOptions,
  ) {
    this.callId = options.callId ?? 'call-1';
    this.toolName = tool.name;
    this.#streaming = tool.kind === 'streaming';
    this.#tool = tool;
    this.#checkOutput = options.checkOutput !== false && tool.output !== undefined;
    this.#timeoutMs = checkTimeout(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.#runner = new ToolRunner({
      tools: [tool],
      sink: { send: (responses) => this.#onResponses(responses) },
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.mediaParts === undefined ? {} : { mediaParts: options.mediaParts }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    this.#runner.events$.subscribe((event) => this.#onEvent(event));
    this.#runner.handleToolCall([{ id: this.callId, name: tool.name, args: { ...args } }]);
  }

  #onResponses(responses: readonly LiveFunctionResponse[]): void {
    for (const response of responses) if (response.id === this.callId) this.responses.push(response);
    this.#update();
  }

  #onEvent(event: ToolEvent): void {
    if (event.type === 'response-error' || event.callId !== this.callId) return;
    this.events.push(event);
    if (event.type === 'tool-start') this.started = true;
    else if (event.type === 'tool-result') this.#onResult(event.output, event.sequence);
    else if (event.type === 'tool-end') this.end = event;
    this.#update();
  }

  #onResult(output: unknown, sequence: number): void {
    this.outputs.push(output as ToolOutput<T>);
    if (!this.#checkOutput) return;
    let issues: readonly OutputIssue[];
    try {
      issues = checkToolOutput(this.#tool, output).issues;
    } catch (error) {
      // An asynchronous or throwing contract: reported through the waits, never thrown into the runner.
      issues = [{ path: '', message: describeError(error) }];
    }
    if (issues.length > 0) this.outputIssues.push({ sequence, output, issues });
  }

  #update(): void {
    for (const waiter of [...this.#waiters]) if (waiter.check()) this.#waiters.delete(waiter);
  }

  /** Waits until `verdict` gives a value (or says it never will), bounded by `timeoutMs` of real time. */
  #waitFor<R>(what: string, verdict: () => Verdict<R>, options: ToolTestWaitOptions | undefined): Promise<R> {
    let timeoutMs: number;
    try {
      timeoutMs = checkTimeout(options?.timeoutMs, this.#timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<R>((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const waiter: Waiter = {
        check: () => {
          const broken = this.outputIssues[0];
          if (broken !== undefined) {
            cancelTimer?.();
            reject(new ToolOutputError(this.toolName, broken.issues));
            return true;
          }
          const v = verdict();
          if (v === undefined) return false;
          cancelTimer?.();
          if ('value' in v) resolve(v.value);
          else {
            const call = describeCall(this.callId, this.toolName, this.started, this.end);
            reject(
              new TestKitError(
                'CALL_ENDED',
                `The ${call} ended before ${what}: ${v.impossible}; ${describeResponses(this.responses)}.`,
              ),
            );
          }
          return true;
        },
      };
      if (waiter.check()) return;
      this.#waiters.add(waiter);
      cancelTimer = realTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new TestKitError(
            'WAIT_TIMEOUT',
            `Timed out after ${timeoutMs} ms waiting for ${what} of the ${this.#describe()}. ` +
              'A tool that waits on a timer of a virtual clock or TestScheduler only goes on when the test ' +
              'moves that clock (clock.advanceBy).',
          ),
        );
      }, timeoutMs);
    });
  }

  #describe(): string {
    return `${describeCall(this.callId, this.toolName, this.started, this.end)}; ${describeResponses(this.responses)}`;
  }

  waitForCallStart(options?: ToolTestWaitOptions): Promise<ToolStartEvent> {
    return this.#waitFor(
      'the tool to start',
      () => {
        const start = this.events.find((e): e is ToolStartEvent => e.type === 'tool-start');
        if (start) return { value: start };
        if (this.end) return { impossible: 'the tool never started' };
        return undefined;
      },
      options,
    );
  }

  waitForResponses(count: number, options?: ToolTestWaitOptions): Promise<readonly LiveFunctionResponse[]> {
    if (!Number.isSafeInteger(count) || count < 0) {
      return Promise.reject(
        new TestKitError(
          'INVALID_ARGUMENT',
          `waitForResponses(count) takes a whole number; got ${String(count)}.`,
        ),
      );
    }
    return this.#waitFor(
      `${count} response(s)`,
      () => {
        if (this.responses.length >= count) return { value: this.responses.slice(0, count) };
        if (this.end) return { impossible: `it sent ${this.responses.length}` };
        return undefined;
      },
      options,
    );
  }

  next(options?: ToolTestWaitOptions): Promise<LiveFunctionResponse> {
    return this.#waitFor(
      `response #${this.#cursor + 1}`,
      () => {
        const response = this.responses[this.#cursor];
        if (response !== undefined) {
          this.#cursor += 1;
          return { value: response };
        }
        if (this.end) return { impossible: `it sent ${this.responses.length}` };
        return undefined;
      },
      options,
    );
  }

  done(options?: ToolTestWaitOptions): Promise<ToolTestEnd> {
    return this.#waitFor(
      'the call to end',
      () => (this.end ? { value: this.#outcome(this.end) } : undefined),
      options,
    );
  }

  #outcome(event: ToolEndEvent): ToolTestEnd {
    const last = this.responses.at(-1);
    // A streaming call's last response ends it only when it says so; a one-shot call's only one does.
    const final = last !== undefined && (!this.#streaming || last.willContinue === false) ? last : undefined;
    return { reason: event.reason, event, final, responses: [...this.responses] };
  }

  stop(): boolean {
    if (this.#runner.isDisposed) return false;
    return this.#runner.stopCalls({ callId: this.callId }).length > 0;
  }

  cancel(): void {
    if (!this.#runner.isDisposed) this.#runner.handleCancellation([this.callId]);
  }

  interrupt(): void {
    if (!this.#runner.isDisposed) this.#runner.handleInterruption();
  }

  dispose(): void {
    this.#runner.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Runs one call of `tool` with `args` (written as the model would: they are validated as the
 * model's are) on a real `ToolRunner` without a model or a socket, and collects what the model
 * would receive. The call is made at once; read `responses` as they arrive, or wait for them.
 *
 * For a tool that does I/O, inject the I/O (a factory that takes `fetch`, say) and run it on a
 * {@link VirtualClock}: `await clock.advanceBy(ms)` runs the tool's timers and lets its promises
 * settle in between.
 *
 * @param tool - A tool made by `defineTool` or `defineStreamingTool`.
 * @param args - The call's arguments. Default `{}`.
 * @param options - The scheduler to run on (virtual time), the input streams, the call id, the waits' bound.
 * @returns The run: its responses, events and waits, and `stop`/`cancel`/`interrupt`/`dispose`.
 * @throws {@link TestKitError} `INVALID_ARGUMENT` for a bad `timeoutMs`.
 *
 * @example
 * ```ts
 * const run = testTool(countdown, { n: 2 });
 * const end = await run.done();
 * expect(run.outputs).toEqual([{ remaining: 1 }, { remaining: 0 }]);
 * expect(end.final?.response).toEqual({ output: { status: 'completed', results: 2 } });
 * ```
 */
export function testTool<S extends ParametersSchema, T>(
  tool: StreamingTool<S, T> | OneShotTool<S, T>,
  args: Readonly<Record<string, unknown>> = {},
  options: TestToolOptions = {},
): ToolTestRun<T> {
  return new Run<T>(
    tool as StreamingTool<ParametersSchema, T> | OneShotTool<ParametersSchema, T>,
    args,
    options,
  );
}
