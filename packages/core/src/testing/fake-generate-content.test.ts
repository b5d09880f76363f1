import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { describe, expect, it } from 'vitest';
import { createFakeLiveServer, type FakeLiveServer, FakeLiveWaitError } from './index.js';

/** The part of either SDK major these tests call. */
interface ModelsClient {
  readonly models: {
    generateContent(params: object): Promise<{
      readonly text: string | undefined;
      readonly candidates?: readonly { readonly finishReason?: string }[];
      readonly usageMetadata?: object;
      readonly promptFeedback?: { readonly blockReason?: string };
    }>;
    generateContentStream(params: object): Promise<AsyncIterable<{ readonly text: string | undefined }>>;
  };
}

type ClientOptions = { apiKey: string; apiVersion?: string; httpOptions: { baseUrl: string } };

const sdks = [
  {
    name: '@google/genai 3.x',
    defaultApiVersion: 'v1',
    create: (options: ClientOptions) => new GoogleGenAI3(options) as unknown as ModelsClient,
  },
  {
    name: '@google/genai 2.x',
    defaultApiVersion: 'v1beta',
    create: (options: ClientOptions) => new GoogleGenAI2(options) as unknown as ModelsClient,
  },
] as const;

const image = { mimeType: 'image/jpeg', data: Buffer.from('fake jpeg bytes').toString('base64') };

const question = (text = 'How many people are visible?') => ({
  model: 'gemini-3.8-flash',
  contents: [{ role: 'user', parts: [{ inlineData: image }, { text }] }],
});

/** The `{ error }` body the SDK puts in an `ApiError`'s message, and its HTTP status. */
async function apiError(
  promise: Promise<unknown>,
): Promise<{ status: number; error: Record<string, unknown> }> {
  const error: unknown = await promise.then(
    () => {
      throw new Error('expected the SDK call to reject');
    },
    (e: unknown) => e,
  );
  const { status, message } = error as { status: number; message: string };
  return { status, error: (JSON.parse(message) as { error: Record<string, unknown> }).error };
}

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

/** A raw POST, for what the SDK never sends (malformed JSON, no key, GET). */
function post(server: FakeLiveServer, path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key', ...headers },
  });
}

