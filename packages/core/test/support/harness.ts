import { Observable, Subject } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { LiveFunctionResponse } from '../../src/protocol/function-calls.js';
import type { WireFunctionCall } from '../../src/protocol/genai-like.js';
import type { ToolEvent } from '../../src/runner/events.js';
import { completedResponse, stoppedResponse, streamingResult } from '../../src/runner/responses.js';
import { ToolRunner } from '../../src/runner/tool-runner.js';
import type { AnyTool } from '../../src/tool/define-tool.js';
import type { Scheduling } from '../../src/tool/scheduling.js';

/** Counts live subscriptions to wrapped sources, so a test can check every one was closed. */
export class SubscriptionCounter {
  active = 0;
  total = 0;

  track<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      this.active += 1;
      this.total += 1;
      const inner = source.subscribe(subscriber);
      return () => {
        this.active -= 1;
        inner.unsubscribe();
      };
    });
  }
}

/** A runner wired to a recording sink, with helpers that read like protocol traffic. */
export function harness(tools: readonly AnyTool[], ts: TestScheduler) {
  const responses$ = new Subject<LiveFunctionResponse>();
  const sent: LiveFunctionResponse[] = [];
  const timeline: [number, LiveFunctionResponse][] = [];
  const events: ToolEvent[] = [];
  const runner = new ToolRunner({
    tools,
    scheduler: ts,
    measureBytes: true,
    sink: {
      send: (rs) => {
        for (const r of rs) {
          sent.push(r);
          timeline.push([ts.now(), r]);
          responses$.next(r);
        }
      },
    },
  });
  runner.events$.subscribe((e) => events.push(e));
  return {
    runner,
    sent,
    /** Every response with the virtual frame it was sent in. */
    timeline,
    events,
    /** Every response, as a hot stream to use with `expectObservable`. */
    responses$: responses$.asObservable(),
    call:
      (id: string, name: string, args: Record<string, unknown> = {}) =>
      (): void =>
        runner.handleToolCall([{ id, name, args } satisfies WireFunctionCall]),
    cancel:
      (...ids: string[]) =>
      (): void =>
        runner.handleCancellation(ids),
    interrupt: () => (): void => runner.handleInterruption(),
    stop:
      (args: { call_id?: string; function_name?: string }, id = 'stop-1') =>
      (): void =>
        runner.handleToolCall([{ id, name: 'stop_streaming', args }]),
    dispose: () => (): void => runner.dispose(),
    /** The `tool-end` events, in order. */
    ends: () => events.filter((e) => e.type === 'tool-end'),
  };
}

// The expected responses are built by the runner's own builders (runner/responses.ts), so a change of
// shape is made once; what a test asserts on its own is the scheduling each response carries.

/** An intermediate result. */
export function result(
  id: string,
  name: string,
  output: unknown,
  scheduling: Scheduling = 'WHEN_IDLE',
): LiveFunctionResponse {
  return streamingResult(id, name, output, scheduling);
}

/** The final response of a completed streaming call. */
export function completed(
  id: string,
  name: string,
  results: number,
  scheduling: Scheduling = 'SILENT',
): LiveFunctionResponse {
  return completedResponse(id, name, results, scheduling);
}

/** The final response of a stopped streaming call, with the scheduling the test expects (not the runner's table). */
export function stopped(
  id: string,
  name: string,
  reason: Parameters<typeof stoppedResponse>[2],
  results: number,
  scheduling: Scheduling = 'SILENT',
): LiveFunctionResponse {
  return { ...stoppedResponse(id, name, reason, results), scheduling };
}

/** An error response with the given code; the message is matched loosely. */
export function failed(id: string, name: string, code: string, extra: Record<string, unknown> = {}): unknown {
  return expect.objectContaining({
    id,
    name,
    response: { error: expect.objectContaining({ code, message: expect.any(String) }) },
    ...extra,
  });
}

/** Runs `fn` for every value of a hot marble: the protocol traffic of a test. */
export function drive(source: Observable<() => void>): void {
  source.subscribe((fn) => fn());
}
