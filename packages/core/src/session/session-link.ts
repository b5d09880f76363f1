import type { LivetoolsError } from '../errors.js';
import type { GenAILiveSession, WireCloseEvent, WireServerMessage } from '../protocol/genai-like.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';
import { ConnectAttempt } from './connect-attempt.js';
import type { Connection, ConnectionState } from './connection-state.js';
import type { SessionSettings } from './session-settings.js';

/** @internal What the link reports to its session. */
export interface LinkHooks {
  /** A message of the connection `generation`, after its setup completed. */
  onMessage(message: WireServerMessage, generation: number): void;
  /** The socket of connection `generation` closed, after its setup completed. */
  onClose(event: WireCloseEvent, generation: number): void;
  /** A server frame that is not a JSON object, dropped before the SDK parses it. */
  onBadFrame(error: LivetoolsError): void;
}

/** @internal A connection whose setup completed and that is now the session's current one. */
export interface Opened {
  readonly connection: Connection;
  /** Messages that arrived before the setup completed, `setupComplete` included, in order. */
  readonly early: readonly WireServerMessage[];
}

/**
 * @internal
 * The session's connect room: its {@link ConnectionState}, the connect attempts, and every socket
 * it opened, each closed for sure (`close()` resolves once none is left).
 */
export class SessionLink {
  /** The phase the session's connection is in. */
  state: ConnectionState = { kind: 'connecting', pending: undefined };
  /** Sockets being closed. */
  readonly #closingSockets = new Set<Promise<void>>();
  #generation = 0;

  readonly #settings: SessionSettings;
  readonly #hooks: LinkHooks;

  constructor(settings: SessionSettings, hooks: LinkHooks) {
    this.#settings = settings;
    this.#hooks = hooks;
  }

  /** True until `close()` started or the session ended. */
  get isOpen(): boolean {
    return this.state.kind !== 'closed' && this.state.kind !== 'closing';
  }

  /** The current connection, while open. */
  get current(): Connection | undefined {
    return this.state.kind === 'open' ? this.state.connection : undefined;
  }

  /** The SDK session to write to, or `undefined` while there is none. */
  writable(): GenAILiveSession | undefined {
    return this.current?.session;
  }

  /** True when `generation` is the current connection's. */
  isCurrent(generation: number): boolean {
    return this.current?.generation === generation;
  }

  /** True when `generation` is the connection a resumption is leaving. */
  isLeaving(generation: number): boolean {
    return this.state.kind === 'reconnecting' && this.state.leaving?.generation === generation;
  }

  /**
   * Connects (with `handle`, or as a new session) and makes the connection current. Resolves with
   * `undefined` when the session was closed meanwhile (the socket is closed); rejects with the
   * attempt's error when it fails.
   */
  async connect(
    handle: string | undefined,
    declarations: readonly LiveFunctionDeclaration[],
  ): Promise<Opened | undefined> {
    const generation = ++this.#generation;
    const attempt = new ConnectAttempt(this.#settings, {
      declarations,
      handle,
      onBadFrame: this.#hooks.onBadFrame,
      onMessage: (message) => this.#hooks.onMessage(message, generation),
      onClose: (event) => this.#hooks.onClose(event, generation),
    });
    const state = this.state;
    if (state.kind === 'connecting' || state.kind === 'reconnecting') state.pending = attempt;
    let opened: Awaited<ConnectAttempt['result']>;
    try {
      opened = await attempt.result;
    } catch (error) {
      this.closeSocket(attempt); // a failed attempt's socket is closing: close() waits for it too
      throw error;
    } finally {
      if ((state.kind === 'connecting' || state.kind === 'reconnecting') && state.pending === attempt) {
        state.pending = undefined;
      }
    }
    if (!this.isOpen) {
      this.closeSocket(attempt);
      return undefined;
    }
    const connection: Connection = { session: opened.session, generation, attempt };
    this.state = { kind: 'open', connection, handleWait: undefined };
    return { connection, early: opened.early };
  }

  /** Closes an attempt's socket (handshake, then terminate after `closeTimeoutMs`); `drain()` waits for it. */
  closeSocket(attempt: ConnectAttempt): void {
    const closing = attempt.close().finally(() => this.#closingSockets.delete(closing));
    this.#closingSockets.add(closing);
  }

  /** Resolves once every socket the session opened has closed (or was terminated). */
  async drain(): Promise<void> {
    while (this.#closingSockets.size > 0) await Promise.all([...this.#closingSockets]);
  }

  /** Waits `ms` on the session's scheduler while reconnecting; `cancelBackoff()` ends the wait at once. */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const state = this.state;
      const timer = this.#settings.scheduler.schedule(() => {
        if (state.kind === 'reconnecting') state.backoff = undefined;
        resolve();
      }, ms);
      if (state.kind === 'reconnecting') state.backoff = { timer, resolve };
    });
  }

  /** Ends the wait before the next reconnection attempt at once (the loop then sees the session closing). */
  cancelBackoff(): void {
    if (this.state.kind !== 'reconnecting') return;
    const backoff = this.state.backoff;
    this.state.backoff = undefined;
    backoff?.timer.unsubscribe();
    backoff?.resolve();
  }

  /**
   * Stops every connection activity and moves to `next`: the wait before a reconnection attempt,
   * the attempt under way (aborted with `reason`, its socket ended at once), the wait for a
   * resumable handle, and the current connection and the one being left (closed with a handshake
   * bounded by `closeTimeoutMs`).
   */
  release(reason: Error, next: ConnectionState & { kind: 'closing' | 'closed' }): void {
    this.cancelBackoff();
    const state = this.state;
    this.state = next;
    if (state.kind === 'connecting' || state.kind === 'reconnecting') {
      if (state.pending) {
        state.pending.abort(reason);
        this.closeSocket(state.pending);
      }
    }
    if (state.kind === 'reconnecting' && state.leaving) this.closeSocket(state.leaving.attempt);
    if (state.kind === 'open') {
      state.handleWait?.unsubscribe();
      this.closeSocket(state.connection.attempt);
    }
  }
}
