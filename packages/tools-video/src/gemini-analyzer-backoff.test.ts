import { GoogleGenAI } from '@google/genai';
import {
  type AudioChunk,
  type LiveFunctionResponse,
  type Logger,
  type TextInput,
  ToolRunner,
  type VideoFrame,
} from '@livetools/core';
import { createFakeLiveServer, createTestScheduler, type FakeLiveServer } from '@livetools/core/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { NEVER, type Observable, Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  createGeminiAnalyzer,
  createVideoTools,
  type GeminiAnalyzerOptions,
  type GeminiVisionClient,
  type GeminiVisionResponse,
  VisionAnalysisError,
} from './index.js';

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let frameCounter = 0;
function frame(): VideoFrame {
  frameCounter++;
  return { mimeType: 'image/jpeg', data: Buffer.from(`frame ${frameCounter}`).toString('base64'), time: 0 };
}

const json = (answer: string) => JSON.stringify({ answer, description: `${answer} seen.` });

async function failure(promise: unknown): Promise<VisionAnalysisError> {
  const error = await Promise.resolve(promise).then(
    () => {
      throw new Error('expected the analysis to reject');
    },
    (e: unknown) => e,
  );
  if (!VisionAnalysisError.isInstance(error)) throw error;
  return error;
}

const retryInfo = (retryDelay: unknown) => ({
  '@type': 'type.googleapis.com/google.rpc.RetryInfo',
  retryDelay,
});

/** A session on the real 3.x client and the fake server, its clock in virtual time. */
function openSession(
  server: FakeLiveServer,
  options: Partial<GeminiAnalyzerOptions> = {},
  sdk: 'v3' | 'v2' = 'v3',
) {
  const scheduler = new VirtualTimeScheduler();
  const httpOptions = { baseUrl: server.url };
  const ai =
    sdk === 'v3'
      ? new GoogleGenAI({ apiKey: 'test-key', httpOptions })
      : new GoogleGenAI2({ apiKey: 'test-key', httpOptions });
  const session = createGeminiAnalyzer({ ai, ...options }).open({
    signal: new AbortController().signal,
    logger: silent,
    scheduler,
  });
  return {
    analyze: () => session.analyze(frame()),
    advanceTo(time: number) {
      scheduler.schedule(() => {}, time - scheduler.now());
      scheduler.flush();
    },
    requests: () => server.generateContent.requests.length,
  };
}

