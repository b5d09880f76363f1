/**
 * The socket side of a fake Live connection: it reads and records what the client sends, keeps
 * the session state, applies the profile to each frame, answers the waits of a test, and closes,
 * drops or freezes the socket. What a test makes the server say is in `fake-live-connection.ts`.
 *
 * @packageDocumentation
 */

import type { Subscription } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import type { ModelProfile } from '../profiles/model-profile.js';
import {
  closeReason,
  mediaKind,
  mediaPrefixes,
  parseClientFrame,
  rawText,
  recordResponses,
  startsWithBytes,
} from './client-frames.js';
import { describeClientFrames, describeClose, internalErrorReason } from './describe-frame.js';
import type {
  FakeLiveCloseInfo,
  FakeLiveConnectionInit,
  FakeLiveConnectionState,
  FakeLivePlatform,
  FakeLiveWaitForFrameOptions,
  FakeLiveWaitOptions,
  FakeResumptionPoint,
  RecordedFunctionResponse,
} from './fake-live-connection-types.js';
import { type FakeLiveProfileViolation, ProfileEmulator } from './fake-live-profile.js';
import { FakeSessionState } from './fake-live-session-state.js';
import { FAKE_LIVE_CLOSES, type FakeLiveClock, realClock } from './fake-live-timing.js';
import { Waiters } from './waiters.js';
import type {
  LiveClientContent,
  LiveClientFrame,
  LiveFunctionCallPart,
  LiveFunctionDeclarationPart,
  LiveRealtimeInput,
  LiveServerFrame,
  LiveSetup,
} from './wire-types.js';

/**
 * What every fake Live connection records and how it ends; `FakeLiveConnection` adds what a test
 * makes the server send. Not created directly.
 */
export class FakeLiveConnectionBase {
  /** Sequence number of this connection on its server, from 1. */
  readonly id: number;
  /** The API version in the request path (`v1beta` for SDK 2.x, `v1` for 3.x by default). */
  readonly apiVersion: string;
  /** `BidiGenerateContentConstrained` when the client used an ephemeral token. */
  readonly method: 'BidiGenerateContent' | 'BidiGenerateContentConstrained';
  /** The API key or ephemeral token the client presented. */
  readonly credential: string | undefined;
  /** `vertex-ai` when the client connected to the Vertex AI endpoint (`vertexai: true` in the SDK). */
  readonly platform: FakeLivePlatform;
  /** Resolves when the socket has closed, however it closed. */
  readonly closed: Promise<FakeLiveCloseInfo>;

  readonly #socket: WebSocket;
  readonly #timeoutMs: number;
  readonly #onSetup: (connection: FakeLiveConnectionBase) => void;
  readonly #resolveHandle: ((handle: string) => FakeResumptionPoint | undefined) | undefined;
  readonly #state: FakeSessionState;
  readonly #recordMedia: boolean;
  /** How many frames each way stay recorded (server option `keepFrames`). */
  readonly #keep: number;
  #forgottenSent = 0;
  #realtimeInputCount = 0;
  readonly #invalidFrames: string[] = [];
  readonly #sentFrames: LiveServerFrame[] = [];
  readonly #frameWaiters = new Waiters<LiveClientFrame>();
  readonly #responseWaiters = new Waiters<RecordedFunctionResponse>();
  readonly #closeWaiters = new Waiters<FakeLiveCloseInfo>();
  readonly #frameListeners = new Set<
    (frame: LiveClientFrame, index: number, responses: readonly RecordedFunctionResponse[]) => void
  >();
  readonly #closeListeners = new Set<(info: FakeLiveCloseInfo) => void>();
  #profile: ProfileEmulator | undefined;
  readonly #violations: FakeLiveProfileViolation[] = [];
  #accepted = false;
  #frozen = false;
  #setup: LiveSetup | undefined;
  #closeInfo: FakeLiveCloseInfo | undefined;
  #closing: FakeLiveCloseInfo | undefined;
  #resolveClosed: (info: FakeLiveCloseInfo) => void = () => {};
  /** The scheduler and time scale of timed closes. @internal */
  protected readonly clock: FakeLiveClock;
  /** Timed closes to cancel when the connection closes. @internal */
  protected readonly timers: Subscription[] = [];
  /** The calls issued on this connection. @internal */
  protected readonly issuedCalls: LiveFunctionCallPart[] = [];
  /** @internal */
  protected readonly init: FakeLiveConnectionInit;

