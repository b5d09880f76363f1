import type { Subscription } from 'rxjs';
import { describeError, LivetoolsError } from '../errors.js';
import type { GenAILiveSession, WireCloseEvent, WireServerMessage } from '../protocol/genai-like.js';
import { connectLive, ParsedFrames } from '../protocol/sdk-live.js';
import { SdkSocket } from '../protocol/sdk-socket.js';
import { mergeTools } from '../tool/built-in-tools.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';
import type { SessionSettings } from './session-settings.js';

/** @internal What a connect attempt needs besides the session settings. */
export interface ConnectAttemptOptions {
  /** The function declarations of the setup. */
  readonly declarations: readonly LiveFunctionDeclaration[];
  /** The resumption handle to resume with; `undefined` for a new session. */
  readonly handle: string | undefined;
  /** Receives each server frame that is not a JSON object, dropped before the SDK parses it. */
  readonly onBadFrame?: (error: LivetoolsError) => void;
  /** A server message that arrived after the attempt succeeded. */
  readonly onMessage: (message: WireServerMessage) => void;
  /** The socket closed after the attempt succeeded. */
  readonly onClose: (event: WireCloseEvent) => void;
}

/** @internal A connection whose setup completed, with the messages that arrived with `setupComplete`. */
export interface OpenedConnection {
  readonly session: GenAILiveSession;
  /** Messages that arrived before `connect()` resolved, `setupComplete` included, in order. */
  readonly early: readonly WireServerMessage[];
}

/**
 * @internal
 * One connection to the Live API, from `ai.live.connect()` to the closed socket: the handshake
 * bounded by `connectTimeoutMs`, and an end that is certain. Every socket the attempt opens is
 * closed when the attempt is abandoned ({@link ConnectAttempt.abort}, the timeout, a refusal), and
 * {@link ConnectAttempt.close} ends a working connection with a close handshake bounded by
 * `closeTimeoutMs`, after which the socket is terminated.
 */
export class ConnectAttempt {
  /** Resolves once the setup completed; rejects with a `LivetoolsError` when the attempt fails or is aborted. */
  readonly result: Promise<OpenedConnection>;
  /** Resolves once the attempt's socket has closed (at once when it never had one). */
  readonly closed: Promise<void>;

