/**
 * Observability end to end: per-call metrics on `tool-end`, `session.metrics()`, OpenTelemetry
 * spans and the logger, with the real `@google/genai` client against the fake Live server.
 */
import { GoogleGenAI } from '@google/genai';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pushTool } from '../../test/support/push-tool.js';
import {
  clientBarrier,
  openResumableSession,
  openSession,
  ping,
  vertexAi,
  wireBarrier,
} from '../../test/support/session-fixture.js';
import type { ToolEndEvent } from '../runner/events.js';
import { createFakeLiveServer } from '../testing/index.js';
import { defineStreamingTool } from '../tool/define-tool.js';
import { createLiveAgent } from './create-live-agent.js';
import type { TracerLike } from './tool-tracing.js';

function memoryTracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer: TracerLike = provider.getTracer('test'); // an OpenTelemetry Tracer is a TracerLike
  return { exporter, provider, tracer };
}

const ends = (events: readonly { type: string }[]) =>
  events.filter((e): e is ToolEndEvent => e.type === 'tool-end');

describe('observability', () => {
  afterEach(() => {
    trace.disable();
  });

  it('puts metrics on tool-end and sums them up in session.metrics()', async () => {
    const watch = pushTool('watch');
    await using fx = await openSession({ tools: [watch.tool, ping], measureBytes: true });
    const [a, b] = fx.first.callTools([
      { name: 'watch', args: { label: 'a' } },
      { name: 'watch', args: { label: 'b' } },
    ]) as [string, string];
    fx.first.callTool('watch', { label: 7 }); // invalid
    await clientBarrier(fx.first, fx.log);
    watch.push(a, { price: 1 });
    watch.push(a, { price: 10n }); // refused: JSON cannot carry a BigInt
    watch.push(a, { price: 2 });
    watch.complete(a);
    fx.first.cancelToolCalls([b]);
    await clientBarrier(fx.first, fx.log);
    fx.session.sendText('hello');
    await fx.first.waitForFrame((f) => f.clientContent !== undefined);

    const endA = ends(fx.log.events).find((e) => e.callId === a)!;
    const wireBytes = fx.wire(a).reduce((n, r) => n + JSON.stringify(r.raw).length, 0);
    expect(endA.metrics).toMatchObject({ results: 2, coalesced: 0, dropped: 0, bytes: wireBytes });
    expect(endA.metrics.timeToFirstResultMs).toBeGreaterThanOrEqual(0);
    // The cancelled call's tool-end carries the teardown time. Its value is pinned (0, teardown is
    // synchronous) in virtual time in call-metrics.test.ts: on the wall clock a loaded machine can
    // deschedule the process between the two reads (a CI run read 20 ms), so no bound is asserted here.
    const teardown = ends(fx.log.events).find((e) => e.callId === b)!.metrics.cancelToTeardownMs;
    expect(teardown).toEqual(expect.any(Number));
    expect(teardown).toBeGreaterThanOrEqual(0);

    const m = fx.session.metrics();
    expect(m.calls).toEqual({
      received: 5, // a, b, the invalid call and two pings
      started: 4,
      active: 0,
      ended: { completed: 3, failed: 1, cancelled: 1 },
      cancelledBy: { server: 1 },
    });
    expect(m.results).toBe(4); // two of a, one answer per ping
    expect(m.bytes).toBe(fx.wire().reduce((n, r) => n + JSON.stringify(r.raw).length, 0));
    expect(m.timeToFirstResultMs.samples).toBe(3);
    expect(m.timeToFirstResultMs.p50).toBeGreaterThanOrEqual(0);
    expect(m.messagesSent).toBe(fx.first.frames.length - 1); // every frame but the setup
    expect(m).toMatchObject({ reconnections: 0, replayed: 0, dropped: 0, coalesced: 0, refused: 1 });
  });

  it('counts resumptions, replayed messages and results dropped by the bound, per call and per session', async () => {
    const watch = pushTool('watch');
    await using fx = await openResumableSession({
      makeAi: vertexAi,
      delivery: 'client-content',
      tools: [watch.tool, ping],
      bufferedResultsPerCall: 2,
    });
    const id = fx.first.callTool('watch', { label: 'x' });
    fx.first.sendResumptionUpdate('h-1');
    await clientBarrier(fx.first, fx.log);
    for (let i = 0; i < 5; i++) watch.push(id, i); // 0 answers the call; 1..4: two are kept unacknowledged
    await wireBarrier(fx.first);
    const next = fx.server.waitForConnection();
    void fx.first.drop();
    const resumed = await next;
    await wireBarrier(resumed);
    watch.complete(id);
    await fx.log.ended(id);
    expect(ends(fx.log.events).find((e) => e.callId === id)!.metrics.dropped).toBe(2);
    const m = fx.session.metrics();
    expect(m.reconnections).toBe(1);
    expect(m.dropped).toBe(2);
    // Replayed: the first answer and the two newest results, consumed after h-1. The ping answers
    // are not: those calls came after h-1, so the resumed state never made them.
    expect(m.replayed).toBe(3);
    expect(m.handoffs).toBe(1);
  });

  it('traces each tool call as a span, with an event per result, through a given tracer', async () => {
    const { exporter, tracer } = memoryTracer();
    const watch = pushTool('watch');
    const broken = defineStreamingTool({
      name: 'broken',
      description: 'Fails.',
      parameters: z.object({}),
      execute: () => {
        const s = new Subject<number>();
        queueMicrotask(() => s.error(new Error('feed broke')));
        return s;
      },
    });
    const fx = await openSession({ tools: [watch.tool, broken, ping], tracer, measureBytes: true });
    const id = fx.first.callTool('watch', { label: 'x' });
    const failed = fx.first.callTool('broken');
    const running = fx.first.callTool('watch', { label: 'y' });
    await clientBarrier(fx.first, fx.log);
    watch.push(id, 1);
    watch.push(id, 2);
    watch.complete(id);
    await fx.log.ended(failed);
    await fx.session.close(); // ends the running call: its span ends too
    await fx.server.close();

    const spans = exporter.getFinishedSpans();
    const byId = (callId: string) => spans.find((s) => s.attributes['gen_ai.tool.call.id'] === callId)!;
    expect(spans.map((s) => s.name).sort()).toEqual([
      'livetools.tool broken',
      'livetools.tool ping',
      'livetools.tool watch',
      'livetools.tool watch',
    ]);
    const done = byId(id);
    expect(done.attributes).toMatchObject({
      'gen_ai.tool.name': 'watch',
      'livetools.end_reason': 'completed',
      'livetools.results': 2,
    });
    expect(done.events.map((e) => [e.name, e.attributes?.['livetools.sequence']])).toEqual([
      ['livetools.start', undefined],
      ['livetools.emission', 1],
      ['livetools.emission', 2],
    ]);
    expect(done.events[1]!.attributes).toMatchObject({ 'livetools.scheduling': 'WHEN_IDLE' });
    expect(byId(failed).status).toMatchObject({ code: 2, message: expect.stringMatching(/feed broke/) });
    expect(byId(running).attributes).toMatchObject({
      'livetools.end_reason': 'cancelled',
      'livetools.cancelled_by': 'session-end',
    });
  });

  it('tracing: true loads @opentelemetry/api and uses the global tracer provider', async () => {
    const { exporter, provider } = memoryTracer();
    trace.setGlobalTracerProvider(provider);
    await using fx = await openSession({ tools: [ping], tracing: true });
    await clientBarrier(fx.first, fx.log);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['livetools.tool ping']);
  });

  it('costs nothing without a tracer: no span is started through the global API', async () => {
    const { exporter, provider } = memoryTracer();
    trace.setGlobalTracerProvider(provider);
    await using fx = await openSession({ tools: [ping] });
    await clientBarrier(fx.first, fx.log);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('logs through the given logger without the API key, tokens or frame data', async () => {
    const lines: unknown[][] = [];
    const logger = {
      debug: (...a: unknown[]) => lines.push(a),
      info: (...a: unknown[]) => lines.push(a),
      warn: (...a: unknown[]) => lines.push(a),
      error: (...a: unknown[]) => lines.push(a),
    };
    const camera = defineStreamingTool({
      name: 'camera',
      description: 'Logs frames.',
      parameters: z.object({}),
      execute: (_args, ctx) => {
        ctx.input.video$.subscribe((frame) => ctx.logger.info('frame', { frame, apiKey: 'test-key' }));
        return new Subject<never>();
      },
    });
    const frame = Buffer.alloc(3000, 7).toString('base64');
    await using server = await createFakeLiveServer();
    const session = await createLiveAgent({
      ai: new GoogleGenAI({ apiKey: 'super-secret-key', httpOptions: { baseUrl: server.url } }),
      model: 'gemini-live-test',
      tools: [camera],
      logger,
    }).connect();
    await using _session = session;
    const conn = await server.waitForConnection();
    conn.callTool('camera');
    await new Promise((resolve) => session.events$.subscribe((e) => e.type === 'tool-start' && resolve(e)));
    session.sendVideoFrame(Buffer.from(frame, 'base64')); // published to the tool synchronously
    await conn.waitForFrame((f) => f.realtimeInput !== undefined);
    const text = JSON.stringify(lines);
    expect(lines.some(([m]) => m === 'frame')).toBe(true);
    expect(text).not.toContain('super-secret-key');
    expect(text).not.toContain('test-key');
    expect(text).not.toContain(frame.slice(0, 200));
  });
});
