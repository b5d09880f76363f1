/**
 * Keeps a frame the `@google/genai` SDK cannot parse from ending the process.
 *
 * Both supported majors (2.x and 3.x) parse each Live frame in an `async` function that the
 * socket's `onmessage` starts and never awaits (`void handleWebSocketMessage(...)`). A frame that
 * is not JSON makes its `JSON.parse` throw, the promise rejects with nobody to handle it, and
 * Node's default for unhandled rejections ends the process. The SDK offers no public hook before
 * that parse, but it creates every socket through its `WebSocketFactory`, kept on `ai.live`
 * (`webSocketFactory`). The session's view of `ai.live` (`sdk-live.ts`, also {@link screenFrames})
 * wraps the socket's `onmessage`: a frame that is not a JSON object is reported and never reaches
 * the SDK's parser, so no promise rejects, nothing process-wide is changed, and the report goes to
 * the session that owns the socket. The application's `ai` object is not modified.
 *
 * @packageDocumentation
 */
import { LivetoolsError } from '../errors.js';
import type { GenAIClient } from './genai-like.js';
import { sdkLiveView } from './sdk-live.js';

/** How many characters of a bad frame an error message quotes. */
const PREVIEW_CHARS = 200;

/** One decoder for every frame: `TextDecoder` is costly to construct, and decoding without `stream` keeps no state. */
const utf8 = new TextDecoder();
/** The decoder of `Uint8Array` frames: keeps a leading byte order mark, as a Node `Buffer`'s `toString()` does. */
const utf8KeepingBom = new TextDecoder('utf-8', { ignoreBOM: true });
/** Node's `Buffer`, where there is one (the SDK's Node socket delivers binary frames as Buffers). */
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * Why `data`, the payload of one socket message, is not a Live server message, or `undefined`
 * when it is one (a JSON object) or cannot be read synchronously (a `Blob`, which the SDK's Node
 * socket never delivers). Reads the payload as the SDK does: a string as is, an `ArrayBuffer` or a
 * `Uint8Array` (a Node `Buffer`) as UTF-8, anything else through its string conversion.
 * Never throws.
 *
 * @param data - The `data` of the socket's message event.
 * @returns A `MALFORMED_FRAME` error quoting the start of the frame, or `undefined`.
 * @internal
 */
export function checkServerFrame(data: unknown): LivetoolsError | undefined {
  const read = readServerFrame(data);
  return read instanceof LivetoolsError ? read : undefined;
}

/** @internal A server frame that is a JSON object: its text and the object it parses to. */
export interface ServerFrame {
  /** The frame as text (decoded once: what the SDK is handed when it must parse the frame itself). */
  readonly text: string;
  /** The parsed frame. */
  readonly value: object;
}

/**
 * @internal
 * The frame `data` read and parsed when it is a JSON object, the `MALFORMED_FRAME` error that says
 * why it is not one, or `undefined` for a `Blob` (left to the SDK as it is). Never throws.
 */
export function readServerFrame(data: unknown): ServerFrame | LivetoolsError | undefined {
  if (typeof data === 'string') return parseObject(data);
  if (typeof Blob !== 'undefined' && data instanceof Blob) return undefined;
  let text: string;
  try {
    // A Node Buffer (what the SDK's socket delivers for a binary frame) is decoded by its own
    // `toString()`, which without arguments goes straight to its UTF-8 decoder: `String(buffer)`
    // gives the same text at twice the cost (it looks up `Symbol.toPrimitive` and `toString`
    // along the prototype chain first), a `TextDecoder` at about 120 machine instructions more
    // (its checks of the input, in JavaScript). Another `Uint8Array` goes through a decoder that
    // keeps a leading byte order mark, as the Buffer does.
    text =
      data instanceof ArrayBuffer
        ? utf8.decode(data)
        : NodeBuffer !== undefined && data instanceof NodeBuffer
          ? data.toString()
          : data instanceof Uint8Array
            ? utf8KeepingBom.decode(data)
            : String(data);
  } catch (error) {
    return malformed('it cannot be read as text', '', error);
  }
  return parseObject(text);
}

/** `text` parsed when it is a JSON object, or why it is not one. */
function parseObject(text: string): ServerFrame | LivetoolsError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes part of the frame: escape it like the quoted frame.
    return malformed(escapeControls(error instanceof Error ? error.message : 'invalid JSON'), text, error);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { text, value };
  return malformed(
    `it is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`,
    text,
  );
}

/** `text` with C0 and C1 control characters written as `\uXXXX`, so it cannot garble a log line or a terminal. */
function escapeControls(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }
  return out;
}

/**
 * @internal
 * The start of a frame's text, quoted as a JSON string for an error message: at most
 * `PREVIEW_CHARS` characters, and control characters escaped, so it cannot garble a log line.
 */
export function quotedFrame(text: string): string {
  return JSON.stringify(text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}...` : text);
}

function malformed(problem: string, text: string, cause?: unknown): LivetoolsError {
  return new LivetoolsError(
    'MALFORMED_FRAME',
    `Ignored a frame from the Live server that is not a JSON object (${problem}): ${quotedFrame(text)}. ` +
      'The session carries on. If this repeats, check what sits between this process and the Live API ' +
      '(a proxy that rewrites or truncates WebSocket frames).',
    cause === undefined ? undefined : { cause },
  );
}

/**
 * A view of `live` (`ai.live` of a `@google/genai` client) whose `connect` opens sockets that drop
 * every frame that is not a JSON object before the SDK parses it, and hand it to `report` as a
 * `MALFORMED_FRAME` {@link LivetoolsError} instead. `live` itself is not modified (the view is
 * made by `sdk-live.ts`, the one adapter to the SDK's socket factory). When `live` has no such
 * factory (a stand-in client, or an SDK that no longer keeps one there), `live` is returned as it is.
 *
 * @param live - The client's Live API (`ai.live`).
 * @param report - Receives one error per dropped frame, on the socket's message listener. If it
 *   throws, that is ignored (the frame stays dropped): nothing may escape into the socket.
 * @returns Something to call `connect` on, exactly as on `live`.
 * @internal
 */
export function screenFrames<Live extends GenAIClient['live']>(
  live: Live,
  report: (error: LivetoolsError) => void,
): Live {
  return sdkLiveView(live, { onBadFrame: report });
}
