/**
 * The one adapter between livetools and `ai.live` of a `@google/genai` client (2.x and 3.x).
 *
 * Two things livetools needs are not public API of the SDK, and both hang on its socket factory,
 * kept on `ai.live` as `webSocketFactory` in both majors: reaching the socket of one `connect()`
 * call (to end an abandoned attempt for sure, `sdk-socket.ts`) and screening frames the SDK
 * cannot parse (which would end the process, `sdk-frame-guard.ts`). {@link sdkLiveView} makes one
 * view of `ai.live` that inherits everything and shadows only that factory; the application's
 * `ai` object is never modified. When the factory is missing (another SDK version, a stand-in
 * client in tests) `ai.live` is used as it is and both features fall back (no screening; the
 * socket is closed through `session.close()` alone).
 *
 * {@link connectLive} holds the one cast of the package onto the SDK's types: livetools types the
 * SDK structurally (`genai-like.ts`) so that both majors fit, and their `connect` parameter types
 * differ between majors, so `config` and `callbacks` are passed as `never` here, once.
 *
 * @internal
 * @packageDocumentation
 */
import { LivetoolsError } from '../errors.js';
import type { GenAIClient, GenAILiveSession, WireCloseEvent, WireServerMessage } from './genai-like.js';
import { quotedFrame, readServerFrame } from './sdk-frame-guard.js';
import type { SdkSocket } from './sdk-socket.js';

/** The callbacks the SDK gives its socket factory (`WebSocketCallbacks` in `@google/genai`). */
interface SocketCallbacks {
  onmessage: (event: { readonly data: unknown }) => void;
}

/** The SDK's socket factory (`WebSocketFactory` in `@google/genai`). */
interface SocketFactory {
  create(url: string, headers: Record<string, string>, callbacks: SocketCallbacks): unknown;
}

/** @internal What the view of `ai.live` does with the sockets it creates. */
export interface SdkLiveOptions {
  /** Records the socket of this call (one view per `connect()` call when given). */
  readonly socket?: SdkSocket;
  /**
   * Receives each frame that is not a JSON object, dropped before the SDK parses it. If it
   * throws, that is ignored (the frame stays dropped): nothing may escape into the socket.
   */
  readonly onBadFrame?: (error: LivetoolsError) => void;
  /**
   * With `onBadFrame`: where the frames the check parsed wait for {@link connectLive} to put them
   * into the SDK's messages, so that the SDK does not parse them again. Only for a Gemini API client:
   * on Vertex AI the SDK converts what it parses.
   */
  readonly parsed?: ParsedFrames;
}

/** What the SDK is handed for a frame the check parsed: it parses `{}` into an empty message. */
const EMPTY_FRAME = Object.freeze({ data: '{}' });
/**
 * What the SDK is handed for a parsed `setupComplete` frame: the field it reads to resolve
 * `connect()` (it does so before the message is filled), and nothing else.
 */
const SETUP_FRAME = Object.freeze({ data: '{"setupComplete":{}}' });

/**
 * @internal
 * The frames of one socket that the check parsed, in order, on their way to the session. The SDK
 * parses every frame too (`JSON.parse`, then `Object.assign` onto a new `LiveServerMessage` on the
 * Gemini API, in both majors), which made each frame cost two parses: audio frames are large. So
 * the SDK is handed `{}` instead and its empty message gets the parsed frame assigned before it
 * reaches the session: the same message for one parse. The SDK hands messages on in the order of
 * their frames, possibly later (it queues them until `connect()` resolves), so the frames wait
 * here in order. A `setupComplete` frame, which the SDK reads to resolve `connect()` before the
 * message is filled, is handed over as a bare `{"setupComplete":{}}`. The SDK is never handed a
 * whole frame it would assign onto its message (see {@link assignFrame}), except after a `Blob`,
 * which the SDK reads asynchronously: that one and every later frame go to it whole, each taking
 * an empty place in the line.
 *
 * Once `connect()` has resolved, the SDK no longer queues: it hands each frame on at once, in the
 * socket's turn, having made its message as above. From then on ({@link deliverDirectly}) a parsed
 * frame skips the SDK: its message is made here the same way (a new object of the prototype of the
 * SDK's messages, the frame assigned onto it) and given to the session at once, which spares each
 * frame the SDK's second parse (of `{}`), its `async` handler with its promise and closure, and its
 * empty message. The prototype is read from the first message the SDK made from what it was
 * handed in place of a frame: a frame's own `__proto__` field sets the prototype of its message
 * when it is assigned, so a message made from a whole frame could carry one that every later
 * message would then inherit.
 */
