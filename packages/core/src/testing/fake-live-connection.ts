/**
 * One client connection to the fake Live server: what it received, and what a test makes it send.
 *
 * @packageDocumentation
 */

import type { Subscription } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import type { FunctionBehavior, ModelProfile } from '../profiles/model-profile.js';
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
import {
  type FakeInteractionStatus,
  type FakeLiveProfileViolation,
  type FakeTurnCompleteOptions,
  ProfileEmulator,
} from './fake-live-profile.js';
import {
  after,
  checkCloseCode,
  durationMs,
  durationString,
  FAKE_LIVE_CLOSES,
  type FakeGoAwayCloseOptions,
  type FakeLiveClock,
  realClock,
} from './fake-live-timing.js';
import type { LiveRoute } from './live-path.js';
import { Waiters } from './waiters.js';
import type {
  LiveClientContent,
  LiveClientFrame,
  LiveFunctionCall,
  LiveFunctionDeclaration,
  LiveFunctionResponse,
  LiveRealtimeInput,
  LiveScheduling,
  LiveServerFrame,
  LiveSetup,
} from './wire-types.js';

/**
 * Where a connection is in its life: waiting for the `setup` message, open, or closed.
 *
 * @example
 * ```ts
 * if (connection.state === 'open') connection.interrupt();
 * ```
 */
export type FakeLiveConnectionState = 'awaiting-setup' | 'open' | 'closed';

/**
 * Which API a connection reached: the Gemini Developer API, or Vertex AI (a client made with
 * `vertexai: true` and an API key, Vertex AI express mode).
 *
 * @example
 * ```ts
 * if (connection.platform === 'vertex-ai') expect(connection.setup.model).toMatch(/^publishers\//);
 * ```
 */
export type FakeLivePlatform = 'gemini-api' | 'vertex-ai';

/**
 * How a connection ended. `initiator` is `'server'` for {@link FakeLiveConnection.close} and for
 * protocol errors, `'drop'` for {@link FakeLiveConnection.drop}, `'client'` otherwise.
 *
 * @example
 * ```ts
 * const { code, reason } = await connection.waitForClose();
 * ```
 */
export interface FakeLiveCloseInfo {
  /** The WebSocket close code (1006 for a drop). */
  readonly code: number;
  /** The close reason; empty when none was given. */
  readonly reason: string;
  /** Who ended the connection: the server (a test or a protocol error), the client, or a drop. */
  readonly initiator: 'server' | 'client' | 'drop';
}

/**
 * Options of every `waitFor*` helper.
 *
 * @example
 * ```ts
 * await connection.waitForFrame((f) => f.realtimeInput !== undefined, { timeoutMs: 500 });
 * ```
 */
export interface FakeLiveWaitOptions {
  /** How long to wait before rejecting with a `FakeLiveWaitError` (default: the server's `timeoutMs`, 2000). */
  readonly timeoutMs?: number;
  /** What is awaited, for the error message. */
  readonly description?: string;
}

/**
 * Options of {@link FakeLiveConnection.waitForFrame}.
 *
 * @example
 * ```ts
 * await connection.waitForFrame((f) => f.clientContent !== undefined, { includePast: false });
 * ```
 */
export interface FakeLiveWaitForFrameOptions extends FakeLiveWaitOptions {
  /** Also match frames received before the call (default `true`). */
  readonly includePast?: boolean;
}

/**
 * One function response received from the client, with `scheduling` resolved from either place it may sit.
 *
 * @example
 * ```ts
 * const [first] = connection.toolResponses('function-call-1');
 * console.log(first?.output, first?.willContinue, first?.scheduling);
 * ```
 */
export interface RecordedFunctionResponse {
  /** The call id the response answers. */
  readonly id: string | undefined;
  /** The function name. */
  readonly name: string | undefined;
  /** `response.output`. */
  readonly output: unknown;
  /** `response.error`. */
  readonly error: unknown;
  /** `true` when more responses for this call follow; `false` or `undefined` for a final one. */
  readonly willContinue: boolean | undefined;
  /** The top-level `scheduling`, else `response.scheduling`; `undefined` when neither is set. */
  readonly scheduling: LiveScheduling | undefined;
  /** Where `scheduling` was found. */
  readonly schedulingPlacement: 'top-level' | 'response' | undefined;
  /** Index of the carrying frame in {@link FakeLiveConnection.frames}. */
  readonly frameIndex: number;
  /** The function response exactly as received. */
  readonly raw: LiveFunctionResponse;
}

