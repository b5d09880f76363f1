import { Observable, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { LiveFunctionCall, LiveFunctionResponse } from '../../protocol/function-calls.js';
import type { AnyTool } from '../../tool/define-tool.js';
import type { ToolEvent } from '../events.js';
import { ToolScheduler } from '../tool-scheduler.js';

/** A TestScheduler whose deep-equality goes through vitest (asymmetric matchers work). */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

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

/** A scheduler wired to a recording sink, with helpers that read like protocol traffic. */
export function harness(tools: readonly AnyTool[], ts: TestScheduler) {
  const responses$ = new Subject<LiveFunctionResponse>();
  const sent: LiveFunctionResponse[] = [];
  const timeline: [number, LiveFunctionResponse][] = [];
  const events: ToolEvent[] = [];
  const scheduler = new ToolScheduler({
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
  scheduler.events$.subscribe((e) => events.push(e));
  return {
    scheduler,
    sent,
    /** Every response with the virtual frame it was sent in. */
    timeline,
    events,
    /** Every response, as a hot stream to use with `expectObservable`. */
    responses$: responses$.asObservable(),
    call:
      (id: string, name: string, args: Record<string, unknown> = {}) =>
      (): void =>
        scheduler.handleToolCall([{ id, name, args } satisfies LiveFunctionCall]),
    cancel:
      (...ids: string[]) =>
      (): void =>
        scheduler.handleCancellation(ids),
    interrupt: () => (): void => scheduler.handleInterruption(),
    stop:
      (args: { call_id?: string; function_name?: string }, id = 'stop-1') =>
      (): void =>
        scheduler.handleToolCall([{ id, name: 'stop_streaming', args }]),
    dispose: () => (): void => scheduler.dispose(),
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
