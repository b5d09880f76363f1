/**
 * The fake server's `generateContent` endpoint: the HTTP side of the Gemini API, scripted by a test.
 *
 * @packageDocumentation
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../errors.js';
import { truncate } from './describe-frame.js';
import { type GenerateContentRoute, parseGenerateContentPath } from './fake-generate-content-path.js';
import {
  errorAnswer,
  type FakeGenerateContentReply,
  type HttpAnswer,
  renderReply,
} from './fake-generate-content-reply.js';
import type { FakeLiveWaitOptions } from './fake-live-connection-types.js';
import { firstHeader } from './live-path.js';
import { Inbox } from './waiters.js';
import type { LiveBlob, LiveContent } from './wire-types.js';

/**
 * One `generateContent` (or `streamGenerateContent`) request that passed the key, model and body
 * checks, as the server recorded it. Headers are not recorded.
 *
 * @example
 * ```ts
 * const request = await server.generateContent.waitForRequest();
 * expect(request.model).toBe('models/gemini-3.8-flash');
 * expect(request.inlineData[0]?.mimeType).toBe('image/jpeg');
 * expect(request.generationConfig?.responseMimeType).toBe('application/json');
 * ```
 */
export interface FakeGenerateContentRequest {
  /** Sequence number of this request on its server, from 1. */
  readonly id: number;
  /** `streamGenerateContent` for `ai.models.generateContentStream`. */
  readonly method: 'generateContent' | 'streamGenerateContent';
  /** The API version in the path (`v1` for SDK 3.x, `v1beta` for 2.x by default). */
  readonly apiVersion: string;
  /** The model resource name from the path, e.g. `models/gemini-3.8-flash`. */
  readonly model: string;
  /** The API key the client presented. */
  readonly apiKey: string;
  /** The whole JSON body as received (`contents`, `generationConfig`, `tools`, `safetySettings`...). */
  readonly body: Readonly<Record<string, unknown>>;
  /** `body.contents`. */
  readonly contents: readonly LiveContent[];
  /** `body.generationConfig`: where the SDK puts `config.responseMimeType`, `temperature`... */
  readonly generationConfig: Readonly<Record<string, unknown>> | undefined;
  /** `body.systemInstruction`. */
  readonly systemInstruction: LiveContent | undefined;
  /** Every text part of `contents`, joined with newlines. */
  readonly text: string;
  /** Every `inlineData` part of `contents`, in order. */
  readonly inlineData: readonly LiveBlob[];
  /** Aborted when the client goes away (its request was aborted) before the reply was sent. */
  readonly signal: AbortSignal;
}

/**
 * Computes the reply to one request. May return a Promise to hold the request in flight until the
 * test settles it; a handler that throws or rejects answers 500 with the error's message.
 *
 * @example
 * ```ts
 * const handler: FakeGenerateContentHandler = (request) =>
 *   request.text.includes('people') ? { text: '{"answer":"2","description":"Two people."}' } : { status: 400 };
 * ```
 */
export type FakeGenerateContentHandler = (
  request: FakeGenerateContentRequest,
) => FakeGenerateContentReply | PromiseLike<FakeGenerateContentReply>;

/**
 * The `generateContent` endpoint of a fake server (`server.generateContent`). It answers
 * `POST /{apiVersion}/models/{model}:generateContent` (and `:streamGenerateContent?alt=sse`, as one
 * event) after the checks the real API makes cheaply: API key (400 `API_KEY_INVALID`, 403 when
 * missing), model (404 when the server's `models` option does not list it), JSON body (400) and
 * non-empty `contents` (400). Every request that passes is recorded, then answered by the next
 * {@link FakeGenerateContent.respondOnce} reply, else by the {@link FakeGenerateContent.respond}
 * one, else with 501 `UNIMPLEMENTED`.
 *
 * @example
 * ```ts
 * await using server = await createFakeLiveServer();
 * server.generateContent.respond({ text: 'two people' });
 * const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
 * const response = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'How many people?' });
 * expect(response.text).toBe('two people');
 * expect(server.generateContent.requests[0]?.text).toBe('How many people?');
 * ```
 */
