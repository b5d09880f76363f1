/**
 * What a test makes the fake `generateContent` endpoint answer, and how an answer becomes an HTTP
 * response in the real API's shapes.
 *
 * @packageDocumentation
 */

/**
 * A model reply made of one text part: the server wraps it in a full response
 * (`candidates[0].content.parts[0].text`, `finishReason`, `usageMetadata`).
 *
 * @example
 * ```ts
 * server.generateContent.respond({ text: '{"answer":"2","description":"Two people at a desk."}' });
 * ```
 */
export interface FakeGenerateContentTextReply {
  /** The model's text. */
  readonly text: string;
  /** The candidate's `finishReason` (default `'STOP'`; e.g. `'MAX_TOKENS'`, `'SAFETY'`). */
  readonly finishReason?: string;
  /** `usageMetadata` (default: token counts estimated from the request and reply lengths). */
  readonly usageMetadata?: Readonly<Record<string, unknown>>;
}

/**
 * A complete `GenerateContentResponse` JSON body, sent verbatim with status 200: for replies a text
 * reply cannot express (no candidates, `promptFeedback.blockReason`, several parts).
 *
 * @example
 * ```ts
 * server.generateContent.respond({ response: { promptFeedback: { blockReason: 'SAFETY' } } });
 * ```
 */
export interface FakeGenerateContentResponseReply {
  /** The response body, e.g. `{ candidates: [...], usageMetadata: {...} }`. */
  readonly response: Readonly<Record<string, unknown>>;
}

/**
 * An HTTP error in the real API's shape, `{ error: { code, message, status } }`, where `status`
 * is the gRPC name of the HTTP code (429 → `RESOURCE_EXHAUSTED`, 500 → `INTERNAL`...).
 *
 * @example
 * ```ts
 * server.generateContent.respondOnce({ status: 429 }); // the real quota message
 * server.generateContent.respondOnce({ status: 503, message: 'The model is overloaded.' });
 * ```
 */
export interface FakeGenerateContentErrorReply {
  /** The HTTP status code, 400 to 599. */
  readonly status: number;
  /** `error.message` (default: the real API's message for this code). */
  readonly message?: string;
  /** `error.details` (default: none). */
  readonly details?: readonly unknown[];
}

/**
 * A raw HTTP response, for what no valid reply can express: a body that is not JSON, a wrong
 * content type, an odd status.
 *
 * @example
 * ```ts
 * server.generateContent.respondOnce({ body: '<html>Bad gateway</html>', contentType: 'text/html' });
 * ```
 */
export interface FakeGenerateContentRawReply {
  /** The response body, sent as is. */
  readonly body: string;
  /** The HTTP status (default 200). */
  readonly status?: number;
  /** The `content-type` header (default `application/json`). */
  readonly contentType?: string;
}

/**
 * One answer of the fake `generateContent` endpoint: a string (shorthand for `{ text }`), a text
 * reply, a full response body, an HTTP error or a raw HTTP response.
 *
 * @example
 * ```ts
 * const replies: FakeGenerateContentReply[] = [
 *   'two people',
 *   { text: 'two people', finishReason: 'STOP' },
 *   { response: { candidates: [] } },
 *   { status: 429 },
 *   { body: 'not json' },
 * ];
 * ```
 */
export type FakeGenerateContentReply =
  | string
  | FakeGenerateContentTextReply
  | FakeGenerateContentResponseReply
  | FakeGenerateContentErrorReply
  | FakeGenerateContentRawReply;

/** An HTTP response ready to be written. @internal */
export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** What the reply is rendered for. @internal */
export interface ReplyContext {
  readonly id: number;
  /** The model resource name, `models/<name>`. */
  readonly model: string;
  /**
   * How a 200 body is framed: one JSON object (`generateContent`), one server-sent event
   * (`streamGenerateContent?alt=sse`) or a JSON array of one chunk (`streamGenerateContent`).
   */
  readonly framing: 'object' | 'sse' | 'array';
  /** Length of the request's text, for estimated token counts. */
  readonly promptChars: number;
}

const statusNames: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const defaultMessages: Readonly<Record<number, string>> = {
  400: 'Request contains an invalid argument.',
  401: 'Request had invalid authentication credentials.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429:
    'You exceeded your current quota, please check your plan and billing details. For more information on ' +
    'this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  501: 'Operation is not implemented, or supported, or enabled.',
  503: 'The model is overloaded. Please try again later.',
  504: 'The request timed out. Please try again.',
};

/** The real API's error body for an HTTP status. @internal */
export function errorAnswer(status: number, message?: string, details?: readonly unknown[]): HttpAnswer {
  const error = {
    code: status,
    message: message ?? defaultMessages[status] ?? `HTTP ${status}.`,
    status: statusNames[status] ?? (status >= 500 ? 'UNKNOWN' : 'FAILED_PRECONDITION'),
    ...(details ? { details } : {}),
  };
  return { status, contentType: 'application/json; charset=UTF-8', body: JSON.stringify({ error }, null, 2) };
}

/**
 * Turns a reply into an HTTP response. Throws a `TypeError` naming the problem when the reply is
 * not one of the {@link FakeGenerateContentReply} shapes.
 *
 * @internal
 */
export function renderReply(reply: FakeGenerateContentReply, context: ReplyContext): HttpAnswer {
  if (typeof reply === 'string') return renderReply({ text: reply }, context);
  if (typeof reply !== 'object' || reply === null) {
    throw new TypeError(`a reply must be a string or an object, got ${typeof reply}`);
  }
  if ('text' in reply && typeof reply.text === 'string')
    return success(textResponse(reply, context), context);
  if ('response' in reply && typeof reply.response === 'object' && reply.response !== null) {
    return success(reply.response, context);
  }
  if ('body' in reply && typeof reply.body === 'string') {
    return {
      status: reply.status ?? 200,
      contentType: reply.contentType ?? 'application/json; charset=UTF-8',
      body: reply.body,
    };
  }
  if ('status' in reply && typeof reply.status === 'number') {
    const error = reply as FakeGenerateContentErrorReply;
    if (!Number.isInteger(error.status) || error.status < 400 || error.status > 599) {
      throw new TypeError(`an error reply needs a status from 400 to 599, got ${error.status}`);
    }
    return errorAnswer(error.status, error.message, error.details);
  }
  throw new TypeError(
    `unrecognised reply ${JSON.stringify(reply)}: give a string, { text }, { response }, { status } or { body }`,
  );
}

function success(response: object, context: ReplyContext): HttpAnswer {
  const json = JSON.stringify(response);
  if (context.framing === 'sse') {
    return { status: 200, contentType: 'text/event-stream', body: `data: ${json}\r\n\r\n` };
  }
  const body = context.framing === 'array' ? `[${json}]` : json;
  return { status: 200, contentType: 'application/json; charset=UTF-8', body };
}

function textResponse(reply: FakeGenerateContentTextReply, context: ReplyContext): object {
  const promptTokenCount = Math.max(1, Math.ceil(context.promptChars / 4));
  const candidatesTokenCount = Math.max(1, Math.ceil(reply.text.length / 4));
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: reply.text }] },
        finishReason: reply.finishReason ?? 'STOP',
        index: 0,
      },
    ],
    usageMetadata: reply.usageMetadata ?? {
      promptTokenCount,
      candidatesTokenCount,
      totalTokenCount: promptTokenCount + candidatesTokenCount,
    },
    modelVersion: context.model.replace(/^models\//, ''),
    responseId: `fake-response-${context.id}`,
  };
}