describe.each(sdks)('fake generateContent with the real $name client', (sdk) => {
  const client = (server: FakeLiveServer, extra: Partial<ClientOptions> = {}) =>
    sdk.create({ apiKey: 'test-key', httpOptions: { baseUrl: server.url }, ...extra });

  it('answers a text reply in the real response shape and records the request', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond({ text: 'two people' });

    const response = await client(server).models.generateContent({
      ...question(),
      config: {
        systemInstruction: 'Answer briefly.',
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
        temperature: 0,
      },
    });

    expect(response.text).toBe('two people');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    // Estimated at four characters a token, rounded up: the request text has 28 characters (7 tokens),
    // the reply 10 (3 tokens).
    expect(response.usageMetadata).toEqual({
      promptTokenCount: 7,
      candidatesTokenCount: 3,
      totalTokenCount: 10,
    });
    const request = await server.generateContent.waitForRequest();
    expect(request).toMatchObject({
      id: 1,
      method: 'generateContent',
      apiVersion: sdk.defaultApiVersion,
      model: 'models/gemini-3.8-flash',
      apiKey: 'test-key',
      text: 'How many people are visible?',
      inlineData: [image],
      contents: [{ role: 'user', parts: [{ inlineData: image }, { text: 'How many people are visible?' }] }],
      systemInstruction: { parts: [{ text: 'Answer briefly.' }] },
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
        temperature: 0,
      },
    });
    expect(request.signal.aborted).toBe(false);
    expect(server.generateContent.requests).toEqual([request]);
  });

  it('uses respondOnce replies first, in order, then the respond default; a handler sees the request', async () => {
    await using server = await createFakeLiveServer();
    const ai = client(server);
    server.generateContent.respond((request) => `default for: ${request.text}`);
    server.generateContent.respondOnce('first');
    server.generateContent.respondOnce((request) => ({ text: `second #${request.id}` }));

    const texts: (string | undefined)[] = [];
    for (const text of ['a', 'b', 'c']) {
      texts.push((await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: text })).text);
    }
    server.generateContent.respond('replaced');
    texts.push((await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'd' })).text);

    expect(texts).toEqual(['first', 'second #2', 'default for: c', 'replaced']);
    expect(server.generateContent.requests.map((r) => r.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('sends a full response verbatim (a blocked prompt with no candidates)', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond({ response: { promptFeedback: { blockReason: 'SAFETY' } } });

    const response = await client(server).models.generateContent(question());

    expect(response.promptFeedback?.blockReason).toBe('SAFETY');
    expect(response.candidates).toBeUndefined();
    expect(response.text).toBeUndefined();
  });

  it('answers HTTP errors in the real error shape (429, 500, a custom message)', async () => {
    await using server = await createFakeLiveServer();
    const ai = client(server);
    server.generateContent.respondOnce({ status: 429 });
    server.generateContent.respondOnce({ status: 500 });
    server.generateContent.respondOnce({ status: 503, message: 'Try later.' });

    const rateLimited = await apiError(ai.models.generateContent(question()));
    const internal = await apiError(ai.models.generateContent(question()));
    const unavailable = await apiError(ai.models.generateContent(question()));

    expect(rateLimited.status).toBe(429);
    expect(rateLimited.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(rateLimited.error.message).toContain('exceeded your current quota');
    expect(internal).toMatchObject({ status: 500, error: { code: 500, status: 'INTERNAL' } });
    expect(unavailable).toMatchObject({
      status: 503,
      error: { code: 503, status: 'UNAVAILABLE', message: 'Try later.' },
    });
  });

  it('sends a raw body as is, so a malformed response reaches the SDK', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond({ body: '{"candidates": [' });

    await expect(client(server).models.generateContent(question())).rejects.toThrow(SyntaxError);
  });

  it('refuses a bad key with 400 API_KEY_INVALID and records nothing', async () => {
    await using server = await createFakeLiveServer({ apiKeys: ['good-key'] });
    server.generateContent.respond('never sent');

    const refused = await apiError(client(server).models.generateContent(question()));

    expect(refused).toMatchObject({
      status: 400,
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'API key not valid. Please pass a valid API key.',
      },
    });
    expect(refused.error.details).toContainEqual(expect.objectContaining({ reason: 'API_KEY_INVALID' }));
    expect(server.generateContent.requests).toEqual([]);
    const accepted = await client(server, { apiKey: 'good-key' }).models.generateContent(question());
    expect(accepted.text).toBe('never sent');
  });

  it('refuses a model the models option does not list with 404 NOT_FOUND', async () => {
    await using server = await createFakeLiveServer({ models: ['models/gemini-3.8-flash'] });
    server.generateContent.respond('ok');
    const ai = client(server);

    const missing = await apiError(ai.models.generateContent({ ...question(), model: 'gemini-0-nope' }));

    expect(missing).toMatchObject({ status: 404, error: { code: 404, status: 'NOT_FOUND' } });
    expect(missing.error.message).toBe(
      `models/gemini-0-nope is not found for API version ${sdk.defaultApiVersion}, or is not supported for ` +
        'generateContent. Call ListModels to see the list of available models and their supported methods.',
    );
    expect((await ai.models.generateContent(question())).text).toBe('ok');
  });

  it('answers 501 with what to do when no reply is configured', async () => {
    await using server = await createFakeLiveServer();

    const unconfigured = await apiError(client(server).models.generateContent(question()));

    expect(unconfigured).toMatchObject({ status: 501, error: { code: 501, status: 'UNIMPLEMENTED' } });
    expect(unconfigured.error.message).toContain('call server.generateContent.respond(reply)');
    expect(server.generateContent.requests).toHaveLength(1);
  });

  it('holds a request in flight until the handler’s promise settles', async () => {
    await using server = await createFakeLiveServer();
    const release = deferred<string>();
    server.generateContent.respond(() => release.promise);
    let settled = false;

    const call = client(server)
      .models.generateContent(question())
      .finally(() => {
        settled = true;
      });
    const request = await server.generateContent.waitForRequest();

    expect(request.id).toBe(1);
    expect(settled).toBe(false);
    release.resolve('released');
    expect((await call).text).toBe('released');
  });

  it('aborts the recorded request’s signal when the client aborts a held request', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond(() => new Promise<string>(() => {}));
    const controller = new AbortController();

    const call = client(server).models.generateContent({
      ...question(),
      config: { abortSignal: controller.signal },
    });
    const request = await server.generateContent.waitForRequest();
    controller.abort();

    await expect(call).rejects.toThrow();
    await aborted(request.signal);
    expect(request.signal.aborted).toBe(true);
  });

  it('answers 500 with the message when a handler throws or returns an invalid reply', async () => {
    await using server = await createFakeLiveServer();
    const ai = client(server);
    server.generateContent.respondOnce(() => {
      throw new Error('handler broke');
    });
    server.generateContent.respondOnce({ status: 200 });

    const thrown = await apiError(ai.models.generateContent(question()));
    const invalid = await apiError(ai.models.generateContent(question()));

    expect(thrown).toMatchObject({ status: 500, error: { message: 'Internal error: handler broke' } });
    expect(invalid.error.message).toContain('an error reply needs a status from 400 to 599, got 200');
  });

  it('streams a reply as one server-sent event for generateContentStream', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond('streamed');

    const chunks: (string | undefined)[] = [];
    for await (const chunk of await client(server).models.generateContentStream(question())) {
      chunks.push(chunk.text);
    }

    expect(chunks).toEqual(['streamed']);
    expect(server.generateContent.requests[0]?.method).toBe('streamGenerateContent');
  });

  it('routes other API versions (v1alpha)', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond('alpha');

    const response = await client(server, { apiVersion: 'v1alpha' }).models.generateContent(question());

    expect(response.text).toBe('alpha');
    expect(server.generateContent.requests[0]?.apiVersion).toBe('v1alpha');
  });
});

