import { GoogleGenAI } from '@google/genai';
import type { Logger, VideoFrame } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { asyncScheduler, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AnalysisRequest, FrameObservation } from './frame-analyzer.js';
import {
  createGeminiAnalyzer,
  type GeminiAnalyzerOptions,
  type GeminiVisionClient,
  normalizeAnswer,
  VisionAnalysisError,
} from './index.js';

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const sdks = [
  {
    name: '@google/genai 3.x',
    // Passed as is (no cast): the structural client type must accept the real class.
    client: (server: FakeLiveServer, apiKey = 'test-key') =>
      new GoogleGenAI({ apiKey, httpOptions: { baseUrl: server.url } }),
  },
  {
    name: '@google/genai 2.x',
    client: (server: FakeLiveServer, apiKey = 'test-key') =>
      new GoogleGenAI2({ apiKey, httpOptions: { baseUrl: server.url } }),
  },
] as const;

let frameCounter = 0;
function frame(): VideoFrame {
  frameCounter++;
  return {
    mimeType: 'image/jpeg',
    data: Buffer.from(`jpeg bytes of frame ${frameCounter}`).toString('base64'),
    time: frameCounter * 1000,
  };
}

const json = (answer: string, description = `${answer} seen.`) => JSON.stringify({ answer, description });

/** A promise the test settles by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const aborted = (signal: AbortSignal): Promise<void> =>
  signal.aborted
    ? Promise.resolve()
    : new Promise((resolve) => signal.addEventListener('abort', () => resolve()));

/** The rejection of `promise`, which must reject with a VisionAnalysisError. */
async function failure(promise: Promise<unknown> | unknown): Promise<VisionAnalysisError> {
  const error = await Promise.resolve(promise).then(
    () => {
      throw new Error('expected the analysis to reject');
    },
    (e: unknown) => e,
  );
  if (!VisionAnalysisError.isInstance(error)) throw error;
  return error;
}

interface OpenOptions extends Partial<GeminiAnalyzerOptions> {
  readonly request?: Partial<AnalysisRequest>;
}

