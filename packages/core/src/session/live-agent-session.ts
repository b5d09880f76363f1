import { filter, map, type Observable, type SchedulerLike, Subject, type Subscription } from 'rxjs';
import type { DeliveryContext, DeliveryStrategy } from '../delivery/delivery.js';
import { describeError, LivetoolsError } from '../errors.js';
import type { ToolEvent } from '../scheduler/events.js';
import type { StoppedCall } from '../scheduler/stop-streaming-tool.js';
import { type CallInfo, type StopTarget, ToolScheduler } from '../scheduler/tool-scheduler.js';
import type { LiveFunctionResponse } from '../scheduler/wire.js';
import type { AudioChunk, Logger, TextInput, ToolInputStreams, VideoFrame } from '../tool/context.js';
import type { AnyTool } from '../tool/define-tool.js';
import type {
  GenAIClient,
  GenAILiveSession,
  LiveSessionConfig,
  WireCloseEvent,
  WireServerMessage,
} from './genai-like.js';
import type { LiveEvent, SessionEvent } from './live-events.js';
import { type OutboundMessage, ResponseOutbox } from './response-outbox.js';
import { type SessionMetrics, SessionMetricsRecorder } from './session-metrics.js';
import { type TracerLike, traceToolEvents } from './tool-tracing.js';

/** @internal Everything a session needs, resolved by `createLiveAgent`. */
export interface SessionSettings {
  readonly ai: GenAIClient;
  readonly model: string;
  readonly tools: readonly AnyTool[];
  readonly config: LiveSessionConfig;
  readonly delivery: DeliveryStrategy;
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly reconnect: {
    readonly attempts: number;
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
  };
  readonly bufferedResultsPerCall: number;
  /** Measure the JSON length of every function response. */
  readonly measureBytes: boolean;
  /**
   * Transparent resumption: the setup asks for it, and a handle covers the client messages up to
   * its `lastConsumedClientMessageIndex` (without it, what was written when the handle arrived).
   */
  readonly transparentResumption: boolean;
  /** Where tool-call spans go; none when absent. */
  readonly tracer?: TracerLike | undefined;
}

type State = 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

interface Connection {
  readonly session: GenAILiveSession;
  readonly generation: number;
}

/** Bytes or an already base64-encoded string. */
export type MediaData = Uint8Array | string;

/** One chunk of model audio, as published on {@link LiveAgentSession.audio$}. */
export interface ModelAudioChunk {
  /** Base64-encoded 16-bit PCM. */
  readonly data: string;
  /** Its type, e.g. `audio/pcm;rate=24000`. */
  readonly mimeType: string;
}

const TOOL_EVENTS = new Set<string>([
  'tool-call',
  'tool-queued',
  'tool-start',
  'tool-result',
  'tool-end',
  'response-error',
] satisfies ToolEvent['type'][]);

