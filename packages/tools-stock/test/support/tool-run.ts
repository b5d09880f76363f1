import { type AnyTool, type LiveFunctionResponse, ToolRunner } from '@livetools/core';
import type { SchedulerLike } from 'rxjs';
import { ChangeNotifier } from './wait-until.js';

/** Runs tools in a ToolRunner whose responses the test reads per call id, and can await. */
export class ToolRun implements Disposable {
  readonly sent: LiveFunctionResponse[] = [];
  readonly runner: ToolRunner;
  private readonly changes = new ChangeNotifier();

  constructor(tools: readonly AnyTool[], scheduler?: SchedulerLike) {
    this.runner = new ToolRunner({
      tools,
      sink: {
        send: (responses) => {
          this.sent.push(...responses);
          this.changes.notify();
        },
      },
      ...(scheduler ? { scheduler } : {}),
    });
  }

  /** Every response of call `id`, in order. */
  responses(id: string): LiveFunctionResponse[] {
    return this.sent.filter((response) => response.id === id);
  }

  /** The `output` of each intermediate (willContinue) response of call `id`. */
  outputs(id: string): Record<string, unknown>[] {
    return this.responses(id)
      .filter((response) => response.willContinue === true)
      .map((response) => (response.response as { output: Record<string, unknown> }).output);
  }

  /** Final responses of call `id` (a streaming call's `willContinue: false`, or a one-shot answer). */
  finals(id: string): LiveFunctionResponse[] {
    return this.responses(id).filter((response) => response.willContinue !== true);
  }

  /** Waits for the n-th intermediate output of call `id` (for up to `timeoutMs`, default 3 s). */
  nthOutput(id: string, n: number, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.changes.until(() => this.outputs(id)[n - 1], `output #${n} of ${id}`, timeoutMs);
  }

  /** Waits for an intermediate output of call `id` that matches. */
  output(
    id: string,
    predicate: (output: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ) {
    return this.changes.until(() => this.outputs(id).find(predicate), what, timeoutMs);
  }

  /** Waits for the final response of call `id`. */
  final(id: string): Promise<LiveFunctionResponse> {
    return this.changes.until(() => this.finals(id)[0], `the final response of ${id}`);
  }

  [Symbol.dispose](): void {
    this.runner.dispose();
  }
}