describe.each(sdks)('createGeminiAnalyzer with the real $name client', (sdk) => {
  const open = (server: FakeLiveServer, options: OpenOptions = {}) => {
    const { request, ...analyzerOptions } = options;
    const controller = new AbortController();
    const analyzer = createGeminiAnalyzer({ ai: sdk.client(server), ...analyzerOptions });
    const session = analyzer.open({
      signal: controller.signal,
      logger: silent,
      scheduler: asyncScheduler,
      ...request,
    });
    return { analyzer, session, controller, analyze: async (f = frame()) => session.analyze(f) };
  };

  it('reports the first answer, then only answers that changed', async () => {
    await using server = await createFakeLiveServer();
    const { analyze } = open(server, { question: 'How many people are visible?' });
    const question = 'How many people are visible?';

    server.generateContent.respondOnce(json('2', 'Two people sit at a desk.'));
    const first = await analyze();
    server.generateContent.respondOnce(json(' 2. ', 'Still two people.'));
    const same = await analyze();
    server.generateContent.respondOnce(json('3', 'A third person came in.'));
    const changed = await analyze();

    expect(first).toEqual<FrameObservation>({
      event: 'answer',
      description: 'Two people sit at a desk.',
      changeScore: 0,
      notable: true,
      details: { answer: '2', question },
    });
    expect(same).toBeUndefined();
    expect(changed).toEqual<FrameObservation>({
      event: 'answer_changed',
      description: 'A third person came in.',
      changeScore: 1,
      details: { answer: '3', previousAnswer: '2', question },
    });
    expect(server.generateContent.requests).toHaveLength(3);
  });

  it('sends the frame as inlineData with the question, asks for JSON and passes extra config', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond(json('yes'));
    const { analyze } = open(server, {
      question: 'Is the door open?',
      model: 'gemini-3.5-flash-lite',
      config: { maxOutputTokens: 256 },
    });
    const sent = frame();

    await analyze(sent);

    const request = await server.generateContent.waitForRequest();
    const prompt =
      'Question about this camera frame: Is the door open?\n' +
      'Reply with JSON: "answer" is the shortest answer (a number, yes or no, or a few words) and stays ' +
      'word for word the same while the situation does not change; "description" is one sentence about ' +
      'what you see that supports it.';
    expect(request.model).toBe('models/gemini-3.5-flash-lite');
    expect(request.contents).toEqual([
      {
        role: 'user',
        parts: [{ inlineData: { mimeType: 'image/jpeg', data: sent.data } }, { text: prompt }],
      },
    ]);
    expect(request.text).toBe(prompt);
    expect(request.generationConfig).toMatchObject({
      maxOutputTokens: 256,
      responseMimeType: 'application/json',
      responseJsonSchema: {
        type: 'object',
        properties: { answer: { type: 'string' }, description: { type: 'string' } },
        required: ['answer', 'description'],
      },
    });
  });

  it('takes a plain-text reply as the answer and compares it normalised', async () => {
    await using server = await createFakeLiveServer();
    const { analyze } = open(server);

    server.generateContent.respondOnce('Two people.');
    const first = await analyze();
    server.generateContent.respondOnce('  two   PEOPLE ');
    const same = await analyze();

    expect(first).toMatchObject({
      event: 'answer',
      description: 'Two people.',
      details: { answer: 'Two people.' },
    });
    expect(same).toBeUndefined();
  });

  it('rejects a 429 with RATE_LIMITED, works again after the backoff, and says SILENTly that answers are back', async () => {
    await using server = await createFakeLiveServer();
    const scheduler = new VirtualTimeScheduler();
    const { analyze } = open(server, { request: { scheduler } });

    server.generateContent.respondOnce(json('2'));
    await analyze();
    server.generateContent.respondOnce({ status: 429 });
    const limited = await failure(analyze());
    scheduler.schedule(() => {}, 5000); // the default first wait
    scheduler.flush();
    server.generateContent.respondOnce(json('2'));
    const resumed = await analyze();
    server.generateContent.respondOnce(json('2'));
    const same = await analyze();
    server.generateContent.respondOnce(json('1'));
    const changed = await analyze();

    expect(limited).toMatchObject({ name: 'VisionAnalysisError', code: 'RATE_LIMITED', status: 429 });
    expect(limited.message).toContain('lower the frame rate (intervalSeconds)');
    expect(resumed).toEqual<FrameObservation>({
      event: 'analysis_resumed',
      description:
        'Gemini answers again; the answer to "What are the main subjects in the picture and what are they doing?" is still 2.',
      changeScore: 0,
      notable: false,
      details: {
        answer: '2',
        question: 'What are the main subjects in the picture and what are they doing?',
      },
    });
    expect(same).toBeUndefined();
    expect(changed).toMatchObject({ event: 'answer_changed', details: { answer: '1', previousAnswer: '2' } });
  });

  it.each([
    { reply: { status: 500 }, code: 'SERVER_ERROR', says: '500 INTERNAL' },
    { reply: { status: 504 }, code: 'SERVER_ERROR', says: 'asks again about the next frame' },
    {
      reply: { status: 400, message: 'Unsupported MIME type: image/bmp' },
      code: 'BAD_REQUEST',
      says: 'image/bmp',
    },
    { reply: { body: '{"candidates": [' }, code: 'BAD_RESPONSE', says: 'could not be read' },
    { reply: { response: { promptFeedback: { blockReason: 'SAFETY' } } }, code: 'BLOCKED', says: 'SAFETY' },
    {
      reply: { response: { candidates: [{ content: { parts: [] }, finishReason: 'IMAGE_SAFETY' }] } },
      code: 'BLOCKED',
      says: 'IMAGE_SAFETY',
    },
    { reply: { response: { candidates: [] } }, code: 'EMPTY_RESPONSE', says: 'returned no answer' },
    { reply: { text: '', finishReason: 'MAX_TOKENS' }, code: 'EMPTY_RESPONSE', says: 'maxOutputTokens' },
    { reply: { text: '{"answer": "tw', finishReason: 'MAX_TOKENS' }, code: 'BAD_RESPONSE', says: 'cut off' },
  ] as const)('rejects $code ($says) and recovers', async ({ reply, code, says }) => {
    await using server = await createFakeLiveServer();
    const { analyze } = open(server);

    server.generateContent.respondOnce(reply);
    const error = await failure(analyze());
    server.generateContent.respondOnce(json('2'));
    const next = await analyze();

    expect(error.code).toBe(code);
    expect(error.message).toContain(says);
    expect(next).toMatchObject({ event: 'answer', details: { answer: '2' } });
  });

  it('asks a current stable model by default, not the shut-down gemini-2.5-flash', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond(json('yes'));
    const { analyze } = open(server, { question: 'Is the door open?' });

    await analyze();

    const request = await server.generateContent.waitForRequest();
    expect(request.model).toBe('models/gemini-3.8-flash');
  });

  it('rejects a refused key with AUTH and an unknown model with MODEL_NOT_FOUND', async () => {
    await using server = await createFakeLiveServer({ apiKeys: ['good-key'], models: ['gemini-3.8-flash'] });
    server.generateContent.respond(json('2'));
    const request = { signal: new AbortController().signal, logger: silent, scheduler: asyncScheduler };

    const badKey = createGeminiAnalyzer({ ai: sdk.client(server, 'bad-key') }).open(request);
    const badModel = createGeminiAnalyzer({ ai: sdk.client(server, 'good-key'), model: 'gemini-0' }).open(
      request,
    );
    const auth = await failure(badKey.analyze(frame()));
    const notFound = await failure(badModel.analyze(frame()));

    expect(auth).toMatchObject({ code: 'AUTH', status: 400 });
    expect(auth.message).toContain('check the key');
    expect(notFound).toMatchObject({ code: 'MODEL_NOT_FOUND', status: 404 });
    expect(notFound.message).toContain('"gemini-0"');
    expect(notFound.message).toContain('such as gemini-3.8-flash');
  });

  it('rejects with TIMEOUT when the answer takes longer than timeoutMs, and aborts the request', async () => {
    await using server = await createFakeLiveServer();
    const scheduler = new VirtualTimeScheduler();
    const { analyze } = open(server, { timeoutMs: 5000, request: { scheduler } });
    server.generateContent.respondOnce(() => new Promise<string>(() => {}));

    const pending = analyze();
    const held = await server.generateContent.waitForRequest();
    scheduler.flush();
    const error = await failure(pending);
    await aborted(held.signal);
    server.generateContent.respondOnce(json('2'));
    const next = await analyze();

    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('within 5000 ms');
    expect(held.signal.aborted).toBe(true);
    expect(next).toMatchObject({ event: 'answer' });
  });

  it('aborts the request with ABORTED when the call’s signal aborts, and sends nothing afterwards', async () => {
    await using server = await createFakeLiveServer();
    const { analyze, controller } = open(server);
    server.generateContent.respond(() => new Promise<string>(() => {}));

    const pending = analyze();
    const held = await server.generateContent.waitForRequest();
    controller.abort();
    const error = await failure(pending);
    await aborted(held.signal);
    const later = await failure(analyze());

    expect(error.code).toBe('ABORTED');
    expect(later.code).toBe('ABORTED');
    expect(server.generateContent.requests).toHaveLength(1);
  });

  it('aborts the request in flight when the session closes', async () => {
    await using server = await createFakeLiveServer();
    const { session } = open(server);
    server.generateContent.respond(() => new Promise<string>(() => {}));

    const pending = session.analyze(frame());
    const held = await server.generateContent.waitForRequest();
    session.close?.();

    expect((await failure(pending)).code).toBe('ABORTED');
    await aborted(held.signal);
  });

  it('keeps at most one request in flight: a newer frame resolves to undefined without a request', async () => {
    await using server = await createFakeLiveServer();
    const { analyze } = open(server);
    const release = deferred<string>();
    server.generateContent.respondOnce(() => release.promise);

    const first = analyze();
    await server.generateContent.waitForRequest();
    const overlapping = await analyze();
    const requestsWhileHeld = server.generateContent.requests.length;
    release.resolve(json('2'));
    const firstResult = await first;
    server.generateContent.respondOnce(json('3'));
    const after = await analyze();

    expect(overlapping).toBeUndefined();
    expect(requestsWhileHeld).toBe(1);
    expect(firstResult).toMatchObject({ event: 'answer', details: { answer: '2' } });
    expect(after).toMatchObject({ event: 'answer_changed', details: { answer: '3' } });
    expect(server.generateContent.requests).toHaveLength(2);
  });
});