  /** @internal */
  constructor(init: FakeLiveConnectionInit) {
    this.init = init;
    this.id = init.id;
    this.apiVersion = init.route.apiVersion;
    this.method = init.route.method;
    this.credential = init.route.credential;
    this.platform = init.route.platform;
    this.#resolveHandle = init.resolveHandle;
    this.#socket = init.socket;
    this.#timeoutMs = init.timeoutMs;
    this.#onSetup = init.onSetup as (connection: FakeLiveConnectionBase) => void;
    this.#recordMedia = init.recordMedia ?? true;
    this.#keep = init.keepFrames ?? Number.POSITIVE_INFINITY;
    this.#state = new FakeSessionState(this.#keep);
    this.clock = init.clock ?? realClock;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    init.socket.on('message', (data) => this.#receive(data));
    init.socket.on('close', (code, reason) => this.#handleClose(code, reason.toString()));
    // A socket error is followed by 'close'; the listener only keeps it from being thrown.
    init.socket.on('error', () => {});
  }

  /** Where the connection is in its life. */
  get state(): FakeLiveConnectionState {
    if (this.#closeInfo !== undefined) return 'closed';
    return this.#accepted ? 'open' : 'awaiting-setup';
  }

  /** True once the server answered `setupComplete`. */
  get accepted(): boolean {
    return this.#accepted;
  }

  /** The client's `setup` message body. Throws if it has not arrived yet. */
  get setup(): LiveSetup {
    if (this.#setup === undefined) {
      throw new Error(
        `Connection #${this.id} has not received its setup message yet; await server.waitForConnection().`,
      );
    }
    return this.#setup;
  }

  /** Every function declaration of the setup, flattened across `tools`. Empty before setup. */
  get declarations(): readonly LiveFunctionDeclarationPart[] {
    return (this.#setup?.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []);
  }

  /** The resumption handle the client presented in its setup, if it resumed a session. */
  get resumptionHandle(): string | undefined {
    return this.#setup?.sessionResumption?.handle || undefined;
  }

  /** True when the client's setup carried a session resumption handle. */
  get resumed(): boolean {
    return this.resumptionHandle !== undefined;
  }

  /** True when the setup asked for transparent resumption (`sessionResumption.transparent`). */
  get transparent(): boolean {
    return this.#setup?.sessionResumption?.transparent === true;
  }

  /**
   * Every client frame received, parsed, in order; the setup frame is first. With the server
   * option `keepFrames`, the setup and the newest `keepFrames` frames after it
   * ({@link FakeLiveConnection.forgottenFrames} counts those left out).
   */
  get frames(): readonly LiveClientFrame[] {
    return this.#state.frames;
  }

  /**
   * Client frames recorded, then forgotten because more than `keepFrames` (server option) came
   * after the setup; 0 without that option. The frame of index `i` (as given to
   * {@link FakeLiveConnection.onFrame}) is `frames[i - forgottenFrames]` while it is kept.
   */
  get forgottenFrames(): number {
    return this.#state.forgotten;
  }

  /** Raw text of frames that were not valid Live messages (each one closed the connection with 1007). */
  get invalidFrames(): readonly string[] {
    return this.#invalidFrames;
  }

  /**
   * Every frame the server sent on this connection, in order; with the server option
   * `keepFrames`, the newest `keepFrames` of them ({@link FakeLiveConnection.forgottenSentFrames}
   * counts those left out).
   */
  get sentFrames(): readonly LiveServerFrame[] {
    return this.#sentFrames;
  }

  /** Frames the server sent, then forgot because more than `keepFrames` (server option) followed; 0 without it. */
  get forgottenSentFrames(): number {
    return this.#forgottenSent;
  }

  /** Every function call the server issued on this connection. */
  get calls(): readonly LiveFunctionCallPart[] {
    return this.issuedCalls;
  }

  /**
   * The model profile this connection plays (server option `profile`); `undefined` when the
   * server plays none, or before the setup arrived.
   */
  get profile(): ModelProfile | undefined {
    return this.#profile?.profile;
  }

  /** Protocol violations the profile saw (each closed the connection with 1007); empty without a profile. */
  get profileViolations(): readonly FakeLiveProfileViolation[] {
    return this.#violations;
  }

  /**
   * How many `realtimeInput` frames the connection received after its setup, including those it
   * did not record (server option `recordMedia: false`).
   */
  get realtimeInputCount(): number {
    return this.#realtimeInputCount;
  }

  /** Bodies of every recorded `realtimeInput` frame. */
  get realtimeInputs(): readonly LiveRealtimeInput[] {
    return this.#state.frames.flatMap((f) => (f.realtimeInput ? [f.realtimeInput] : []));
  }

  /** Bodies of every `clientContent` frame. */
  get clientContents(): readonly LiveClientContent[] {
    return this.#state.frames.flatMap((f) => (f.clientContent ? [f.clientContent] : []));
  }

  /** How the connection ended; `undefined` while it is open. */
  get closeInfo(): FakeLiveCloseInfo | undefined {
    return this.#closeInfo;
  }

  /**
   * Every function response received, optionally only those for one call id; with the server
   * option `keepFrames`, those of the frames still kept.
   */
  toolResponses(callId?: string): readonly RecordedFunctionResponse[] {
    const responses = this.#state.responses;
    return callId === undefined ? responses : responses.filter((r) => r.id === callId);
  }

  /**
   * Listens to every frame received after setup, with its index in {@link FakeLiveConnection.frames}
   * (counting every frame received, setup 0, also those the server option `keepFrames` forgot since)
   * and the function responses it carried (as {@link FakeLiveConnection.toolResponses} records them).
   * Returns a function that removes the listener.
   */
  onFrame(
    listener: (frame: LiveClientFrame, index: number, responses: readonly RecordedFunctionResponse[]) => void,
  ): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  /** Listens for the end of the connection. Returns a function that removes the listener. */
  onClose(listener: (info: FakeLiveCloseInfo) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Closes the socket with a close frame. Resolves once it has closed. */
  close(code = 1000, reason = ''): Promise<FakeLiveCloseInfo> {
    if (this.#closeInfo === undefined && this.#closing === undefined) {
      const cut = closeReason(reason);
      // A frozen socket's own close() was replaced: reach the original. It throws for a code no
      // server may send, before anything is sent: the connection is then still open to a later close.
      (Object.getPrototypeOf(this.#socket) as WebSocket).close.call(this.#socket, code, cut);
      this.#closing = { code, reason: cut, initiator: 'server' };
    }
    return this.closed;
  }

  /** Ends the socket abruptly, without a close frame (the client sees 1006). Resolves once it has closed. */
  drop(): Promise<FakeLiveCloseInfo> {
    if (this.#closeInfo === undefined) {
      this.#closing = { code: 1006, reason: '', initiator: 'drop' };
      this.#socket.terminate();
    }
    return this.closed;
  }

  /**
   * Makes the connection hang, as a server that stopped answering: frames the client sends are
   * ignored from now on, and a close handshake the client starts is never answered. The
   * connection stays open until the client ends the socket ({@link FakeLiveConnection.closed}
   * then resolves, initiator `'client'`) or the server closes it.
   *
   * @example
   * ```ts
   * connection.freeze();
   * await session.close(); // resolves after closeTimeoutMs, once livetools terminated the socket
   * ```
   */
  freeze(): void {
    this.#frozen = true;
    // ws answers a close frame by calling close() on the socket: that answer is what is withheld.
    Object.defineProperty(this.#socket, 'close', { value: () => {}, configurable: true, writable: true });
  }

  /** True once {@link FakeLiveConnection.freeze} was called. */
  get frozen(): boolean {
    return this.#frozen;
  }

  /**
   * Resolves with the first frame that matches, including frames already received unless
   * `includePast` is `false`. Rejects on timeout or when the connection closes first.
   */
  waitForFrame<F extends LiveClientFrame>(
    predicate: (frame: LiveClientFrame) => frame is F,
    options?: FakeLiveWaitForFrameOptions,
  ): Promise<F>;
  waitForFrame(
    predicate: (frame: LiveClientFrame) => boolean,
    options?: FakeLiveWaitForFrameOptions,
  ): Promise<LiveClientFrame>;
  waitForFrame(
    predicate: (frame: LiveClientFrame) => boolean,
    options: FakeLiveWaitForFrameOptions = {},
  ): Promise<LiveClientFrame> {
    if (options.includePast !== false) {
      const past = this.#state.frames.find(predicate);
      if (past !== undefined) return Promise.resolve(past);
    }
    const what = options.description ?? 'a frame matching the predicate';
    return this.#frameWaiters.wait(predicate, options.timeoutMs ?? this.#timeoutMs, () =>
      this.#describe(what),
    );
  }

  /** Resolves with the first function response for `callId` (matching `predicate`, if given), past or future. */
  waitForToolResponse(
    callId: string,
    predicate: (response: RecordedFunctionResponse) => boolean = () => true,
    options: FakeLiveWaitOptions = {},
  ): Promise<RecordedFunctionResponse> {
    const match = (r: RecordedFunctionResponse) => r.id === callId && predicate(r);
    const past = this.#state.responses.find(match);
    if (past !== undefined) return Promise.resolve(past);
    const what = options.description ?? `a function response for "${callId}"`;
    return this.#responseWaiters.wait(match, options.timeoutMs ?? this.#timeoutMs, () =>
      this.#describe(what),
    );
  }

  /** Resolves when the connection has closed; rejects if it is still open after the timeout. */
  waitForClose(options: FakeLiveWaitOptions = {}): Promise<FakeLiveCloseInfo> {
    if (this.#closeInfo !== undefined) return Promise.resolve(this.#closeInfo);
    const what = options.description ?? 'the connection to close';
    return this.#closeWaiters.wait(
      () => true,
      options.timeoutMs ?? this.#timeoutMs,
      () => this.#describe(what),
    );
  }

  /** Accepts the setup: answers `setupComplete`, and starts the profile's session clocks. @internal */
  acceptSetup(): void {
    this.#accepted = true;
    this.send({ setupComplete: {} });
    const from = this.#state.resumedFrom;
    const before = from?.connection;
    this.#profile?.start(from?.model, before !== undefined && before.#profile?.sawVideo === true);
  }

  /**
   * Plays `profile` on this connection; returns the setup's violation, if any (the server then
   * refuses the setup with 1007). @internal
   */
  playProfile(profile: ModelProfile): FakeLiveProfileViolation | undefined {
    this.#profile = new ProfileEmulator(profile, this.setup, {
      sendNow: (frame) => this.write(frame),
      close: (code, reason) => void this.close(code, reason),
      clock: this.clock,
    });
    const violation = this.#profile.checkSetup();
    if (violation !== undefined) this.#violations.push(violation);
    return violation;
  }

  /** The profile this connection plays, if any. @internal */
  protected get emulator(): ProfileEmulator | undefined {
    return this.#profile;
  }

  /** The session state (for the resumption points of the handles this connection issues). @internal */
  protected get sessionState(): FakeSessionState {
    return this.#state;
  }

  #describe(what: string): string {
    const state = this.#closeInfo ? `closed ${this.#closeInfo.code}` : this.state;
    return `${what} on connection #${this.id} (${state}); ${describeClientFrames(this.#state.frames, this.#state.forgotten)}`;
  }

  /** Sends a server frame through the profile: held while the model waits, else written. @internal */
  protected send(message: LiveServerFrame): void {
    if (this.#closeInfo !== undefined) {
      throw new Error(`Connection #${this.id} is closed; nothing more can be sent on it.`);
    }
    const profile = this.#profile;
    if (profile?.holds(message)) {
      profile.hold(message);
      return;
    }
    this.write(message);
    profile?.sent(message);
    profile?.release(); // a cancellation may end the wait
  }

  /** Writes a frame at once, past the profile. @internal */
  protected write(message: object | string): void {
    if (this.#closeInfo !== undefined) {
      throw new Error(`Connection #${this.id} is closed; nothing more can be sent on it.`);
    }
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (typeof message !== 'string') {
      this.#sentFrames.push(message as LiveServerFrame);
      if (this.#sentFrames.length > this.#keep) {
        this.#sentFrames.shift();
        this.#forgottenSent++;
      }
    }
    // A socket that is closing drops the frame; the callback keeps ws from throwing.
    this.#socket.send(Buffer.from(text), { binary: true }, () => {});
  }

  /** Sends a string verbatim as one text frame. @internal */
  protected writeText(text: string): void {
    if (this.#closeInfo !== undefined) {
      throw new Error(`Connection #${this.id} is closed; nothing more can be sent on it.`);
    }
    this.#socket.send(text, { binary: false }, () => {});
  }

  #receive(data: RawData): void {
    if (this.#closeInfo !== undefined || this.#closing !== undefined || this.#frozen) return;
    if (
      !this.#recordMedia &&
      this.#setup !== undefined &&
      Buffer.isBuffer(data) &&
      mediaPrefixes.some((prefix) => startsWithBytes(data, prefix))
    ) {
      // Counted only: neither parsed nor validated, recorded, nor passed to listeners and waiters.
      this.#realtimeInputCount++;
      this.#state.countUnrecorded();
      this.#profile?.unparsedMedia(mediaKind(data));
      return;
    }
    const text = rawText(data);
    const frame = parseClientFrame(text);
    if (frame === undefined) {
      this.#invalidFrames.push(text);
      void this.close(FAKE_LIVE_CLOSES.invalidArgument.code, FAKE_LIVE_CLOSES.invalidArgument.reason);
      return;
    }
    if ((frame.setup !== undefined) !== (this.#setup === undefined)) {
      // Setup must come first, and only once.
      this.#invalidFrames.push(text);
      void this.close(FAKE_LIVE_CLOSES.invalidArgument.code, FAKE_LIVE_CLOSES.invalidArgument.reason);
      return;
    }
    const index = this.#state.record(frame);
    if (frame.realtimeInput !== undefined) this.#realtimeInputCount++;
    if (frame.setup) {
      this.#setup = frame.setup;
      const handle = frame.setup.sessionResumption?.handle;
      this.#state.resume(handle ? this.#resolveHandle?.(handle) : undefined);
      this.#onSetup(this);
      return;
    }
    if (!this.#accepted) return;
    const outcome = this.#profile?.received(frame);
    if (outcome?.violation !== undefined) {
      this.#violations.push(outcome.violation);
      void this.close(FAKE_LIVE_CLOSES.invalidArgument.code, FAKE_LIVE_CLOSES.invalidArgument.reason);
      return;
    }
    const responses = recordResponses(frame, index);
    this.#state.recordResponses(responses);
    for (const listener of this.#frameListeners) {
      try {
        listener(frame, index, responses);
      } catch (error) {
        void this.close(1011, internalErrorReason(error));
      }
    }
    this.#frameWaiters.offer(frame);
    for (const response of responses) this.#responseWaiters.offer(response);
  }

  #handleClose(code: number, reason: string): void {
    const info = this.#closing ?? { code, reason, initiator: 'client' as const };
    this.#closeInfo = info;
    this.#profile?.dispose();
    for (const timer of this.timers) timer.unsubscribe();
    this.#resolveClosed(info);
    this.#closeWaiters.offer(info);
    const message = `Connection #${this.id} closed (${describeClose(info)})`;
    this.#frameWaiters.closeAll(message);
    this.#responseWaiters.closeAll(message);
    for (const listener of this.#closeListeners) listener(info);
  }
}