describe('createGeminiAnalyzer backs off on 429 and 503', () => {
  it('waits initialDelayMs, doubling up to maxDelayMs, sends nothing meanwhile, and is back to normal after an answer', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond({ status: 429 });
    const t = openSession(server, { backoff: { initialDelayMs: 1000, maxDelayMs: 4000 } });

    const first = await failure(t.analyze()); // t=0, request 1; next try at 1000
    t.advanceTo(999);
    const waiting = await failure(t.analyze());
    const requestsWhileWaiting = t.requests();
    t.advanceTo(1000);
    await failure(t.analyze()); // request 2; next at 3000
    t.advanceTo(2999);
    await failure(t.analyze());
    const at2999 = t.requests();
    t.advanceTo(3000);
    await failure(t.analyze()); // request 3; next at 7000
    t.advanceTo(6999);
    await failure(t.analyze());
    const at6999 = t.requests();
    t.advanceTo(7000);
    await failure(t.analyze()); // request 4; capped: next at 11000
    t.advanceTo(10_999);
    await failure(t.analyze());
    const at10999 = t.requests();
    server.generateContent.respond(json('2'));
    t.advanceTo(11_000);
    const answer = await t.analyze(); // request 5
    server.generateContent.respond({ status: 429 });
    await failure(t.analyze()); // at once: request 6, the first of a new run (1000 again)
    t.advanceTo(11_999);
    await failure(t.analyze());
    const at11999 = t.requests();

    expect(first).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(waiting).toBe(first);
    expect([requestsWhileWaiting, at2999, at6999, at10999]).toEqual([1, 2, 3, 4]);
    expect(answer).toMatchObject({ event: 'answer', details: { answer: '2' } });
    expect(at11999).toBe(6);
  });

  it.each(['v3', 'v2'] as const)(
    'honours the RetryInfo retryDelay of a 429 when it is longer than the backoff step (SDK %s)',
    async (sdk) => {
      await using server = await createFakeLiveServer();
      server.generateContent.respondOnce({ status: 429, details: [retryInfo('7.5s')] });
      server.generateContent.respond(json('2'));
      const t = openSession(server, { backoff: { initialDelayMs: 1000, maxDelayMs: 60_000 } }, sdk);

      await failure(t.analyze());
      t.advanceTo(7499);
      const early = await failure(t.analyze());
      const requestsAt7499 = t.requests();
      t.advanceTo(7500);
      const answer = await t.analyze();

      expect(early.code).toBe('RATE_LIMITED');
      expect(requestsAt7499).toBe(1);
      expect(answer).toMatchObject({ event: 'answer' });
      expect(t.requests()).toBe(2);
    },
  );

  it.each([
    ['not a duration', 'soon'],
    ['negative', '-5s'],
    ['not a string', 12],
  ])('ignores a retryDelay that is %s and backs off as usual', async (_, retryDelay) => {
    await using server = await createFakeLiveServer();
    server.generateContent.respondOnce({ status: 429, details: [retryInfo(retryDelay)] });
    server.generateContent.respond(json('2'));
    const t = openSession(server, { backoff: { initialDelayMs: 1000, maxDelayMs: 60_000 } });

    await failure(t.analyze());
    t.advanceTo(999);
    await failure(t.analyze());
    const requestsAt999 = t.requests();
    t.advanceTo(1000);
    const answer = await t.analyze();

    expect(requestsAt999).toBe(1);
    expect(answer).toMatchObject({ event: 'answer' });
    expect(t.requests()).toBe(2);
  });

  it.each([
    ['13 digits', '1000000000000s'],
    ['400 digits', `${'9'.repeat(400)}s`],
  ])(
    'caps a retryDelay of %s at one hour, so that the watch never stops asking for good',
    async (_, delay) => {
      await using server = await createFakeLiveServer();
      server.generateContent.respondOnce({ status: 429, details: [retryInfo(delay)] });
      server.generateContent.respond(json('2'));
      const t = openSession(server);

      await failure(t.analyze());
      t.advanceTo(3_599_999);
      await failure(t.analyze());
      const before = t.requests();
      t.advanceTo(3_600_000);
      const answer = await t.analyze();

      expect(before).toBe(1);
      expect(answer).toMatchObject({ event: 'answer' });
    },
  );

  it('backs off on 503 UNAVAILABLE too, with its own message', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respondOnce({ status: 503 });
    server.generateContent.respond(json('2'));
    const t = openSession(server); // default backoff: 5 s first

    const unavailable = await failure(t.analyze());
    t.advanceTo(4999);
    const waiting = await failure(t.analyze());
    const before = t.requests();
    t.advanceTo(5000);
    const answer = await t.analyze();

    expect(unavailable).toMatchObject({ code: 'UNAVAILABLE', status: 503 });
    expect(unavailable.message).toContain('503 UNAVAILABLE');
    expect(unavailable.message).toContain('asks less often');
    expect(waiting).toBe(unavailable);
    expect(before).toBe(1);
    expect(answer).toMatchObject({ event: 'answer' });
  });

  it('does not back off on other failures (a 500 is asked again at the next look)', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respondOnce({ status: 500 });
    server.generateContent.respond(json('2'));
    const t = openSession(server);

    const error = await failure(t.analyze());
    const answer = await t.analyze();

    expect(error.code).toBe('SERVER_ERROR');
    expect(answer).toMatchObject({ event: 'answer' });
  });

  it.each([
    { backoff: { initialDelayMs: 0 } },
    { backoff: { initialDelayMs: Number.NaN } },
    { backoff: { maxDelayMs: Number.POSITIVE_INFINITY } },
    { backoff: { initialDelayMs: 5000, maxDelayMs: 1000 } },
  ])('refuses backoff %j with a RangeError', (options) => {
    const ai: GeminiVisionClient = { models: { generateContent: () => Promise.resolve({}) } };
    expect(() => createGeminiAnalyzer({ ai, ...options })).toThrow(RangeError);
  });
});

/** An error like the SDK's ApiError: `status`, and the API's JSON body as the message. */
function apiError(status: number, name: string): Error {
  const body = { error: { code: status, message: 'Resource has been exhausted.', status: name } };
  return Object.assign(new Error(JSON.stringify(body)), { status });
}