/**
 * A function call for {@link FakeLiveConnection.callTools}; `id` is generated when omitted.
 *
 * @example
 * ```ts
 * const call: FakeToolCall = { name: 'countdown', args: { n: 3 } };
 * ```
 */
export interface FakeToolCall {
  /** The function to call. */
  readonly name: string;
  /** Its arguments (default `{}`). */
  readonly args?: Readonly<Record<string, unknown>>;
  /** The call id (default `function-call-<n>`, numbered across the server). */
  readonly id?: string;
}

/**
 * The session state a resumption handle stands for: the client messages of `connection`'s session
 * up to and including `lastIndex` (`-1`: none). @internal
 */
export interface FakeResumptionPoint {
  readonly connection: FakeLiveConnection;
  readonly lastIndex: number;
}

/** What the server hands a new connection. @internal */
export interface FakeLiveConnectionInit {
  readonly id: number;
  readonly socket: WebSocket;
  readonly route: LiveRoute;
  readonly timeoutMs: number;
  readonly nextCallId: () => string;
  /** Called once the `setup` frame is recorded; the server accepts or refuses the connection. */
  readonly onSetup: (connection: FakeLiveConnection) => void;
  /** Records what a handle sent in a `sessionResumptionUpdate` stands for (server-wide). */
  readonly registerHandle?: (handle: string, point: FakeResumptionPoint) => void;
  /** What a handle presented in a setup stands for; `undefined` for a handle this server never issued. */
  readonly resolveHandle?: (handle: string) => FakeResumptionPoint | undefined;
  /** `false`: count audio and video chunks after setup without parsing or recording them (default `true`). */
  readonly recordMedia?: boolean;
  /** The scheduler and time scale of timed closes (default: real time). */
  readonly clock?: FakeLiveClock;
}

/**
 * One connection to the fake Live server. Records every client frame and sends server frames on
 * command. Created by the server; obtain it from `server.waitForConnection()` or `server.connections`.
 *
 * @example
 * ```ts
 * const connection = await server.waitForConnection();
 * const id = connection.callTool('countdown', { n: 3 });
 * const response = await connection.waitForToolResponse(id);
 * connection.interrupt();
 * ```
 */
export class FakeLiveConnection {
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
  readonly #nextCallId: () => string;
  readonly #onSetup: (connection: FakeLiveConnection) => void;
  readonly #registerHandle: ((handle: string, point: FakeResumptionPoint) => void) | undefined;
  readonly #resolveHandle: ((handle: string) => FakeResumptionPoint | undefined) | undefined;
  #resumedFrom: FakeResumptionPoint | undefined;
  readonly #frames: LiveClientFrame[] = [];
  /** The session index of each recorded frame (`-1` for the setup), parallel to `#frames`. */
  readonly #frameSessionIndexes: number[] = [];
  readonly #recordMedia: boolean;
  #realtimeInputCount = 0;
  /** Media frames counted but not recorded (`recordMedia: false`). */
  #unrecordedCount = 0;
  readonly #invalidFrames: string[] = [];
  readonly #sentFrames: LiveServerFrame[] = [];
  readonly #calls: LiveFunctionCall[] = [];
  readonly #responses: RecordedFunctionResponse[] = [];
  readonly #frameWaiters = new Waiters<LiveClientFrame>();
  readonly #responseWaiters = new Waiters<RecordedFunctionResponse>();
  readonly #closeWaiters = new Waiters<FakeLiveCloseInfo>();
  readonly #frameListeners = new Set<
    (frame: LiveClientFrame, index: number, responses: readonly RecordedFunctionResponse[]) => void
  >();
  readonly #closeListeners = new Set<(info: FakeLiveCloseInfo) => void>();
  readonly #clock: FakeLiveClock;
  #profile: ProfileEmulator | undefined;
  readonly #violations: FakeLiveProfileViolation[] = [];
  readonly #timers: Subscription[] = [];
  #accepted = false;
  #frozen = false;
  #setup: LiveSetup | undefined;
  #closeInfo: FakeLiveCloseInfo | undefined;
  #closing: FakeLiveCloseInfo | undefined;
  #resolveClosed: (info: FakeLiveCloseInfo) => void = () => {};

