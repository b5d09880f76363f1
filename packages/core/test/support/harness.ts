import { Observable, Subject } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { LiveFunctionCall, LiveFunctionResponse } from '../../src/protocol/function-calls.js';
import type { ToolEvent } from '../../src/runner/events.js';
import { ToolRunner } from '../../src/runner/tool-runner.js';
import type { AnyTool } from '../../src/tool/define-tool.js';

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
        runner.handleToolCall([{ id, name, args } satisfies LiveFunctionCall]),
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

/** An intermediate result. */
export function result(
  id: string,
  name: string,
  output: unknown,
  scheduling = 'WHEN_IDLE',
): LiveFunctionResponse {
  return { id, name, response: { output }, willContinue: true, scheduling } as LiveFunctionResponse;
}

/** The final response of a completed streaming call. */
export function completed(
  id: string,
  name: string,
  results: number,
  scheduling = 'SILENT',
): LiveFunctionResponse {
  return {
    id,
    name,
    response: { output: { status: 'completed', results } },
    willContinue: false,
    scheduling,
  } as LiveFunctionResponse;
}

/** The final response of a stopped streaming call. */
export function stopped(
  id: string,
  name: string,
  reason: string,
  results: number,
  scheduling = 'SILENT',
): LiveFunctionResponse {
  return {
    id,
    name,
    response: { output: { status: 'stopped', reason, results } },
    willContinue: false,
    scheduling,
  } as LiveFunctionResponse;
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
