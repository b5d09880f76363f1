import {
  type AnyTool,
  type LiveFunctionResponse,
  type LivetoolsError,
  type ToolEndEvent,
  ToolRunner,
  type ToolRunnerOptions,
} from '@livetools/core';

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** The tool to run. */
  readonly tool: AnyTool;
  /** Its arguments, as the model would write them (they are validated like the model's). */
  readonly args: Readonly<Record<string, unknown>>;
  /** Stop the call after this many milliseconds, with a final response. Default: never. */
  readonly durationMs?: number;
  /** Aborting it stops the call (with a final response), like Ctrl-C. */
  readonly signal?: AbortSignal;
  /** Receives every function response the model would receive, as it is sent. */
  readonly onResponse?: (response: RunResponse) => void;
  /** Receives every value the tool gave that could not be sent (JSON cannot carry it), as it is refused. */
  readonly onRefused?: (refusal: RunRefusal) => void;
  /** The call id. Default `cli-call-1`. */
  readonly callId?: string;
  /**
   * The RxJS scheduler that runs the call: the tool's timers, the `durationMs` timer, and the clock
   * of every `elapsedMs`. Pass a `TestScheduler` to run the call in virtual time. Default: the
   * tool runner's own (`asyncScheduler`), with `setTimeout` for `durationMs` and
   * `performance.now()` for `elapsedMs`.
   */
  readonly scheduler?: ToolRunnerOptions['scheduler'];
}

/** One function response of a {@link runTool} call, with when it was sent. */
export interface RunResponse {
  /** `result` for a result (intermediate, or a one-shot tool's only one), `final` for a streaming call's last response, `error` for a failure. */
  readonly kind: 'result' | 'final' | 'error';
  /** 1 for the first result, 2 for the next...; `undefined` for `final` and `error`. */
  readonly sequence: number | undefined;
  /** Milliseconds since the call was made. */
  readonly elapsedMs: number;
  /** The response exactly as the runner sent it. */
  readonly response: LiveFunctionResponse;
}

/** A value of a {@link runTool} call that could not be sent, with when it was refused. */
export interface RunRefusal {
  /** Milliseconds since the call was made. */
  readonly elapsedMs: number;
  /** Why: `UNSERIALIZABLE_VALUE` (with the path of what JSON cannot carry) or `INVALID_MEDIA`. */
  readonly error: LivetoolsError;
}

/** How a {@link runTool} call ended. */
export type RunEndReason = 'completed' | 'failed' | 'invalid-arguments' | 'duration' | 'interrupted';

/** What {@link runTool} resolves with. */
export interface RunOutcome {
  /** How the call ended: by itself, by failing, refused, at `durationMs`, or by `signal`. */
  readonly reason: RunEndReason;
  /** How many results it sent. */
  readonly results: number;
  /** How many values it gave that could not be sent (each went to `onRefused`). */
  readonly refused: number;
  /** Milliseconds from the call to its end. */
  readonly elapsedMs: number;
  /** Why it failed, for `failed` and `invalid-arguments`. */
  readonly error?: LivetoolsError;
}

/**
 * Runs one tool call through a `ToolRunner` with no model: the responses go to `onResponse`
 * instead of a socket. Ends when the tool completes or fails, when `durationMs` elapses, or when
 * `signal` aborts; the last two stop the call through the runner, so the final response is
 * sent like a stop from the application.
 *
 * @param options - The tool, its arguments, when to stop, where responses go.
 * @returns How the call ended.
 *
 * @example
 * ```ts
 * import { toolPackage } from '@livetools/tools-stock';
 *
 * const outcome = await runTool({
 *   tool: toolPackage.tools.monitorStockPrice,
 *   args: { symbol: 'AAPL' },
 *   durationMs: 5000,
 *   onResponse: (r) => console.log(r.elapsedMs, r.response.scheduling, r.response.response),
 * });
 * console.log(outcome.reason); // 'duration'
 * ```
 */
export function runTool(options: RunToolOptions): Promise<RunOutcome> {
  const { tool, signal } = options;
  const callId = options.callId ?? 'cli-call-1';
  const clock = options.scheduler;
  const now = clock === undefined ? () => performance.now() : () => clock.now();
  const started = now();
  const elapsed = (): number => now() - started;
  let sequence = 0;
  const runner = new ToolRunner({
    tools: [tool],
    ...(clock === undefined ? {} : { scheduler: clock }),
    sink: {
      send: (responses) => {
        for (const response of responses) {
          const failed = 'error' in response.response;
          const kind = failed ? 'error' : response.willContinue === false ? 'final' : 'result';
          if (kind === 'result') sequence += 1;
          options.onResponse?.({
            kind,
            sequence: kind === 'result' ? sequence : undefined,
            elapsedMs: elapsed(),
            response,
          });
        }
      },
    },
  });

  return new Promise<RunOutcome>((resolve) => {
    let stoppedBy: 'duration' | 'interrupted' | undefined;
    let cancelTimer: (() => void) | undefined;
    const stop = (by: 'duration' | 'interrupted'): void => {
      stoppedBy ??= by;
      // A streaming call gets a final response; anything else (a one-shot tool) is dropped.
      if (runner.stopCalls({ callId }).length === 0) runner.dispose();
    };
    const onAbort = (): void => stop('interrupted');
    const finish = (end: ToolEndEvent): void => {
      cancelTimer?.();
      signal?.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      const reason: RunEndReason =
        end.reason === 'completed'
          ? 'completed'
          : end.reason === 'failed'
            ? end.error?.code === 'INVALID_ARGUMENTS'
              ? 'invalid-arguments'
              : 'failed'
            : (stoppedBy ?? 'interrupted');
      // Dispose after the runner has finished handling this call.
      queueMicrotask(() => runner.dispose());
      resolve({
        reason,
        results: end.results,
        refused: end.metrics.refused,
        elapsedMs: elapsed(),
        ...(end.error === undefined ? {} : { error: end.error }),
      });
    };
    const subscription = runner.events$.subscribe((event) => {
      if (event.type === 'tool-result-refused' && event.callId === callId) {
        options.onRefused?.({ elapsedMs: elapsed(), error: event.error });
      } else if (event.type === 'tool-end' && event.callId === callId) finish(event);
    });
    if (options.durationMs !== undefined) {
      const onTime = (): void => stop('duration');
      if (clock === undefined) {
        const timer = setTimeout(onTime, options.durationMs);
        cancelTimer = () => clearTimeout(timer);
      } else {
        const action = clock.schedule(onTime, options.durationMs);
        cancelTimer = () => action.unsubscribe();
      }
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    runner.handleToolCall([{ id: callId, name: tool.name, args: { ...options.args } }]);
    if (signal?.aborted) stop('interrupted');
  });
}
