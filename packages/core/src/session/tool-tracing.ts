import type { Observable, Subscription } from 'rxjs';
import { describeError, LivetoolsError } from '../errors.js';
import type { ToolEvent } from '../runner/events.js';

/**
 * A span attribute value, as OpenTelemetry accepts it.
 *
 * @example
 * ```ts
 * const attributes: Record<string, SpanAttributeValue> = { 'livetools.sequence': 1, 'livetools.scheduling': 'SILENT' };
 * ```
 */
export type SpanAttributeValue = string | number | boolean;

/**
 * The part of an OpenTelemetry `Span` that livetools uses. A span from `@opentelemetry/api`
 * satisfies it; so can a hand-written test double.
 *
 * @example
 * ```ts
 * const span: SpanLike = tracer.startSpan('livetools.tool countdown');
 * span.addEvent('livetools.emission', { 'livetools.sequence': 1 });
 * span.end();
 * ```
 */
export interface SpanLike {
  /** Sets one attribute. */
  setAttribute(key: string, value: SpanAttributeValue): unknown;
  /** Records an event at `time` (ms since the epoch in the scheduler's clock). */
  addEvent(name: string, attributes?: Record<string, SpanAttributeValue>, time?: number): unknown;
  /** Sets the status: code 2 is `ERROR` in OpenTelemetry's `SpanStatusCode`. */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span at `endTime`. */
  end(endTime?: number): void;
}

/**
 * The part of an OpenTelemetry `Tracer` that livetools uses: `trace.getTracer(name)` from
 * `@opentelemetry/api` satisfies it.
 *
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * const tracer: TracerLike = trace.getTracer('my-agent');
 * const agent = createLiveAgent({ ai, model, tools, tracer });
 * ```
 */
export interface TracerLike {
  /** Starts a span. */
  startSpan(
    name: string,
    options?: { attributes?: Record<string, SpanAttributeValue>; startTime?: number },
  ): SpanLike;
}

/** `SpanStatusCode.ERROR` in `@opentelemetry/api`. */
const STATUS_ERROR = 2;

/**
 * Turns tool lifecycle events into OpenTelemetry spans: one span per call, named
 * `livetools.tool <name>`, from the call's arrival to its end, with the attributes
 * `gen_ai.tool.call.id`, `gen_ai.tool.name`, `livetools.end_reason` (and `livetools.cancelled_by`,
 * `livetools.results`, `livetools.bytes`, `livetools.coalesced`, `livetools.dropped`,
 * `livetools.time_to_first_result_ms` at the end), an event `livetools.emission` per result
 * (`livetools.sequence`, `livetools.scheduling`, `livetools.bytes`), and an error status for failed
 * calls. Times are the events' (the scheduler's clock). Spans still open when `events$` completes
 * are ended. `createLiveAgent({ tracer })` does this for every session; use it directly with a bare
 * {@link ToolRunner}.
 *
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * const runner = new ToolRunner({ tools, sink });
 * const subscription = traceToolEvents(runner.events$, trace.getTracer('my-agent'));
 * ```
 */
export function traceToolEvents(events$: Observable<ToolEvent>, tracer: TracerLike): Subscription {
  const spans = new Map<string, SpanLike>();
  const endAll = () => {
    for (const span of spans.values()) span.end();
    spans.clear();
  };
  return events$.subscribe({
    next: (e) => {
      switch (e.type) {
        case 'tool-call':
          spans.set(
            e.callId,
            tracer.startSpan(`livetools.tool ${e.toolName}`, {
              attributes: { 'gen_ai.tool.call.id': e.callId, 'gen_ai.tool.name': e.toolName },
              startTime: e.time,
            }),
          );
          break;
        case 'tool-queued':
          spans
            .get(e.callId)
            ?.addEvent('livetools.queued', { 'livetools.behind': e.behind.join(',') }, e.time);
          break;
        case 'tool-start':
          spans.get(e.callId)?.addEvent('livetools.start', {}, e.time);
          break;
        case 'tool-result':
          spans.get(e.callId)?.addEvent(
            'livetools.emission',
            {
              'livetools.sequence': e.sequence,
              'livetools.bytes': e.bytes,
              ...(e.scheduling === undefined ? {} : { 'livetools.scheduling': e.scheduling }),
            },
            e.time,
          );
          break;
        case 'tool-result-refused':
          spans
            .get(e.callId)
            ?.addEvent(
              'livetools.result_refused',
              { 'livetools.error.path': e.error.path, 'livetools.error.problem': e.error.problem },
              e.time,
            );
          break;
        case 'response-error':
          for (const id of e.callIds) {
            spans
              .get(id)
              ?.addEvent('livetools.response_error', { 'livetools.error': describeError(e.error) }, e.time);
          }
          break;
        case 'tool-end': {
          const span = spans.get(e.callId);
          if (!span) break;
          spans.delete(e.callId);
          const m = e.metrics;
          span.setAttribute('livetools.end_reason', e.reason);
          if (e.cancelledBy) span.setAttribute('livetools.cancelled_by', e.cancelledBy);
          span.setAttribute('livetools.results', e.results);
          span.setAttribute('livetools.bytes', m.bytes);
          span.setAttribute('livetools.coalesced', m.coalesced);
          span.setAttribute('livetools.dropped', m.dropped);
          if (m.timeToFirstResultMs !== undefined) {
            span.setAttribute('livetools.time_to_first_result_ms', m.timeToFirstResultMs);
          }
          if (e.reason === 'failed') {
            span.setStatus({ code: STATUS_ERROR, ...(e.error ? { message: e.error.message } : {}) });
          }
          span.end(e.time);
          break;
        }
      }
    },
    complete: endAll,
    error: endAll,
  });
}

/** `@opentelemetry/api`, as far as livetools uses it. */
interface OpenTelemetryApi {
  readonly trace: { getTracer(name: string, version?: string): TracerLike };
}

/**
 * @internal
 * Loads `@opentelemetry/api` (an optional peer dependency) and returns a tracer from the global
 * tracer provider. The specifier is a variable so that bundlers leave the import alone when the
 * package is absent.
 */
export async function loadOpenTelemetryTracer(): Promise<TracerLike> {
  const specifier = '@opentelemetry/api';
  let api: OpenTelemetryApi;
  try {
    api = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as OpenTelemetryApi;
  } catch (error) {
    throw new LivetoolsError(
      'TRACING_UNAVAILABLE',
      'tracing: true needs the optional peer dependency @opentelemetry/api: install it (npm install ' +
        '@opentelemetry/api) and register a tracer provider, or pass your own tracer as `tracer`.',
      { cause: error },
    );
  }
  return api.trace.getTracer('@livetools/core');
}