  /** @internal */
  constructor(init: FakeLiveConnectionInit) {
    this.id = init.id;
    this.apiVersion = init.route.apiVersion;
    this.method = init.route.method;
    this.credential = init.route.credential;
    this.platform = init.route.platform;
    this.#registerHandle = init.registerHandle;
    this.#resolveHandle = init.resolveHandle;
    this.#socket = init.socket;
    this.#timeoutMs = init.timeoutMs;
    this.#nextCallId = init.nextCallId;
    this.#onSetup = init.onSetup;
    this.#recordMedia = init.recordMedia ?? true;
    this.#clock = init.clock ?? realClock;
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
  get declarations(): readonly LiveFunctionDeclaration[] {
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
   * The session index of the first client message after this connection's setup. Client messages
   * are numbered per session from 0, setup messages not counted. A new session starts at 0; a
   * connection that resumed with a handle this server issued continues after the last message that
   * handle covers (so messages received on the old connection after the handle was issued are not
   * part of the resumed session); an unknown handle starts a new numbering at 0.
   */
  get firstClientMessageIndex(): number {
    return this.#resumedFrom === undefined ? 0 : this.#resumedFrom.lastIndex + 1;
  }

  /**
   * The session index of the last client message in this session's state (the value a
   * `sessionResumptionUpdate` carries as `lastConsumedClientMessageIndex` when the setup asked for
   * transparent resumption); `undefined` when the session holds none yet.
   */
  get lastConsumedClientMessageIndex(): number | undefined {
    const last = this.firstClientMessageIndex + this.#clientMessageCount() - 1;
    return last >= 0 ? last : undefined;
  }

  /**
   * The client messages in the session's state as this connection sees it, setup messages left
   * out: those the resumption handle carried over from earlier connections, then those received
   * here. Element `i` is the message with session index `i`. A message that the client sent on an
   * old connection after the handle it resumed with was issued is not in it (the server resumed
   * from the handle's state), so a message replayed after a transparent resumption appears once.
   */
  get sessionFrames(): readonly LiveClientFrame[] {
    return this.#sessionEntries().map((entry) => entry.frame);
  }

  /**
   * Every function response in the session's state (see {@link FakeLiveConnection.sessionFrames}),
   * optionally only those for one call id. `frameIndex` refers to the connection that received each one.
   */
  sessionToolResponses(callId?: string): readonly RecordedFunctionResponse[] {
    const all = this.#sessionResponses().map((entry) => entry.response);
    return callId === undefined ? all : all.filter((r) => r.id === callId);
  }

  /** Every client frame received, parsed, in order; the setup frame is first. */
  get frames(): readonly LiveClientFrame[] {
    return this.#frames;
  }

  /** Raw text of frames that were not valid Live messages (each one closed the connection with 1007). */
  get invalidFrames(): readonly string[] {
    return this.#invalidFrames;
  }

  /** Every frame the server sent on this connection, in order. */
  get sentFrames(): readonly LiveServerFrame[] {
    return this.#sentFrames;
  }

  /** Every function call the server issued on this connection. */
  get calls(): readonly LiveFunctionCall[] {
    return this.#calls;
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
   * Server frames held back because the model waits for the response to a `BLOCKING` call before
   * it says or calls anything else; they go out, in order, once the last such call is answered or
   * cancelled. Always empty without a profile.
   */
  get heldFrames(): readonly LiveServerFrame[] {
    return this.#profile?.heldFrames ?? [];
  }

  /**
   * Ids of the calls the model runs now (issued, neither answered with a final response nor
   * cancelled), with the behaviour it runs each with. Empty without a profile.
   */
  get runningCalls(): ReadonlyMap<string, FunctionBehavior> {
    return this.#profile?.runningCalls ?? new Map();
  }

  /**
   * How the model runs a call to `name` under the profile: its declared `behavior` where the model
   * allows both, else the only one it has, and the profile's default for a declaration without one.
   * `undefined` without a profile.
   */
  behaviorOf(name: string): FunctionBehavior | undefined {
    return this.#profile?.behaviorOf(name);
  }

  /**
   * False while a resumption update would say `resumable: false` under the profile (calls run, the
   * model generates, or an interaction is in progress, on a model whose handles are not resumable
   * then). Always true without a profile.
   */
  get resumable(): boolean {
    return this.#profile?.resumable ?? true;
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
    return this.#frames.flatMap((f) => (f.realtimeInput ? [f.realtimeInput] : []));
  }

  /** Bodies of every `clientContent` frame. */
  get clientContents(): readonly LiveClientContent[] {
    return this.#frames.flatMap((f) => (f.clientContent ? [f.clientContent] : []));
  }

  /** How the connection ended; `undefined` while it is open. */
  get closeInfo(): FakeLiveCloseInfo | undefined {
    return this.#closeInfo;
  }

  /** Every function response received, optionally only those for one call id. */
  toolResponses(callId?: string): readonly RecordedFunctionResponse[] {
    return callId === undefined ? this.#responses : this.#responses.filter((r) => r.id === callId);
  }

  /**
   * Listens to every frame received after setup, with its index in {@link FakeLiveConnection.frames}
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

  /** Sends one `toolCall` with a single function call and returns its id (`function-call-<n>` when omitted). */
  callTool(name: string, args: Readonly<Record<string, unknown>> = {}, id?: string): string {
    const [callId] = this.callTools([id === undefined ? { name, args } : { name, args, id }]);
    return callId!;
  }

  /** Sends one `toolCall` frame carrying several function calls; returns their ids in order. */
  callTools(calls: readonly FakeToolCall[]): string[] {
    const functionCalls = calls.map((c) => ({
      id: c.id ?? this.#nextCallId(),
      name: c.name,
      args: c.args ?? {},
    }));
    this.#send({ toolCall: { functionCalls } });
    this.#calls.push(...functionCalls);
    return functionCalls.map((c) => c.id);
  }

  /** Sends `toolCallCancellation` for the given call ids. */
  cancelToolCalls(ids: string | readonly string[]): void {
    this.#send({ toolCallCancellation: { ids: typeof ids === 'string' ? [ids] : [...ids] } });
  }

  /** Sends `serverContent.interrupted`: the user barged in on the model's speech. */
  interrupt(): void {
    this.#send({ serverContent: { interrupted: true } });
  }

  /**
   * Sends a model text chunk (`modelTurn` with one text part); `turnComplete` defaults to `false`.
   * With `turnComplete`, `interactionStatus` is chosen as {@link FakeLiveConnection.sendTurnComplete} does.
   */
  sendModelText(
    text: string,
    options: { readonly turnComplete?: boolean; readonly interactionStatus?: FakeInteractionStatus } = {},
  ): void {
    const status =
      options.interactionStatus ?? (options.turnComplete ? this.#profile?.turnCompleteStatus : undefined);
    this.#send({
      serverContent: {
        modelTurn: { role: 'model', parts: [{ text }] },
        ...(options.turnComplete ? { turnComplete: true } : {}),
        ...(status === undefined ? {} : { interactionStatus: status }),
      },
    });
  }

  /** Sends a model audio chunk: base64 16-bit PCM, `audio/pcm;rate=24000` unless told otherwise. */
  sendModelAudio(base64Pcm: string, options: { readonly mimeType?: string } = {}): void {
    const mimeType = options.mimeType ?? 'audio/pcm;rate=24000';
    this.#send({
      serverContent: { modelTurn: { role: 'model', parts: [{ inlineData: { mimeType, data: base64Pcm } }] } },
    });
  }