function toBase64(data: MediaData): string {
  return typeof data === 'string'
    ? data
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/**
 * A connected live session: server traffic as Observables, methods to send input, and the tool
 * scheduler that runs the model's tool calls. Made by `LiveAgent.connect()`.
 *
 * @example
 * ```ts
 * const session = await agent.connect();
 * session.events$.subscribe((e) => e.type === 'model-text' && process.stdout.write(e.text));
 * session.sendText('Watch AAPL and tell me when it moves.');
 * // ...
 * await session.close();
 * ```
 */
export class LiveAgentSession implements AsyncDisposable {
  /** Every session and tool event, in order. Hot; completes after the `closed` event. */
  readonly events$: Observable<LiveEvent>;
  /** Every server message as received (the SDK's `LiveServerMessage` objects). */
  readonly messages$: Observable<WireServerMessage>;
  /** Model text, part by part. */
  readonly text$: Observable<string>;
  /** Model audio chunks (base64 PCM, 24 kHz). */
  readonly audio$: Observable<ModelAudioChunk>;
  /** Realtime input as published to tools (`ctx.input`). */
  readonly input: ToolInputStreams;

  private readonly events = new Subject<LiveEvent>();
  private readonly messages = new Subject<WireServerMessage>();
  private readonly video = new Subject<VideoFrame>();
  private readonly audioIn = new Subject<AudioChunk>();
  private readonly textIn = new Subject<TextInput>();
  private readonly scheduler: ToolScheduler;
  /** Client messages produced while no connection could take them, in order. */
  private readonly held: ResponseOutbox;
  /**
   * With session resumption: messages written and not yet covered by a handle (with transparent
   * resumption, not yet acknowledged by the server's `lastConsumedClientMessageIndex`).
   */
  private readonly unacked: ResponseOutbox;
  private readonly idleQueue: (() => void)[] = [];
  private readonly toolEvents: Subscription;
  private readonly recorder = new SessionMetricsRecorder();
  private connection: Connection | undefined;
  private generation = 0;
  private state: State = 'connecting';
  private handle: string | undefined;
  /** The last client message index the stored handle covers (`-1`: none). */
  private handleCovers = -1;
  /** While resuming after a goAway: the connection being left, still open until the resumption ends. */
  private leaving: Connection | undefined;
  /** The index the next client message written gets (client messages of the session, from 0, setups not counted). */
  private nextIndex = 0;
  private modelTurnActive = false;
  private closedPromise: Promise<void> | undefined;
  /** The first connection's early messages, each with the last client message index written when it arrived. */
  private deferred: { message: WireServerMessage; written: number }[] | undefined;
  private resolveSocketClosed: (() => void) | undefined;
  private readonly deliveryContext: DeliveryContext = {
    whenIdle: (fn) => (this.modelTurnActive ? this.idleQueue.push(fn) : fn()),
  };

  /** @internal Use `createLiveAgent(...).connect()`. */
  constructor(private readonly settings: SessionSettings) {
    const onDrop = (callId: string) => this.recorder.drop(callId);
    this.held = new ResponseOutbox(settings.bufferedResultsPerCall, onDrop);
    this.unacked = new ResponseOutbox(settings.bufferedResultsPerCall, onDrop);
    this.input = {
      video$: this.video.asObservable(),
      audio$: this.audioIn.asObservable(),
      text$: this.textIn.asObservable(),
    };
    this.scheduler = new ToolScheduler({
      tools: settings.tools,
      scheduler: settings.scheduler,
      logger: settings.logger,
      measureBytes: settings.measureBytes,
      input: this.input,
      sink: { send: (responses) => this.sendResponses(responses) },
    });
    this.events$ = this.events.asObservable();
    this.messages$ = this.messages.asObservable();
    this.text$ = this.events$.pipe(
      filter((e) => e.type === 'model-text'),
      map((e) => e.text),
    );
    this.audio$ = this.events$.pipe(
      filter((e) => e.type === 'model-audio'),
      map((e) => ({ data: e.data, mimeType: e.mimeType })),
    );
    if (settings.tracer) {
      traceToolEvents(
        this.events$.pipe(filter((e): e is ToolEvent => TOOL_EVENTS.has(e.type))),
        settings.tracer,
      );
    }
    this.toolEvents = this.scheduler.events$.subscribe((e) => this.events.next(this.recorder.record(e)));
  }

  /** The function declarations sent in the setup message. */
  declarations() {
    return this.settings.delivery.declarations(this.scheduler.declarations());
  }

  /** True until the session is closed. */
  get isOpen(): boolean {
    return this.state !== 'closed' && this.state !== 'closing';
  }

  /** True while the session is waiting for a resumed connection. */
  get isReconnecting(): boolean {
    return this.state === 'reconnecting';
  }

  /** The tool calls that are validating, queued or running. */
  activeCalls(): CallInfo[] {
    return this.scheduler.activeCalls();
  }

  /**
   * A summary of the session so far: calls by stage and end reason, results, bytes, p50/p99 time
   * to first result, messages sent, resumptions, messages replayed and results dropped. Each call
   * returns a fresh snapshot; it stays readable after the session closed.
   *
   * @example
   * ```ts
   * const { calls, timeToFirstResultMs, reconnections } = session.metrics();
   * logger.info({ calls, timeToFirstResultMs, reconnections }, 'live session');
   * ```
   */
  metrics(): SessionMetrics {
    return this.recorder.snapshot();
  }

  /** Stops tool calls on the application's behalf; each gets a final response. */
  stopTool(target: StopTarget): StoppedCall[] {
    return this.scheduler.stop(target);
  }

  /**
   * Sends a user text turn (`clientContent`). While reconnecting it is held and sent after the
   * resumption, in order.
   */
  sendText(text: string, options: { turnComplete?: boolean } = {}): void {
    this.assertOpen();
    this.textIn.next({ text, time: this.now() });
    this.write({
      method: 'sendClientContent',
      params: { turns: [{ role: 'user', parts: [{ text }] }], turnComplete: options.turnComplete ?? true },
      callId: undefined,
      intermediate: false,
    });
  }

  /** Sends text as realtime input (`realtimeInput.text`). */
  sendRealtimeText(text: string): void {
    this.textIn.next({ text, time: this.now() });
    this.realtime({ text });
  }

  /** Sends a chunk of microphone audio: 16-bit little-endian PCM, 16 kHz by default. */
  sendAudio(data: MediaData, mimeType = 'audio/pcm;rate=16000'): void {
    const b64 = toBase64(data);
    this.audioIn.next({ data: b64, mimeType, time: this.now() });
    this.realtime({ audio: { data: b64, mimeType } });
  }

  /** Sends one video frame (a JPEG by default). Tools subscribed to `ctx.input.video$` receive it. */
  sendVideoFrame(data: MediaData, mimeType = 'image/jpeg'): void {
    const b64 = toBase64(data);
    this.video.next({ data: b64, mimeType, time: this.now() });
    this.realtime({ video: { data: b64, mimeType } });
  }

  /** Marks the start of user activity (with automatic activity detection off). */
  sendActivityStart(): void {
    this.realtime({ activityStart: {} });
  }

  /** Marks the end of user activity. */
  sendActivityEnd(): void {
    this.realtime({ activityEnd: {} });
  }

  /** Tells the server the audio stream paused (flushes its buffered audio). */
  sendAudioStreamEnd(): void {
    this.realtime({ audioStreamEnd: true });
  }

  /**
   * Closes the session: every tool is torn down (nothing more is sent for them), then the socket
   * is closed. Resolves once both are done (the socket wait is bounded by `closeTimeoutMs`).
   */
  close(): Promise<void> {
    if (!this.closedPromise) this.closedPromise = this.closeNow();
    return this.closedPromise;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal Opens the first connection; rejects with a clear error when it cannot. */
  async open(): Promise<void> {
    try {
      await this.attach(false);
    } catch (error) {
      this.teardown('connection-lost', describeError(error), undefined, false);
      throw error;
    }
  }

  private now(): number {
    return this.settings.scheduler.now();
  }

  private emit(event: SessionEvent): void {
    if (this.state !== 'closed') this.events.next(this.recorder.record(event));
  }

  private assertOpen(): void {
    if (this.state === 'closed' || this.state === 'closing') {
      throw new LivetoolsError(
        'SESSION_CLOSED',
        'This live session is closed; connect a new one with agent.connect().',
      );
    }
  }

  /** The SDK session to write to, or `undefined` while there is none to write to. */
  private writable(): GenAILiveSession | undefined {
    return this.state === 'open' ? this.connection?.session : undefined;
  }

  private realtime(params: Parameters<GenAILiveSession['sendRealtimeInput']>[0]): void {
    this.assertOpen();
    const session = this.writable();
    if (session) {
      session.sendRealtimeInput(params);
      // Counted (the server numbers every client message) but never replayed: stale audio and
      // video are of no use after a reconnection.
      this.nextIndex += 1;
      this.recorder.sent(false);
    } else
      this.settings.logger.debug('realtime input not sent: the session is reconnecting', {
        keys: Object.keys(params),
      });
  }

  /**
   * Writes one client message to the current connection, numbering it, and with session
   * resumption keeps it until a handle covers it. Without a connection it is held, in order, for
   * the next one.
   */
  private write(message: OutboundMessage): void {
    const session = this.writable();
    if (!session) {
      this.held.push(message);
      return;
    }
    (session[message.method] as (params: unknown) => void)(message.params);
    const index = this.nextIndex++;
    this.recorder.sent(message.replay === true);
    if (this.settings.config.sessionResumption) this.unacked.push(message, index);
  }

  /**
   * Delivers responses one by one, each through a connection stand-in that routes what the
   * delivery strategy writes through {@link write}: messages are numbered and held or replayed
   * whatever the strategy, and a write deferred until the model is idle goes to the connection
   * current at that time.
   */
  private sendResponses(responses: readonly LiveFunctionResponse[]): void {
    for (const r of responses) this.settings.delivery.deliver([r], this.channelFor(r), this.deliveryContext);
  }

  private channelFor(response: LiveFunctionResponse): GenAILiveSession {
    const callId = response.id;
    return {
      sendToolResponse: (params) => {
        const list = (params as { functionResponses?: { willContinue?: boolean }[] }).functionResponses;
        const intermediate = Array.isArray(list) && list.every((r) => r.willContinue === true);
        this.write({ method: 'sendToolResponse', params, callId, intermediate });
      },
      sendClientContent: (params) =>
        this.write({
          method: 'sendClientContent',
          params,
          callId,
          intermediate: response.willContinue === true,
        }),
      sendRealtimeInput: (params) => this.realtime(params),
      close: () => {},
    };
  }

  private flushOutbox(): void {
    // An early message of the new connection (a goAway) may have started another resumption:
    // then everything stays held for the connection after it.
    if (!this.writable()) return;
    const held = this.held.drain();
    if (held.length > 0) {
      this.settings.logger.info('sending client messages held while disconnected', {
        messages: held.length,
        dropped: this.held.dropped + this.unacked.dropped,
      });
    }
    for (const message of held) this.write(message);
  }

  /**
   * After a resumption: the server's state is the one the handle stands for, up to client message
   * `covered`. What was written after it (lost in a dead socket, or consumed by the old connection
   * after the handle was issued) goes in front of the held messages, to be written again, in
   * order, and numbering resumes at `covered + 1`.
   */
  private rebase(covered: number): void {
    const replay = this.unacked.takeAfter(covered);
    this.nextIndex = covered + 1;
    if (replay.length > 0) {
      this.settings.logger.info('replaying client messages the resumed state does not hold', {
        messages: replay.length,
        handleCovers: covered,
      });
      this.held.prepend(replay.map((m) => (m.replay ? m : { ...m, replay: true })));
    }
  }

  /** Connects (or reconnects with the stored handle) and makes the new connection current. */
  private async attach(resume: boolean): Promise<void> {
    const generation = ++this.generation;
    const handle = resume ? this.handle : undefined;
    const covered = this.handleCovers;
    const { session, early } = await this.connectOnce(generation, handle);
    if (this.state === 'closing' || this.state === 'closed') {
      session.close();
      return;
    }
    this.connection = { session, generation };
    this.state = 'open';
    if (resume) {
      // The session now continues from the state this handle stands for. A newer handle stored
      // while this attempt was under way (sent by the connection being left) stands for another
      // continuation of the session, which the numbering below does not follow: it is forgotten.
      this.handle = handle;
      this.handleCovers = covered;
      this.rebase(covered);
      this.emit({ type: 'connected', resumed: true, time: this.now() });
      for (const m of early) this.onMessage(m, generation);
    } else {
      // The first connection's early messages (a greeting, say) are published on the next turn of
      // the event loop, so that the caller of connect() has subscribed to events$ by then. Messages
      // arriving meanwhile queue behind them, keeping the order. Each keeps what had been written
      // when it arrived: a handle among them covers no more than that.
      const written = this.nextIndex - 1;
      this.deferred = early.map((message) => ({ message, written }));
      this.settings.scheduler.schedule(() => {
        const queued = this.deferred ?? [];
        this.deferred = undefined;
        this.emit({ type: 'connected', resumed: false, time: this.now() });
        for (const m of queued) this.onMessage(m.message, generation, m.written);
      });
    }
    this.flushOutbox();
  }

  private connectOnce(
    generation: number,
    handle: string | undefined,
  ): Promise<{ session: GenAILiveSession; early: WireServerMessage[] }> {
    const { ai, model, config, connectTimeoutMs, scheduler } = this.settings;
    return new Promise((resolve, reject) => {
      let settled = false;
      let setupDone = false;
      let sdkSession: GenAILiveSession | undefined;
      let lastError: string | undefined;
      const early: WireServerMessage[] = [];
      const timer = scheduler.schedule(
        () =>
          fail(
            new LivetoolsError(
              'CONNECT_TIMEOUT',
              `The Live API did not complete the setup within ${connectTimeoutMs} ms (model ${model}). ` +
                'Check the network, the model name and the API key, or raise connectTimeoutMs.',
            ),
          ),
        connectTimeoutMs,
      );
      const done = () => {
        if (settled || !sdkSession || !setupDone) return;
        settled = true;
        timer.unsubscribe();
        resolve({ session: sdkSession, early });
      };
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        timer.unsubscribe();
        sdkSession?.close();
        reject(error);
      };
      const callbacks = {
        onmessage: (message: WireServerMessage) => {
          if (!settled) {
            early.push(message);
            if (!setupDone && message.setupComplete) {
              setupDone = true;
              // PROTOCOL.md trap 1: connect() has not resolved yet; never touch the session here.
              queueMicrotask(done);
            }
            return;
          }
          this.onMessage(message, generation);
        },
        onerror: (event: { message?: string; error?: unknown }) => {
          lastError = event?.message ?? (event?.error ? describeError(event.error) : undefined);
          if (settled) this.settings.logger.warn('live socket error', { error: lastError });
        },
        onclose: (event: WireCloseEvent) => {
          if (!settled) {
            const why = event.reason || lastError || 'no reason given';
            fail(
              new LivetoolsError(
                'CONNECT_REFUSED',
                `The Live API closed the connection before the setup completed (code ${event.code}: ${why}). ` +
                  refusalHint(event.code, why),
              ),
            );
            return;
          }
          this.onSocketClosed(event, generation);
        },
      };
      const requested =
        config.sessionResumption && this.settings.transparentResumption
          ? { transparent: true, ...config.sessionResumption }
          : config.sessionResumption;
      const sessionResumption = handle ? { ...(requested ?? {}), handle } : requested;
      const declarations = this.declarations();
      const fullConfig = {
        ...config,
        ...(sessionResumption ? { sessionResumption } : {}),
        ...(declarations.length ? { tools: [{ functionDeclarations: declarations }] } : {}),
      };
      ai.live.connect({ model, config: fullConfig as never, callbacks: callbacks as never }).then(
        (s) => {
          if (settled) s.close();
          sdkSession = s;
          done();
        },
        (error: unknown) =>
          fail(
            LivetoolsError.isInstance(error)
              ? error
              : new LivetoolsError(
                  'CONNECT_REFUSED',
                  `Connecting to the Live API failed: ${describeError(error)}`,
                  {
                    cause: error,
                  },
                ),
          ),
      );
    });
  }

  /** `written`: the last client message index written when the message arrived. */
  private onMessage(message: WireServerMessage, generation: number, written = this.nextIndex - 1): void {
    if (this.state === 'closed') return;
    if (this.deferred) {
      this.deferred.push({ message, written });
      return;
    }
    try {
      this.handleMessage(message, generation, written);
    } catch (error) {
      // A malformed message must neither escape into the SDK's socket handler (an unhandled
      // rejection) or a timer, nor stop the messages queued behind it: it is reported and skipped.
      this.settings.logger.error('ignored a malformed server message', { error: describeError(error) });
      this.emit({
        type: 'error',
        error: new Error(
          `Ignored a malformed server message (${describeError(error)}): ${preview(message)}`,
          { cause: error },
        ),
        time: this.now(),
      });
    }
  }

  private handleMessage(message: WireServerMessage, generation: number, written: number): void {
    this.messages.next(message);
    const time = this.now();
    const content = message.serverContent;
    if (content) {
      for (const part of content.modelTurn?.parts ?? []) {
        if (part.text !== undefined && !part.thought) {
          this.modelTurnActive = true;
          this.emit({ type: 'model-text', text: part.text, time });
        }
        if (part.inlineData?.data) {
          this.modelTurnActive = true;
          this.emit({
            type: 'model-audio',
            data: part.inlineData.data,
            mimeType: part.inlineData.mimeType ?? 'audio/pcm;rate=24000',
            time,
          });
        }
      }
      if (content.inputTranscription?.text) {
        this.emit({ type: 'input-transcription', text: content.inputTranscription.text, time });
      }
      if (content.outputTranscription?.text) {
        this.emit({ type: 'output-transcription', text: content.outputTranscription.text, time });
      }
      if (content.interrupted) {
        this.emit({ type: 'interrupted', time });
        this.scheduler.handleInterruption();
        this.becomeIdle();
      }
      if (content.turnComplete) {
        this.emit({ type: 'turn-complete', time });
        this.becomeIdle();
      }
    }
    // While close() is in progress the scheduler is gone: calls can no longer be answered.
    if (message.toolCall?.functionCalls?.length && !this.scheduler.isDisposed) {
      this.scheduler.handleToolCall(message.toolCall.functionCalls);
    }
    if (message.toolCallCancellation?.ids?.length) {
      const ids = message.toolCallCancellation.ids;
      this.scheduler.handleCancellation(ids);
      this.held.discard(ids);
      this.unacked.discard(ids);
    }
    if (message.sessionResumptionUpdate) {
      this.onResumptionUpdate(message.sessionResumptionUpdate, generation, written);
    }
    if (message.usageMetadata) this.emit({ type: 'usage', usage: message.usageMetadata, time });
    if (message.goAway) {
      const willResume = this.handle !== undefined;
      this.emit({ type: 'go-away', timeLeft: message.goAway.timeLeft, willResume, time });
      if (willResume && generation === this.connection?.generation && this.state === 'open') {
        void this.resume('go-away');
      }
    }
  }

  /** `written`: the last client message index written when the update arrived. */
  private onResumptionUpdate(
    update: NonNullable<WireServerMessage['sessionResumptionUpdate']>,
    generation: number,
    written: number,
  ): void {
    const { newHandle, resumable } = update;
    const transparent = this.settings.transparentResumption;
    const valid = resumable !== false && typeof newHandle === 'string' && newHandle !== '';
    const current = generation === this.connection?.generation;
    // A handle sent by the connection being left after a goAway stands for that connection's
    // session, which received nothing after the goAway: without transparent resumption it covers
    // everything written, and serves the next attempt if the one under way fails. With transparent
    // resumption it is ignored (its index would not match the replay). Any other connection's
    // handle (one already left) is ignored.
    const leaving = !transparent && this.state === 'reconnecting' && generation === this.leaving?.generation;
    const store = valid && (current || leaving);
    const index = transparent ? consumedIndex(update.lastConsumedClientMessageIndex) : undefined;
    if (store) {
      this.handle = newHandle;
      if (transparent) {
        // Without an index the handle is taken to cover what the previous one covered: at worst a
        // message is sent twice after a resumption, never lost.
        if (index !== undefined) this.handleCovers = Math.min(index, written);
      } else {
        // Without acknowledgements, a handle is taken to cover what was written before it arrived:
        // what is written after it is not in the state it resumes, and is written again after a
        // resumption. A message still in flight when the server issued the handle is counted as
        // covered although the server did not have it: the one loss left, about a round trip wide.
        this.handleCovers = written;
      }
      // While a resumption is under way, the attempt may use the previous handle: what it needs
      // replayed stays until the resumption is done (the rebase forgets what its handle covers).
      if (current) this.unacked.acknowledge(this.handleCovers);
    }
    this.emit({
      type: 'resumption-update',
      resumable: resumable !== false,
      hasHandle: store,
      ...(index === undefined ? {} : { lastConsumedClientMessageIndex: index }),
      time: this.now(),
    });
  }

  private becomeIdle(): void {
    this.modelTurnActive = false;
    for (const fn of this.idleQueue.splice(0)) fn();
  }

  private onSocketClosed(event: WireCloseEvent, generation: number): void {
    if (generation !== this.connection?.generation) return; // an old connection after a switch
    if (this.state === 'closing') {
      this.resolveSocketClosed?.();
      return;
    }
    if (this.state !== 'open') return;
    this.connection = undefined;
    const reason = event.reason ? `${event.code}: ${event.reason}` : `code ${event.code}`;
    if (this.handle !== undefined) {
      this.settings.logger.warn('connection lost; resuming the session', {
        code: event.code,
        reason: event.reason,
      });
      void this.resume('connection-lost');
    } else {
      this.teardown(
        event.code === 1000 ? 'server' : 'connection-lost',
        `The connection closed (${reason}) and no session resumption handle was available, so the session ended. ` +
          'Enable sessionResumption in the config to survive connection loss.',
        event.code,
      );
    }
  }

  /** Reconnects with the stored handle, with bounded, growing delays between attempts. */
  private async resume(cause: 'go-away' | 'connection-lost'): Promise<void> {
    const old = this.connection;
    this.state = 'reconnecting';
    this.connection = undefined;
    this.leaving = old;
    const { attempts, initialDelayMs, maxDelayMs } = this.settings.reconnect;
    let lastError: unknown;
    try {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (this.state !== 'reconnecting') return;
        this.emit({ type: 'reconnecting', cause, attempt, time: this.now() });
        try {
          await this.attach(true);
          return;
        } catch (error) {
          lastError = error;
          this.emit({ type: 'error', error: error as Error, time: this.now() });
          if (attempt < attempts) await this.delay(Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1)));
        }
      }
      if (this.state === 'reconnecting') {
        this.teardown(
          'connection-lost',
          `Resuming the session failed ${attempts} times (${describeError(lastError)}); the session ended.`,
        );
      }
    } finally {
      if (this.leaving === old) this.leaving = undefined;
      old?.session.close();
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.settings.scheduler.schedule(() => resolve(), ms));
  }

  private async closeNow(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.scheduler.dispose();
    const connection = this.connection;
    if (connection) {
      let timeout: Subscription | undefined;
      const socketClosed = new Promise<void>((resolve) => {
        this.resolveSocketClosed = resolve;
        timeout = this.settings.scheduler.schedule(() => resolve(), this.settings.closeTimeoutMs);
      });
      connection.session.close();
      await socketClosed;
      // The socket closed (or the wait timed out): no timer may keep the session, or the process, alive.
      timeout?.unsubscribe();
      this.resolveSocketClosed = undefined;
    }
    this.teardown('client', 'The application closed the session.');
  }

  private teardown(
    by: 'client' | 'server' | 'connection-lost',
    reason: string,
    code?: number,
    publish = true,
  ): void {
    if (this.state === 'closed') return;
    this.scheduler.dispose();
    const connection = this.connection;
    this.connection = undefined;
    if (by !== 'client') connection?.session.close();
    this.state = 'closed';
    this.toolEvents.unsubscribe();
    if (publish) {
      this.events.next({
        type: 'closed',
        by,
        reason,
        ...(code === undefined ? {} : { code }),
        time: this.now(),
      });
    }
    this.idleQueue.length = 0;
    this.held.drain();
    this.unacked.drain();
    this.events.complete();
    this.messages.complete();
    this.video.complete();
    this.audioIn.complete();
    this.textIn.complete();
  }
}

/** The start of a message as JSON, for error messages (a frame may be megabytes long). */
function preview(message: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(message) ?? String(message);
  } catch {
    text = String(message);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** `lastConsumedClientMessageIndex` as a number (proto JSON sends int64 as a string); `undefined` when absent or invalid. */
function consumedIndex(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function refusalHint(code: number, reason: string): string {
  if (/api key/i.test(reason)) return 'Check the API key (GEMINI_API_KEY).';
  if (/not found|model/i.test(reason)) return 'Check the model name and that it supports the Live API.';
  if (code === 1007) return 'The server rejected the setup message as invalid.';
  return 'Check the API key, the model name and the endpoint.';
}