  readonly #settings: SessionSettings;
  /** A socket the SDK creates after the attempt was abandoned is ended as soon as it exists. */
  readonly #socket = new SdkSocket(() => {
    if (this.#settled && !this.#succeeded) this.#socket.terminate();
  });
  #settled = false;
  #succeeded = false;
  #session: GenAILiveSession | undefined;
  #timer: Subscription | undefined;
  #reject: (error: Error) => void = () => {};
  #resolveClosed: () => void = () => {};
  #closing: Promise<void> | undefined;

  constructor(settings: SessionSettings, options: ConnectAttemptOptions) {
    this.#settings = settings;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.result = new Promise<OpenedConnection>((resolve, reject) => {
      this.#reject = reject;
      this.#start(options, resolve);
    });
    // A caller that abandons the attempt does not await its result.
    this.result.catch(() => {});
  }

  /** True once the setup completed and the connection was handed over. */
  get succeeded(): boolean {
    return this.#succeeded;
  }

  /** Abandons an attempt still under way: `result` rejects with `error` and the socket is ended at once. */
  abort(error: Error): void {
    this.#fail(error);
  }

  /**
   * Closes the connection: a close handshake, and when the server has not completed it within
   * `closeTimeoutMs`, the socket is terminated. Resolves once the socket has closed (or, when the
   * SDK's socket cannot be reached, once the wait is over).
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeGracefully();
    return this.#closing;
  }

  async #closeGracefully(): Promise<void> {
    if (!this.#settled) this.#fail(new LivetoolsError('SESSION_CLOSED', 'The live session was closed.'));
    const session = this.#session;
    if (session && !this.#socket.isClosed) {
      try {
        session.close();
      } catch (error) {
        this.#settings.logger.debug('closing the live socket failed', { error: describeError(error) });
      }
    }
    if (await this.#within(this.closed)) return;
    if (this.#socket.terminate()) {
      this.#settings.logger.warn(
        'the Live API did not answer the close handshake; the socket was terminated',
        {
          closeTimeoutMs: this.#settings.closeTimeoutMs,
        },
      );
      await this.#within(this.closed);
    } else {
      this.#settings.logger.warn('the live socket did not close within closeTimeoutMs', {
        closeTimeoutMs: this.#settings.closeTimeoutMs,
      });
    }
  }

  /** True when `promise` settled within `closeTimeoutMs`; the timer never outlives the wait. */
  #within(promise: Promise<void>): Promise<boolean> {
    let timer: Subscription | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = this.#settings.scheduler.schedule(() => resolve(false), this.#settings.closeTimeoutMs);
    });
    return Promise.race([promise.then(() => true), timeout]).finally(() => timer?.unsubscribe());
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#timer?.unsubscribe();
    // Nothing more comes of this attempt: its socket is ended at once, whatever its state
    // (SDK 3.x resolves connect() only after setupComplete, so there may be no session to close).
    if (!this.#socket.terminate()) this.#closeSession();
    this.#reject(error);
  }

  #closeSession(): void {
    try {
      this.#session?.close();
    } catch {
      // Not connected: nothing to close.
    }
  }

  #start(options: ConnectAttemptOptions, resolve: (opened: OpenedConnection) => void): void {
    const { ai, model, config, connectTimeoutMs, scheduler, logger } = this.#settings;
    let setupDone = false;
    let lastError: string | undefined;
    const early: WireServerMessage[] = [];
    this.#timer = scheduler.schedule(
      () =>
        this.#fail(
          new LivetoolsError(
            'CONNECT_TIMEOUT',
            `The Live API did not complete the setup within ${connectTimeoutMs} ms (model ${model}). ` +
              'Check the network, the model name and the API key, or raise connectTimeoutMs.',
          ),
        ),
      connectTimeoutMs,
    );
    const done = () => {
      if (this.#settled || !this.#session || !setupDone) return;
      this.#settled = true;
      this.#succeeded = true;
      this.#timer?.unsubscribe();
      resolve({ session: this.#session, early });
    };
    const callbacks = {
      onmessage: (message: WireServerMessage) => {
        if (this.#succeeded) {
          options.onMessage(message);
          return;
        }
        if (this.#settled) return;
        early.push(message);
        if (!setupDone && message?.setupComplete) {
          setupDone = true;
          // ARCHITECTURE.md, SDK trap 1: connect() has not resolved yet; never touch the session here.
          queueMicrotask(done);
        }
      },
      onerror: (event: { message?: string; error?: unknown }) => {
        lastError = event?.message ?? (event?.error ? describeError(event.error) : undefined);
        if (this.#succeeded) logger.warn('live socket error', { error: lastError });
      },
      onclose: (event: WireCloseEvent) => {
        this.#resolveClosed();
        if (this.#succeeded) {
          options.onClose(event);
          return;
        }
        const why = event?.reason || lastError || 'no reason given';
        this.#fail(
          new LivetoolsError(
            'CONNECT_REFUSED',
            `The Live API closed the connection before the setup completed (code ${event?.code}: ${why}). ` +
              refusalHint(event?.code, why),
          ),
        );
      },
    };
    const requested =
      config.sessionResumption && this.#settings.transparentResumption
        ? { transparent: true, ...config.sessionResumption }
        : config.sessionResumption;
    const sessionResumption = options.handle ? { ...(requested ?? {}), handle: options.handle } : requested;
    const tools = mergeTools(config, options.declarations); // built-in tools, then livetools' declarations
    const fullConfig = {
      ...config,
      ...(sessionResumption ? { sessionResumption } : {}),
      ...(tools ? { tools } : {}),
    };
    let connecting: Promise<GenAILiveSession>;
    try {
      connecting = connectLive(
        ai.live,
        { model, config: fullConfig, callbacks },
        {
          socket: this.#socket,
          ...(options.onBadFrame ? { onBadFrame: options.onBadFrame } : {}),
          // On the Gemini API the SDK's message is the parsed frame as it is: the check's parse
          // is handed over instead of parsing each frame twice (on Vertex AI the SDK converts it).
          ...(options.onBadFrame && ai.vertexai !== true ? { parsed: new ParsedFrames() } : {}),
        },
      );
    } catch (error) {
      connecting = Promise.reject(error);
    }
    connecting.then(
      (session) => {
        this.#session = session;
        if (this.#settled) {
          // Abandoned meanwhile (the socket could not be reached then): close it now.
          this.#closeSession();
          return;
        }
        done();
      },
      (error: unknown) => {
        if (!this.#socket.created) this.#resolveClosed();
        this.#fail(
          LivetoolsError.isInstance(error)
            ? error
            : new LivetoolsError(
                'CONNECT_REFUSED',
                `Connecting to the Live API failed: ${describeError(error)}`,
                {
                  cause: error,
                },
              ),
        );
      },
    );
  }
}

function refusalHint(code: unknown, reason: string): string {
  if (/api key/i.test(reason)) return 'Check the API key (GEMINI_API_KEY).';
  if (/not found|model/i.test(reason)) return 'Check the model name and that it supports the Live API.';
  if (code === 1007) return 'The server rejected the setup message as invalid.';
  return 'Check the API key, the model name and the endpoint.';
}