describe('monitor_video_stream on a rate-limited Gemini analyzer', () => {
  it('reports the rate limit once, asks far less often, and tells the model SILENTly when answers come back', async () => {
    const clock = createTestScheduler(expect);
    const calls: number[] = [];
    const limitedUntil = 40_000;
    const ai: GeminiVisionClient = {
      models: {
        generateContent: (): Promise<GeminiVisionResponse> => {
          calls.push(clock.now());
          if (clock.now() < limitedUntil) return Promise.reject(apiError(429, 'RESOURCE_EXHAUSTED'));
          return Promise.resolve({ candidates: [{ content: { parts: [{ text: json('2') }] } }] });
        },
      },
    };
    const analyzer = createGeminiAnalyzer({ ai, backoff: { initialDelayMs: 2000, maxDelayMs: 16_000 } });
    const video$ = new Subject<VideoFrame>();
    const sent: LiveFunctionResponse[] = [];
    const tools = new ToolRunner({
      tools: createVideoTools({ analyzer, intervalSeconds: 1 }),
      mediaParts: true,
      sink: { send: (r) => sent.push(...r) },
      scheduler: clock,
      input: { video$, audio$: NEVER as Observable<AudioChunk>, text$: NEVER as Observable<TextInput> },
    });
    const output = (r: LiveFunctionResponse | undefined) =>
      (r?.response as { output: Record<string, unknown> } | undefined)?.output;

    tools.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: { watchFor: 'people' } }]);
    for (let time = 0; time <= 60_000; time += 100) {
      clock.schedule(() => video$.next({ ...frame(), time }), time - clock.now());
      clock.maxFrames = time;
      clock.flush();
      // Let the analysis promises settle before virtual time moves on.
      await new Promise((resolve) => setImmediate(resolve));
    }
    tools.dispose();

    const reports = sent.map((r) => [output(r)?.event, r.scheduling]);
    const limitedCalls = calls.filter((time) => time < 40_000);
    const afterRecovery = calls.filter((time) => time >= 40_000);
    // 2 s, 4 s, 8 s, 16 s, 16 s... from 0: requests at 0, 2000, 6000, 14000, 30000, 46000 at most.
    expect(limitedCalls.length).toBeLessThanOrEqual(5);
    expect(reports[0]).toEqual(['analysis_error', 'WHEN_IDLE']);
    expect(output(sent[0])?.description).toContain('rate-limited');
    expect(reports.filter(([event]) => event === 'analysis_error')).toHaveLength(1);
    expect(reports.slice(1)).toEqual([['answer', 'WHEN_IDLE']]);
    // Back to one look a second once answers come: about 14 more requests in the last 14 s.
    expect(afterRecovery.length).toBeGreaterThanOrEqual(12);
  });

  it('tells the model SILENTly that answers came back when the answer did not change meanwhile', async () => {
    const clock = createTestScheduler(expect);
    const replies: (() => Promise<GeminiVisionResponse>)[] = [];
    const answer = (): Promise<GeminiVisionResponse> =>
      Promise.resolve({ candidates: [{ content: { parts: [{ text: json('2') }] } }] });
    const ai: GeminiVisionClient = {
      models: { generateContent: () => (replies.shift() ?? answer)() },
    };
    replies.push(answer, () => Promise.reject(apiError(503, 'UNAVAILABLE')));
    const analyzer = createGeminiAnalyzer({ ai, backoff: { initialDelayMs: 3000, maxDelayMs: 3000 } });
    const video$ = new Subject<VideoFrame>();
    const sent: LiveFunctionResponse[] = [];
    const tools = new ToolRunner({
      tools: createVideoTools({ analyzer, intervalSeconds: 1 }),
      mediaParts: true,
      sink: { send: (r) => sent.push(...r) },
      scheduler: clock,
      input: { video$, audio$: NEVER as Observable<AudioChunk>, text$: NEVER as Observable<TextInput> },
    });

    tools.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
    for (let time = 0; time <= 8000; time += 500) {
      clock.schedule(() => video$.next({ ...frame(), time }), time - clock.now());
      clock.maxFrames = time;
      clock.flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
    tools.dispose();

    const reports = sent.map((r) => {
      const output = (r.response as { output: Record<string, unknown> }).output;
      return [output.event, r.scheduling, r.parts === undefined ? 'text' : 'image'];
    });
    expect(reports).toEqual([
      ['answer', 'WHEN_IDLE', 'image'],
      ['analysis_error', 'WHEN_IDLE', 'text'],
      ['analysis_resumed', 'SILENT', 'text'],
    ]);
  });
});
