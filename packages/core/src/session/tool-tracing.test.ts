import { NEVER } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { completed, drive, harness, result } from '../../test/support/harness.js';
import { createTestScheduler } from '../testing/create-test-scheduler.js';
import { defineStreamingTool } from '../tool/define-tool.js';
import { type SpanAttributeValue, type SpanLike, type TracerLike, traceToolEvents } from './tool-tracing.js';

/** A hand-written tracer implementing the interface: it records what it is told. */
function recordingTracer() {
  const spans: {
    name: string;
    start: number | undefined;
    end?: number | undefined;
    attributes: Record<string, SpanAttributeValue>;
    events: [string, Record<string, SpanAttributeValue> | undefined, number | undefined][];
    status?: { code: number; message?: string };
  }[] = [];
  const tracer: TracerLike = {
    startSpan(name, options) {
      const record: (typeof spans)[number] = {
        name,
        start: options?.startTime,
        attributes: { ...options?.attributes },
        events: [],
      };
      spans.push(record);
      const span: SpanLike = {
        setAttribute: (k, v) => {
          record.attributes[k] = v;
        },
        addEvent: (n, a, t) => record.events.push([n, a, t]),
        setStatus: (s) => {
          record.status = s;
        },
        end: (t) => {
          record.end = t;
        },
      };
      return span;
    },
  };
  return { tracer, spans };
}

/** The runner's byte count of a response: the length of its JSON (`measureBytes`). */
const jsonLength = (response: unknown): number => JSON.stringify(response).length;

describe('traceToolEvents (virtual time)', () => {
  it('opens a span per call at its arrival, adds an event per result sent and ends it at the call end', () => {
    const ts = createTestScheduler(expect);
    const { tracer, spans } = recordingTracer();
    let sent: unknown[] = [];
    ts.run(({ cold, hot, flush }) => {
      const tool = defineStreamingTool({
        name: 'watch',
        description: 'Watches.',
        parameters: z.object({}),
        minIntervalMs: 5,
        execute: () => cold('-a-b-c-|'), // a passes at 3; b is coalesced into c, sent at 8
      });
      const h = harness([tool], ts);
      traceToolEvents(h.runner.events$, tracer);
      drive(hot('--a', { a: h.call('1', 'watch') }));
      flush();
      sent = h.sent;
    });
    // The bytes are the JSON lengths of the responses sent: 96 for each result
    // (`{"id":"1","name":"watch","response":{"output":"a"},"willContinue":true,"scheduling":"WHEN_IDLE"}`),
    // 125 for the final one; the span carries their sum, 96 + 96 + 125 = 317.
    const emissionA = result('1', 'watch', 'a');
    const emissionC = result('1', 'watch', 'c');
    const final = completed('1', 'watch', 2);
    expect(sent).toEqual([emissionA, emissionC, final]);
    expect(spans).toEqual([
      {
        name: 'livetools.tool watch',
        start: 2,
        end: 9,
        attributes: {
          'gen_ai.tool.call.id': '1',
          'gen_ai.tool.name': 'watch',
          'livetools.end_reason': 'completed',
          'livetools.results': 2,
          'livetools.bytes': jsonLength(emissionA) + jsonLength(emissionC) + jsonLength(final),
          'livetools.coalesced': 1,
          'livetools.dropped': 0,
          'livetools.time_to_first_result_ms': 1,
        },
        events: [
          ['livetools.start', {}, 2],
          [
            'livetools.emission',
            {
              'livetools.sequence': 1,
              'livetools.bytes': jsonLength(emissionA),
              'livetools.scheduling': 'WHEN_IDLE',
            },
            3,
          ],
          [
            'livetools.emission',
            {
              'livetools.sequence': 2,
              'livetools.bytes': jsonLength(emissionC),
              'livetools.scheduling': 'WHEN_IDLE',
            },
            8,
          ],
        ],
      },
    ]);
  });

  it('adds an event naming the path and the problem when a value JSON cannot carry is refused', () => {
    const ts = createTestScheduler(expect);
    const { tracer, spans } = recordingTracer();
    ts.run(({ cold, hot, flush }) => {
      const tool = defineStreamingTool({
        name: 'watch',
        description: 'Watches.',
        parameters: z.object({}),
        execute: () => cold('-a-b-|', { a: { id: 1n }, b: { id: 2 } }),
      });
      const h = harness([tool], ts);
      traceToolEvents(h.runner.events$, tracer);
      drive(hot('--a', { a: h.call('1', 'watch') }));
      flush();
    });
    expect(spans[0]?.events.map(([name, attributes]) => [name, attributes])).toEqual([
      ['livetools.start', {}],
      [
        'livetools.result_refused',
        { 'livetools.error.path': 'result.id', 'livetools.error.problem': 'is a BigInt' },
      ],
      [
        'livetools.emission',
        {
          'livetools.sequence': 1,
          'livetools.bytes': jsonLength(result('1', 'watch', { id: 2 })),
          'livetools.scheduling': 'WHEN_IDLE',
        },
      ],
    ]);
  });

  it('ends the spans of calls still open when the runner is disposed', () => {
    const { tracer, spans } = recordingTracer();
    const ts = createTestScheduler(expect);
    ts.run(({ hot, flush }) => {
      const tool = defineStreamingTool({
        name: 'watch',
        description: 'Watches.',
        parameters: z.object({}),
        execute: () => NEVER,
      });
      const h = harness([tool], ts);
      traceToolEvents(h.runner.events$, tracer);
      drive(hot('a-b', { a: h.call('1', 'watch'), b: h.dispose() }));
      flush();
    });
    expect(spans[0]).toMatchObject({
      end: 2,
      attributes: { 'livetools.end_reason': 'cancelled', 'livetools.cancelled_by': 'session-end' },
    });
  });
});

describe('tracing: true without @opentelemetry/api', () => {
  it('rejects connect() with TRACING_UNAVAILABLE and says what to install', async () => {
    vi.resetModules();
    vi.doMock('@opentelemetry/api', () => {
      throw new Error("Cannot find package '@opentelemetry/api'");
    });
    try {
      const { loadOpenTelemetryTracer } = await import('./tool-tracing.js');
      await expect(loadOpenTelemetryTracer()).rejects.toMatchObject({
        code: 'TRACING_UNAVAILABLE',
        message: expect.stringMatching(/npm install @opentelemetry\/api/),
      });
    } finally {
      vi.doUnmock('@opentelemetry/api');
      vi.resetModules();
    }
  });
});