describe('createGeminiAnalyzer options', () => {
  const client = (server: FakeLiveServer) =>
    new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
  const request = (extra: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
    signal: new AbortController().signal,
    logger: silent,
    scheduler: asyncScheduler,
    ...extra,
  });

  it('builds the question from watchFor by default, and uses a question string or function', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond(json('2'));
    const watchFor = 'how many people are in the room';

    const built = await createGeminiAnalyzer({ ai: client(server) })
      .open(request({ watchFor }))
      .analyze(frame());
    const fallback = await createGeminiAnalyzer({ ai: client(server) })
      .open(request())
      .analyze(frame());
    const fixed = await createGeminiAnalyzer({ ai: client(server), question: 'Is anyone there?' })
      .open(request({ watchFor }))
      .analyze(frame());
    const computed = await createGeminiAnalyzer({
      ai: client(server),
      question: (r) => `Count: ${r.watchFor ?? 'people'}`,
    })
      .open(request({ watchFor: 'cats' }))
      .analyze(frame());

    const questions = [built, fallback, fixed, computed].map((o) => o?.details?.question);
    expect(questions[0]).toContain(watchFor);
    expect(questions[1]).toBe('What are the main subjects in the picture and what are they doing?');
    expect(questions.slice(2)).toEqual(['Is anyone there?', 'Count: cats']);
    const texts = server.generateContent.requests.map((r) => r.text);
    questions.forEach((question, i) => {
      expect(texts[i]).toContain(question);
    });
  });

  it('sends the first answer SILENT with announceFirstAnswer: false, and uses isSameAnswer', async () => {
    await using server = await createFakeLiveServer();
    const session = createGeminiAnalyzer({
      ai: client(server),
      announceFirstAnswer: false,
      isSameAnswer: (previous, next) => Number.parseInt(previous, 10) === Number.parseInt(next, 10),
    }).open(request());

    server.generateContent.respondOnce(json('2 people'));
    const first = await session.analyze(frame());
    server.generateContent.respondOnce(json('2 persons'));
    const same = await session.analyze(frame());

    expect(first).toMatchObject({ event: 'answer', notable: false });
    expect(same).toBeUndefined();
  });

  it('describes itself, and refuses a timeoutMs that is not positive', () => {
    const ai: GeminiVisionClient = { models: { generateContent: () => Promise.resolve({}) } };

    const analyzer = createGeminiAnalyzer({ ai, question: 'How many people are visible?' });

    expect(analyzer.name).toBe('gemini-vision');
    expect(analyzer.capabilities).toContain('"How many people are visible?"');
    expect(() => createGeminiAnalyzer({ ai, timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createGeminiAnalyzer({ ai, timeoutMs: Number.NaN })).toThrow(RangeError);
  });

  it('turns a non-HTTP failure of the client into REQUEST_FAILED with its cause', async () => {
    const cause = new TypeError('fetch failed');
    const ai: GeminiVisionClient = { models: { generateContent: () => Promise.reject(cause) } };

    const error = await failure(createGeminiAnalyzer({ ai }).open(request()).analyze(frame()));

    expect(error).toMatchObject({ code: 'REQUEST_FAILED', status: undefined, cause });
    expect(error.message).toContain('fetch failed');
  });

  it('turns a client failure that cannot be read (a revoked Proxy) into REQUEST_FAILED', async () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const ai: GeminiVisionClient = { models: { generateContent: () => Promise.reject(revocable.proxy) } };

    const error = await failure(createGeminiAnalyzer({ ai }).open(request()).analyze(frame()));

    expect(error.code).toBe('REQUEST_FAILED');
    expect(error.message).toContain('an error that cannot be described');
  });

  it('settles at the timeout even when the client ignores abortSignal', async () => {
    const scheduler = new VirtualTimeScheduler();
    const ai: GeminiVisionClient = { models: { generateContent: () => new Promise(() => {}) } };

    const pending = createGeminiAnalyzer({ ai, scheduler, timeoutMs: 100 }).open(request()).analyze(frame());
    scheduler.flush();

    expect((await failure(pending)).code).toBe('TIMEOUT');
  });
});