export interface FakeGenerateContent {
  /** Every recorded request, in arrival order. */
  readonly requests: readonly FakeGenerateContentRequest[];
  /**
   * Answers every later request with `reply` (or what the handler returns), replacing the previous
   * default. {@link FakeGenerateContent.respondOnce} replies are used first.
   */
  respond(reply: FakeGenerateContentReply | FakeGenerateContentHandler): void;
  /** Answers the next request that has no queued reply yet with `reply`; queued replies are used in order. */
  respondOnce(reply: FakeGenerateContentReply | FakeGenerateContentHandler): void;
  /**
   * Resolves with the next recorded request that no earlier call returned, so a request recorded
   * before the call is not missed. Rejects with a `FakeLiveWaitError` on timeout or server close.
   */
  waitForRequest(options?: FakeLiveWaitOptions): Promise<FakeGenerateContentRequest>;
}

/** What the server hands its endpoint. @internal */
export interface FakeGenerateContentInit {
  readonly timeoutMs: number;
  /** True when the server accepts this API key. */
  readonly isAcceptedKey: (key: string | undefined) => boolean;
  /** Accepted bare model names; `undefined` accepts any. */
  readonly models: ReadonlySet<string> | undefined;
}

type Responder = FakeGenerateContentReply | FakeGenerateContentHandler;
type Checked = { readonly body: Readonly<Record<string, unknown>> } | { readonly refusal: HttpAnswer };

/** The real API's limit on a request's size (inline data included). */
const maxRequestBytes = 20 * 1024 * 1024;
const badKeyMessage = 'API key not valid. Please pass a valid API key.';
const badKeyDetails: readonly unknown[] = [
  {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason: 'API_KEY_INVALID',
    domain: 'googleapis.com',
    metadata: { service: 'generativelanguage.googleapis.com' },
  },
  { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: badKeyMessage },
];
const missingKeyMessage =
  "Method doesn't allow unregistered callers (callers without established identity). " +
  'Please use API Key or other form of API consumer identity to call this API.';

/**
 * The endpoint behind {@link FakeGenerateContent}; the server routes HTTP requests to `handle`.
 *
 * @internal
 */
export class FakeGenerateContentEndpoint implements FakeGenerateContent {
  readonly #init: FakeGenerateContentInit;
  readonly #requests: FakeGenerateContentRequest[] = [];
  readonly #received = new Inbox<FakeGenerateContentRequest>();
  readonly #once: Responder[] = [];
  #default: Responder | undefined;

  constructor(init: FakeGenerateContentInit) {
    this.#init = init;
  }

  get requests(): readonly FakeGenerateContentRequest[] {
    return this.#requests;
  }

  respond(reply: Responder): void {
    this.#default = reply;
  }

  respondOnce(reply: Responder): void {
    this.#once.push(reply);
  }

  waitForRequest(options: FakeLiveWaitOptions = {}): Promise<FakeGenerateContentRequest> {
    const what = options.description ?? 'a generateContent request';
    return this.#received.take(options.timeoutMs ?? this.#init.timeoutMs, () => this.#describe(what));
  }

  /** Serves the request if its path is a content generation method; returns `false` otherwise. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const route = parseGenerateContentPath(
      request.url ?? '/',
      firstHeader(request.headers['x-goog-api-key']),
    );
    if (route === undefined) return false;
    this.#serve(route, request, response).catch((error: unknown) => {
      send(response, errorAnswer(500, `Internal error: ${describeError(error)}`));
    });
    return true;
  }

  /** Rejects every pending and later wait. */
  close(message: string): void {
    this.#received.closeAll(message);
  }