describe('fake generateContent checks the SDK never trips', () => {
  it('refuses malformed JSON and missing contents with 400 INVALID_ARGUMENT', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond('never sent');
    const path = '/v1beta/models/gemini-3.8-flash:generateContent';

    const malformed = await post(server, path, '{"contents": [');
    const empty = await post(server, path, '{"contents": []}');

    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: expect.stringContaining('Invalid JSON payload'),
      },
    });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      error: { code: 400, message: expect.stringContaining('contents is not specified') },
    });
    expect(server.generateContent.requests).toEqual([]);
  });

  it('refuses a missing key with 403, reads ?key=, answers 404 to GET and to unknown paths', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond('ok');
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] });

    const noKey = await post(server, '/v1beta/models/m:generateContent', body, { 'x-goog-api-key': '' });
    const queryKey = await fetch(`${server.url}/v1beta/models/m:generateContent?key=test-key`, {
      method: 'POST',
      body,
    });
    const get = await fetch(`${server.url}/v1beta/models/m:generateContent`, {
      headers: { 'x-goog-api-key': 'test-key' },
    });
    const unknown = await post(server, '/v1beta/models/m:countTokens', body);

    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    expect(queryKey.status).toBe(200);
    expect(await queryKey.json()).toMatchObject({ candidates: [{ content: { parts: [{ text: 'ok' }] } }] });
    expect(get.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(server.generateContent.requests.map((r) => r.apiKey)).toEqual(['test-key']);
  });

  it('rejects waitForRequest with a FakeLiveWaitError on timeout and on server close', async () => {
    const server = await createFakeLiveServer();

    const timedOut = await server.generateContent.waitForRequest({ timeoutMs: 20 }).catch((e: unknown) => e);
    const pending = server.generateContent.waitForRequest().catch((e: unknown) => e);
    await server.close();
    const closed = await pending;

    expect(FakeLiveWaitError.isInstance(timedOut) && timedOut.reason).toBe('timeout');
    expect((timedOut as Error).message).toContain(
      'a generateContent request (no generateContent request received)',
    );
    expect(FakeLiveWaitError.isInstance(closed) && closed.reason).toBe('closed');
  });

  it('returns a request recorded before waitForRequest was called, and each request once', async () => {
    await using server = await createFakeLiveServer();
    server.generateContent.respond('ok');
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'one' }] }] });
    await post(server, '/v1/models/m:generateContent', body);
    await post(server, '/v1/models/m:generateContent', body.replace('one', 'two'));

    const first = await server.generateContent.waitForRequest();
    const second = await server.generateContent.waitForRequest();

    expect([first.text, second.text]).toEqual(['one', 'two']);
    await expect(server.generateContent.waitForRequest({ timeoutMs: 10 })).rejects.toThrow(FakeLiveWaitError);
  });
});