describe('normalizeAnswer', () => {
  it.each([
    ['  Two   People. ', 'two people'],
    ['Yes!', 'yes'],
    ['3', '3'],
    ['open…', 'open'],
    ['No, nobody.', 'no, nobody'],
  ])('%j → %j', (answer, key) => {
    expect(normalizeAnswer(answer)).toBe(key);
  });
});

describe('VisionAnalysisError', () => {
  it('is recognised by its marker, and keeps its code, status and cause', () => {
    const cause = new Error('HTTP 429');
    const error = new VisionAnalysisError('RATE_LIMITED', 'rate limited', { status: 429, cause });

    expect(VisionAnalysisError.isInstance(error)).toBe(true);
    expect(VisionAnalysisError.isInstance(new Error('x'))).toBe(false);
    expect(
      VisionAnalysisError.isInstance({ [Symbol.for('livetools.error.VisionAnalysisError')]: true }),
    ).toBe(true);
    expect(error).toMatchObject({ name: 'VisionAnalysisError', code: 'RATE_LIMITED', status: 429, cause });
  });

  it('answers false, without throwing, for a revoked Proxy or one whose traps throw', () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const trapping = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );

    expect(VisionAnalysisError.isInstance(revocable.proxy)).toBe(false);
    expect(VisionAnalysisError.isInstance(trapping)).toBe(false);
  });
});