  async #serve(
    route: GenerateContentRoute,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const controller = new AbortController();
    response.on('close', () => {
      if (!response.writableEnded) controller.abort();
    });
    const raw = await readBody(request);
    if (raw === undefined) return; // The client went away while sending.
    const checked = this.#check(route, request.method, raw);
    if ('refusal' in checked) {
      send(response, checked.refusal);
      return;
    }
    const recorded = this.#record(route, checked.body, controller.signal);
    const responder = this.#once.shift() ?? this.#default;
    if (responder === undefined) {
      send(
        response,
        errorAnswer(
          501,
          `The fake server has no reply for ${route.method} request #${recorded.id}: call ` +
            'server.generateContent.respond(reply) or respondOnce(reply) before the request is sent.',
        ),
      );
      return;
    }
    let answer: HttpAnswer;
    try {
      const reply = typeof responder === 'function' ? await responder(recorded) : responder;
      answer = renderReply(reply, {
        id: recorded.id,
        model: route.model,
        framing: route.method === 'generateContent' ? 'object' : route.sse ? 'sse' : 'array',
        promptChars: recorded.text.length,
      });
    } catch (error) {
      answer = errorAnswer(500, `Internal error: ${describeError(error)}`);
    }
    send(response, answer);
  }

  /** The parsed body, or the error with which the real API would refuse the request. */
  #check(route: GenerateContentRoute, method: string | undefined, raw: Buffer): Checked {
    const refuse = (status: number, message: string, details?: readonly unknown[]): Checked => ({
      refusal: errorAnswer(status, message, details),
    });
    if (method !== 'POST') return refuse(404, `Method ${method ?? '(none)'} is not allowed here; use POST.`);
    if (route.credential === undefined || route.credential === '') return refuse(403, missingKeyMessage);
    if (!this.#init.isAcceptedKey(route.credential)) return refuse(400, badKeyMessage, badKeyDetails);
    const models = this.#init.models;
    if (models && (!route.model.startsWith('models/') || !models.has(route.model.slice('models/'.length)))) {
      return refuse(
        404,
        `${route.model} is not found for API version ${route.apiVersion}, or is not supported for ` +
          `${route.method}. Call ListModels to see the list of available models and their supported methods.`,
      );
    }
    if (raw.length > maxRequestBytes) {
      return refuse(400, `Request payload size exceeds the limit: ${maxRequestBytes} bytes.`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return refuse(400, `Invalid JSON payload received. ${describeError(error)}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return refuse(400, 'Invalid JSON payload received. Expected an object.');
    }
    const contents = (body as Record<string, unknown>).contents;
    if (!Array.isArray(contents) || contents.length === 0) {
      return refuse(400, '* GenerateContentRequest.contents: contents is not specified\n');
    }
    return { body: body as Readonly<Record<string, unknown>> };
  }

  #record(
    route: GenerateContentRoute,
    body: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
  ): FakeGenerateContentRequest {
    const contents = body.contents as readonly LiveContent[];
    const parts = contents.flatMap((content) => content?.parts ?? []);
    const recorded: FakeGenerateContentRequest = {
      id: this.#requests.length + 1,
      method: route.method,
      apiVersion: route.apiVersion,
      model: route.model,
      apiKey: route.credential ?? '',
      body,
      contents,
      generationConfig: body.generationConfig as Readonly<Record<string, unknown>> | undefined,
      systemInstruction: body.systemInstruction as LiveContent | undefined,
      text: parts
        .map((part) => part?.text)
        .filter((text): text is string => typeof text === 'string')
        .join('\n'),
      inlineData: parts.map((part) => part?.inlineData).filter((blob): blob is LiveBlob => blob != null),
      signal,
    };
    this.#requests.push(recorded);
    this.#received.add(recorded);
    return recorded;
  }

  #describe(what: string): string {
    if (this.#requests.length === 0) return `${what} (no generateContent request received)`;
    const list = this.#requests
      .slice(-12)
      .map((r) => `#${r.id} ${r.model} ${JSON.stringify(truncate(r.text, 40))}`);
    return `${what} (${this.#requests.length} request(s) received: ${list.join('; ')})`;
  }
}

/** Reads the whole body; `undefined` when the client aborted while sending it. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', () => resolve(undefined));
    request.on('aborted', () => resolve(undefined));
  });
}

function send(response: ServerResponse, answer: HttpAnswer): void {
  if (response.headersSent || response.destroyed || response.writableEnded) return;
  response.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
}