  /** Sends `serverContent.inputTranscription`: what the user said. */
  sendInputTranscription(text: string): void {
    this.#send({ serverContent: { inputTranscription: { text } } });
  }

  /** Sends `serverContent.outputTranscription`: what the model said. */
  sendOutputTranscription(text: string): void {
    this.#send({ serverContent: { outputTranscription: { text } } });
  }

  /** Sends `serverContent.turnComplete` (as {@link FakeLiveConnection.sendTurnComplete} with no options). */
  turnComplete(): void {
    this.sendTurnComplete();
  }

  /**
   * Sends `serverContent.turnComplete` with the new turn fields. Under a profile whose idle signal
   * is `interactionStatus` (extended thinking), `interactionStatus` defaults to `IN_PROGRESS` while
   * calls run and `IDLE` otherwise, so a test shows that a `turnComplete` need not mean the model is idle.
   *
   * @example
   * ```ts
   * connection.sendModelText('Let me look that up.');
   * connection.sendTurnComplete(); // on extended thinking with a call running: interactionStatus IN_PROGRESS
   * ```
   */
  sendTurnComplete(options: FakeTurnCompleteOptions = {}): void {
    const status = options.interactionStatus ?? this.#profile?.turnCompleteStatus;
    this.#send({
      serverContent: {
        turnComplete: true,
        ...(status === undefined ? {} : { interactionStatus: status }),
        ...(options.turnCompleteReason === undefined
          ? {}
          : { turnCompleteReason: options.turnCompleteReason }),
        ...(options.waitingForInput === undefined ? {} : { waitingForInput: options.waitingForInput }),
      },
    });
  }

  /** Sends `serverContent.generationComplete`. */
  generationComplete(): void {
    this.#send({ serverContent: { generationComplete: true } });
  }

  /** Sends `goAway`: the connection will end after `timeLeft` (a duration string, default `"50s"`). */
  goAway(timeLeft = '50s'): void {
    this.#send({ goAway: { timeLeft } });
  }

  /**
   * Sends `goAway` and closes the connection once `timeLeft` has passed on the server's scheduler
   * (server options `scheduler` and `timeScale`), as the real service does. `timeLeft` is a
   * duration string (`"50s"`, `"0.5s"`) or milliseconds; anything else throws a `LivetoolsError`
   * (`INVALID_OPTION`), as does a `code` no server may send. The close is 1011 {@link FAKE_LIVE_CLOSES}`.goAwayTimeLeft` unless told
   * otherwise, and is dropped if the connection closed before.
   *
   * @example
   * ```ts
   * const scheduler = new VirtualTimeScheduler();
   * await using server = await createFakeLiveServer({ scheduler });
   * // ... connect, then:
   * connection.goAwayThenClose('50s');
   * scheduler.flush(); // 50 virtual seconds later: close 1011
   * ```
   */
  goAwayThenClose(timeLeft: string | number = '50s', options: FakeGoAwayCloseOptions = {}): void {
    const ms = durationMs(timeLeft);
    const code = checkCloseCode(options.code ?? FAKE_LIVE_CLOSES.goAwayTimeLeft.code);
    this.#send({ goAway: { timeLeft: typeof timeLeft === 'string' ? timeLeft : durationString(ms) } });
    const reason = options.reason ?? FAKE_LIVE_CLOSES.goAwayTimeLeft.reason;
    this.#timers.push(after(this.#clock, ms, () => void this.close(code, reason)));
  }

  /**
   * Sends `sessionResumptionUpdate` with a new handle. When the setup asked for transparent
   * resumption, it also carries `lastConsumedClientMessageIndex` (an int64 as a string, as proto
   * JSON sends it): the session index of the last client message received so far, left out while
   * the session holds none. The handle stands for the session up to that message: a connection
   * that resumes with it continues from there.
   *
   * Under a profile whose handles are not resumable while calls run (every documented model), an
   * update asked for while calls run or the model generates goes out as `{ resumable: false }`
   * without a handle, and the handle is not issued. Returns whether the update was resumable.
   */
  sendResumptionUpdate(handle: string, resumable = true): boolean {
    if (resumable && !this.resumable) {
      this.#send({ sessionResumptionUpdate: { resumable: false } });
      return false;
    }
    const last = this.lastConsumedClientMessageIndex;
    if (resumable && handle !== '') {
      this.#registerHandle?.(handle, {
        connection: this,
        lastIndex: last ?? this.firstClientMessageIndex - 1,
      });
    }
    this.#send({
      sessionResumptionUpdate: {
        newHandle: handle,
        resumable,
        ...(this.transparent && last !== undefined ? { lastConsumedClientMessageIndex: String(last) } : {}),
      },
    });
    return resumable;
  }

  /**
   * Sends any object as one binary JSON frame, or a string verbatim as one binary frame. It goes
   * out at once, past the profile: never held, and not counted as model output or calls.
   */
  sendRaw(message: object | string): void {
    this.#write(message);
  }

  /**
   * Sends a string verbatim as one text frame (the Live API sends binary frames; a proxy may turn
   * them into text frames). Like a string given to {@link sendRaw}, it is not recorded in {@link sentFrames}.
   */
  sendRawText(text: string): void {
    if (this.#closeInfo !== undefined) {
      throw new Error(`Connection #${this.id} is closed; nothing more can be sent on it.`);
    }
    this.#socket.send(text, { binary: false }, () => {});
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
      const past = this.#frames.find(predicate);
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
    const past = this.#responses.find(match);
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
    this.#send({ setupComplete: {} });
    const from = this.#resumedFrom;
    this.#profile?.start(from === undefined ? undefined : from.connection.#profile);
  }

  /**
   * Plays `profile` on this connection; returns the setup's violation, if any (the server then
   * refuses the setup with 1007). @internal
   */
  playProfile(profile: ModelProfile): FakeLiveProfileViolation | undefined {
    this.#profile = new ProfileEmulator(profile, this.setup, {
      sendNow: (frame) => this.#write(frame),
      close: (code, reason) => void this.close(code, reason),
      clock: this.#clock,
    });
    const violation = this.#profile.checkSetup();
    if (violation !== undefined) this.#violations.push(violation);
    return violation;
  }

  #clientMessageCount(): number {
    return this.#frames.length - (this.#setup === undefined ? 0 : 1) + this.#unrecordedCount;
  }

  /** The recorded client messages in the session's state, each with its session index. */
  #sessionEntries(): { readonly index: number; readonly frame: LiveClientFrame }[] {
    const from = this.#resumedFrom;
    const inherited =
      from === undefined ? [] : from.connection.#sessionEntries().filter((e) => e.index <= from.lastIndex);
    const own = this.#frames.flatMap((frame, i) =>
      frame.setup === undefined ? [{ index: this.#frameSessionIndexes[i] ?? -1, frame }] : [],
    );
    return [...inherited, ...own];
  }

  /** The function responses in the session's state, each with its session index. */
  #sessionResponses(): { readonly index: number; readonly response: RecordedFunctionResponse }[] {
    const from = this.#resumedFrom;
    const inherited =
      from === undefined ? [] : from.connection.#sessionResponses().filter((e) => e.index <= from.lastIndex);
    return [
      ...inherited,
      ...this.#responses.map((response) => ({
        index: this.#frameSessionIndexes[response.frameIndex] ?? -1,
        response,
      })),
    ];
  }

  #describe(what: string): string {
    const state = this.#closeInfo ? `closed ${this.#closeInfo.code}` : this.state;
    return `${what} on connection #${this.id} (${state}); ${describeClientFrames(this.#frames)}`;
  }

  /** Sends a server frame through the profile: held while the model waits, else written. */
  #send(message: LiveServerFrame): void {
    if (this.#closeInfo !== undefined) {
      throw new Error(`Connection #${this.id} is closed; nothing more can be sent on it.`);
    }
    const profile = this.#profile;
    if (profile?.holds(message)) {
      profile.hold(message);
      return;
    }
    this.#write(message);
    profile?.sent(message);
    profile?.release(); // a cancellation may end the wait
  }

  #write(message: object | string): void {
    if (this.#closeInfo !== undefined) {
      throw new Error(`Connection #${this.id} is closed; nothing more can be sent on it.`);
    }
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (typeof message !== 'string') this.#sentFrames.push(message as LiveServerFrame);
    // A socket that is closing drops the frame; the callback keeps ws from throwing.
    this.#socket.send(Buffer.from(text), { binary: true }, () => {});
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
      this.#unrecordedCount++;
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
    const index = this.#frames.push(frame) - 1;
    this.#frameSessionIndexes[index] =
      frame.setup === undefined ? this.firstClientMessageIndex + this.#clientMessageCount() - 1 : -1;
    if (frame.realtimeInput !== undefined) this.#realtimeInputCount++;
    if (frame.setup) {
      this.#setup = frame.setup;
      const handle = frame.setup.sessionResumption?.handle;
      this.#resumedFrom = handle ? this.#resolveHandle?.(handle) : undefined;
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
    this.#responses.push(...responses);
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
    for (const timer of this.#timers) timer.unsubscribe();
    this.#resolveClosed(info);
    this.#closeWaiters.offer(info);
    const message = `Connection #${this.id} closed (${describeClose(info)})`;
    this.#frameWaiters.closeAll(message);
    this.#responseWaiters.closeAll(message);
    for (const listener of this.#closeListeners) listener(info);
  }
}