export class ParsedFrames {
  readonly #line: (object | undefined)[] = [];
  #whole = false;
  /** The prototype of the SDK's messages (`LiveServerMessage.prototype`), once the SDK has made one. */
  #prototype: object | null | undefined = undefined;
  /** Where a parsed frame goes once it may skip the SDK (see {@link deliverDirectly}). */
  #direct: ((message: WireServerMessage) => void) | undefined = undefined;

  /**
   * Gives the session the message of a frame that parsed to `value`, without the SDK, when that
   * keeps the SDK's message and order: `connect()` has resolved, the prototype of the SDK's
   * messages is known, no frame waits in line (nor can one, after a `Blob`), and the frame is not a
   * `setupComplete` (the SDK keeps that one). False when the frame must go through the SDK
   * ({@link hand}).
   *
   * It never throws: this runs in the socket's listener, inside the reading of the socket, which a
   * throw would stop for good (no later frame would arrive). The session's handler throws nothing
   * itself; should it, the error is thrown again on its own, in a microtask (through the SDK it was
   * a promise nothing handles): by default that ends the process, as before.
   */
  deliver(value: object): boolean {
    const direct = this.#direct;
    const prototype = this.#prototype;
    if (
      direct === undefined ||
      prototype === undefined ||
      this.#whole ||
      this.#line.length !== 0 ||
      (value as { setupComplete?: unknown }).setupComplete !== undefined
    )
      return false;
    try {
      direct(assignFrame(Object.create(prototype) as object, value));
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
    return true;
  }

  /**
   * The event to give the SDK for a frame that parsed to `value`, the parsed frame kept in line: `{}`,
   * or a bare `setupComplete` when the frame's is truthy (what the SDK tests); `undefined` after a
   * `Blob`, when the SDK must read the frame itself (its place in line stays empty).
   */
  hand(value: object): { readonly data: unknown } | undefined {
    if (this.#whole) {
      this.#line.push(undefined);
      return undefined;
    }
    this.#line.push(value);
    return (value as { setupComplete?: unknown }).setupComplete ? SETUP_FRAME : EMPTY_FRAME;
  }

  /** A frame the check could not read synchronously (a `Blob`): the SDK reads it and every later frame. */
  handWhole(): void {
    this.#whole = true;
    this.#line.push(undefined);
  }

  /** Fills the SDK's message of the next frame in line (unless the SDK read that frame itself). */
  fill(message: object): void {
    const value = this.#line.shift();
    if (value === undefined) return;
    // Made from what the SDK was handed in place of a frame: its prototype is the class's,
    // whatever a frame carried (see the class comment).
    if (this.#prototype === undefined) this.#prototype = Object.getPrototypeOf(message) as object | null;
    assignFrame(message, value);
  }

  /**
   * `connect()` has resolved: the SDK has handed on the frames it queued and hands each later one
   * on in its own turn, so a parsed frame may go to `onmessage` without it ({@link deliver}), once
   * the SDK has made a message (whose prototype the direct messages get).
   */
  deliverDirectly(onmessage: (message: WireServerMessage) => void): void {
    this.#direct = onmessage;
  }
}

/**
 * `frame`'s fields assigned onto `message` (the SDK's, or one of its prototype), as the SDK assigns
 * them; never throws. The SDK's message class has getters without setters (`text`, `data`): a frame
 * with a field of that name makes the SDK's own assignment throw, in a promise nobody handles, which
 * ends the process. Such a field is kept as the message's own field instead, as the frame has it.
 */
function assignFrame(message: object, frame: object): object {
  try {
    return Object.assign(message, frame);
  } catch {
    for (const key of Object.keys(frame)) {
      Object.defineProperty(message, key, {
        value: (frame as Record<string, unknown>)[key],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return message;
  }
}

/** @internal What {@link connectLive} passes to `ai.live.connect`, typed as livetools reads it. */
export interface LiveConnectParams {
  /** The model name, as given to `createLiveAgent`. */
  readonly model: string;
  /** The full Live connect config (the SDK's `LiveConnectConfig`, tools included). */
  readonly config: object;
  /** The socket callbacks: server messages, errors and the close. */
  readonly callbacks: {
    readonly onmessage: (message: WireServerMessage) => void;
    readonly onerror: (event: { message?: string; error?: unknown }) => void;
    readonly onclose: (event: WireCloseEvent) => void;
  };
}

/** The SDK's socket factory on `live`, or `undefined` when `live` has none. */
function socketFactoryOf(live: object): SocketFactory | undefined {
  const factory: unknown = (live as { webSocketFactory?: unknown }).webSocketFactory;
  return typeof factory === 'object' &&
    factory !== null &&
    typeof (factory as { create?: unknown }).create === 'function'
    ? (factory as SocketFactory)
    : undefined;
}

/**
 * @internal
 * A view of `live` whose socket factory records the socket (`options.socket`) and screens frames
 * (`options.onBadFrame`); `live` itself when it has no socket factory or needs no view.
 */
export function sdkLiveView<Live extends GenAIClient['live']>(live: Live, options: SdkLiveOptions): Live {
  const factory = socketFactoryOf(live);
  if (!factory || (!options.socket && !options.onBadFrame)) return live;
  const { socket, onBadFrame, parsed } = options;
  const wrapped: SocketFactory = {
    create: (url, headers, callbacks) => {
      const setup: SetupGate = { sent: false };
      const connection = factory.create(
        url,
        headers,
        onBadFrame ? { ...callbacks, onmessage: screened(callbacks, onBadFrame, parsed, setup) } : callbacks,
      );
      socket?.record(connection);
      return onBadFrame ? watchSetup(connection, setup) : connection;
    },
  };
  try {
    const view = Object.create(live, { webSocketFactory: { value: wrapped } }) as Live;
    socket?.markReachable();
    return view;
  } catch {
    return live;
  }
}

/** Whether the SDK has sent its setup message on a socket yet ({@link watchSetup}). */
interface SetupGate {
  sent: boolean;
}

/** What the SDK calls on the connection its socket factory makes, in both majors. */
interface SdkConnection {
  connect(): unknown;
  send(message: unknown): unknown;
  close(...args: unknown[]): unknown;
}

/**
 * The connection the SDK is given in place of its own: the same, except that its sends set
 * `setup.sent`. The SDK's `connect()` declares the session its message handler reads for a
 * `setupComplete` on the line before it sends its setup: a truthy `setupComplete` handled earlier
 * (a server that sends one with its handshake, in the same read as the upgrade) throws a
 * `ReferenceError` in the SDK's handler, a promise nothing handles, which ends the process. The
 * SDK calls nothing else on its connection (`connect`, `send`, `close`); a connection without
 * those is given as it is, and the gate is left open, as it was before. (An own `send` put on the
 * SDK's connection instead made V8 read `conn.send` through a generic lookup at every response.)
 */
class WatchedConnection implements SdkConnection {
  readonly #inner: SdkConnection;
  readonly #setup: SetupGate;

  constructor(inner: SdkConnection, setup: SetupGate) {
    this.#inner = inner;
    this.#setup = setup;
  }

  connect(): unknown {
    return this.#inner.connect();
  }

  send(message: unknown): unknown {
    this.#setup.sent = true;
    return this.#inner.send(message);
  }

  close(...args: unknown[]): unknown {
    return this.#inner.close(...args);
  }
}

/** `connection` watched for its first send ({@link WatchedConnection}), or as it is (the gate open). */
function watchSetup(connection: unknown, setup: SetupGate): unknown {
  const c = connection as Partial<Record<keyof SdkConnection, unknown>> | null;
  if (
    typeof c === 'object' &&
    c !== null &&
    typeof c.connect === 'function' &&
    typeof c.send === 'function' &&
    typeof c.close === 'function'
  ) {
    return new WatchedConnection(connection as SdkConnection, setup);
  }
  setup.sent = true;
  return connection;
}

/** The report of a `setupComplete` that came before the setup was sent (see {@link watchSetup}). */
function earlySetup(text: string): LivetoolsError {
  return new LivetoolsError(
    'MALFORMED_FRAME',
    `Ignored a setupComplete frame from the Live server that came before the setup was sent: ${quotedFrame(text)}. ` +
      'The session waits for the setupComplete that answers its setup. If this repeats, check what sits ' +
      'between this process and the Live API.',
  );
}

/**
 * The socket's `onmessage`, passing JSON objects to the SDK and reporting everything else, and a
 * `setupComplete` that comes before the setup was sent (`setup`). The SDK is handed the text the
 * check read (it reads a string as it is), so that a binary frame is decoded once; with `parsed`,
 * it is handed `{}` and the parsed frame waits there (see {@link ParsedFrames}), so that the frame
 * is parsed once.
 */
function screened(
  callbacks: SocketCallbacks,
  report: (error: LivetoolsError) => void,
  parsed: ParsedFrames | undefined,
  setup: SetupGate,
): SocketCallbacks['onmessage'] {
  const reportSafely = (error: LivetoolsError): void => {
    try {
      report(error);
    } catch {
      // The report is the session's own handler; a throwing logger must not reach the socket.
    }
  };
  return (event) => {
    const data = event.data;
    const read = readServerFrame(data);
    if (read === undefined) {
      parsed?.handWhole();
      return callbacks.onmessage(event);
    }
    if (!(read instanceof LivetoolsError)) {
      if (parsed?.deliver(read.value)) return;
      if (!setup.sent && (read.value as { setupComplete?: unknown }).setupComplete) {
        reportSafely(earlySetup(read.text));
        return;
      }
      const stub = parsed?.hand(read.value);
      return callbacks.onmessage(stub ?? (read.text === data ? event : { data: read.text }));
    }
    reportSafely(read);
  };
}

/**
 * @internal
 * Opens a Live connection through the view of `live` ({@link sdkLiveView}). Throws (or rejects)
 * as `ai.live.connect` does.
 */
export function connectLive(
  live: GenAIClient['live'],
  params: LiveConnectParams,
  options: SdkLiveOptions = {},
): Promise<GenAILiveSession> {
  const { parsed } = options;
  const callbacks =
    parsed === undefined
      ? params.callbacks
      : {
          ...params.callbacks,
          onmessage: (message: WireServerMessage) => {
            parsed.fill(message);
            params.callbacks.onmessage(message);
          },
        };
  const connecting = sdkLiveView(live, options).connect({
    model: params.model,
    // The one documented cast (see the file comment): the SDK majors type these differently.
    config: params.config as never,
    callbacks: callbacks as never,
  });
  // Resolved: the SDK queues no more (see ParsedFrames). Its rejection is the caller's to handle.
  if (parsed !== undefined) connecting.then(() => parsed.deliverDirectly(params.callbacks.onmessage), noop);
  return connecting;
}

function noop(): void {}
