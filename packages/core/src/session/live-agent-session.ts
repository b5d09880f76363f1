import { filter, map, type Observable, Subject, type Subscription } from 'rxjs';
import { BlockingCallHold } from '../delivery/blocking-calls.js';
import { describeError, LivetoolsError } from '../errors.js';
import type { WireCloseEvent, WireServerMessage } from '../protocol/genai-like.js';
import { readServerMessage, type ServerAction } from '../protocol/read-server-message.js';
import { ServerContentReader } from '../protocol/server-content-reader.js';
import type { ToolEvent } from '../scheduler/events.js';
import type { StoppedCall } from '../scheduler/stop-streaming-tool.js';
import { type CallInfo, type StopTarget, ToolScheduler } from '../scheduler/tool-scheduler.js';
import type { AudioChunk, TextInput, ToolInputStreams, VideoFrame } from '../tool/context.js';
import type { LiveEvent, SessionEvent } from './live-events.js';
import { checkMediaData, type MediaData, toBase64 } from './media-data.js';
import { OutboundWriter } from './outbound-writer.js';
import { ResumptionHandles, type ResumptionUpdate } from './resumption-handles.js';
import { ResumptionPacer } from './resumption-pacer.js';
import { SessionLink } from './session-link.js';
import { type SessionMetrics, SessionMetricsRecorder } from './session-metrics.js';
import { SessionOutput } from './session-output.js';
import { SessionRecovery } from './session-recovery.js';
import type { SessionSettings } from './session-settings.js';
import { traceToolEvents } from './tool-tracing.js';
import { type SendVideoOptions, VideoRouter } from './video-routing.js';

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
  'tool-result-refused',
  'tool-end',
  'response-error',
] satisfies ToolEvent['type'][]);

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
  /** Writing, holding, replaying and idle-queued client messages. */
  private readonly writer: OutboundWriter;
  private readonly toolEvents: Subscription;
  private readonly recorder = new SessionMetricsRecorder();
  /** Where each video frame goes (`video` option, per-frame `to`), on the scheduler's clock. */
  private readonly videoRouter: VideoRouter;
  /** The connect room: the connection state, connect attempts and sockets. */
  private readonly link: SessionLink;
  /** The outbound room: realtime input, client messages and tool responses. */
  private readonly output: SessionOutput;
  /** The resumption and handoff room. */
  private readonly recovery: SessionRecovery;
  /** When resumption attempts start, and when resuming stops. */
  private readonly pacer: ResumptionPacer;
  /** The newest usable resumption handle and what it covers. */
  private readonly handles: ResumptionHandles;
  private closedPromise: Promise<void> | undefined;
  /** The first connection's early messages, each with the last client message index written when it arrived. */
  private deferred: { message: WireServerMessage; written: number }[] | undefined;
  /** Messages of connections up to this generation are ignored (a session handed over). */
  private retiredUpTo = 0;
  /** Model output, transcriptions and turn signals into events; the idle state as the profile says. */
  private readonly content: ServerContentReader;
  /** Runs tool calls, telling the writer of BLOCKING ones new input would cancel (text results wait for them). */
  private readonly blockingHold: BlockingCallHold;

  /** @internal Use `createLiveAgent(...).connect()`. */
  constructor(private readonly settings: SessionSettings) {
    this.handles = new ResumptionHandles(settings.transparentResumption);
    this.videoRouter = new VideoRouter(settings.video, settings.scheduler);
    this.pacer = new ResumptionPacer(settings.reconnect, () => this.now());
    this.link = new SessionLink(settings, {
      onMessage: (message, generation) => this.onMessage(message, generation),
      onClose: (event, generation) => this.onSocketClosed(event, generation),
      onBadFrame: this.reportFrame,
    });
    this.writer = new OutboundWriter({
      target: () => this.link.writable(),
      resumption: settings.config.sessionResumption !== undefined,
      perCall: settings.bufferedResultsPerCall,
      maxUnacknowledged: settings.maxUnacknowledged,
      recorder: this.recorder,
      logger: settings.logger,
      reportError: (error) => this.emit({ type: 'error', error, time: this.now() }),
    });
    this.blockingHold = new BlockingCallHold(settings.profile, () => this.declarations(), this.writer);
    this.content = new ServerContentReader(
      // Read defensively: a session built without a profile keeps the turnComplete behaviour.
      settings.profile?.idleSignal === 'interactionStatus' ? 'interactionStatus' : 'turnComplete',
      {
        emit: (event) => this.emit(event),
        busy: () => {
          this.writer.modelTurnActive = true;
        },
        idle: () => this.writer.becomeIdle(),
        interrupted: () => this.scheduler.handleInterruption(),
      },
      settings.logger,
      settings.model,
    );
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
      // Only function responses carry media (`parts`); other deliveries leave it out, reported.
      mediaParts: settings.delivery.mode === 'function-response',
      input: this.input,
      sink: { send: (responses) => this.output.sendResponses(responses) },
    });
    const self = this;
    this.output = new SessionOutput({
      settings,
      writer: this.writer,
      recorder: this.recorder,
      writable: () => this.link.writable(),
      assertOpen: () => this.assertOpen(),
    });
    this.recovery = new SessionRecovery({
      settings,
      link: this.link,
      handles: this.handles,
      pacer: this.pacer,
      writer: this.writer,
      output: this.output,
      get scheduler() {
        return self.scheduler;
      },
      emit: (event) => this.emit(event),
      now: () => this.now(),
      teardown: (by, reason, code) => this.teardown(by, reason, code),
      onMessage: (message, generation) => this.onMessage(message, generation),
      deferFirst: (early, generation) => this.deferFirst(early, generation),
      retire: (generation) => {
        this.retiredUpTo = Math.max(this.retiredUpTo, generation);
      },
      declarations: () => this.declarations(),
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
    return this.link.isOpen;
  }

  /** True while the session is waiting for a resumed connection. */
  get isReconnecting(): boolean {
    return this.link.state.kind === 'reconnecting';
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
    return this.recorder.snapshot(this.videoRouter.stats());
  }

  /** Stops tool calls on the application's behalf; each gets a final response. */
  stopTool(target: StopTarget): StoppedCall[] {
    return this.scheduler.stop(target);
  }

  /**
   * Sends a user text turn (`clientContent`). While reconnecting it is held and sent after the
   * resumption, in order.
   *
   * On a model that takes `clientContent` only to seed the initial history (its profile's
   * `clientContent.midSession` is `initial-history-only`, e.g. `gemini-3.1-flash-live-preview`,
   * which closes the connection with 1007 otherwise), the text goes as realtime input instead, as
   * {@link sendRealtimeText} sends it: it is then not held while reconnecting.
   */
  sendText(text: string, options: { turnComplete?: boolean } = {}): void {
    this.assertOpen();
    this.textIn.next({ text, time: this.now() });
    this.output.userText(text, options.turnComplete ?? true);
  }

  /** Sends text as realtime input (`realtimeInput.text`). */
  sendRealtimeText(text: string): void {
    this.textIn.next({ text, time: this.now() });
    this.output.realtime({ text });
  }

  /**
   * Sends a chunk of microphone audio: 16-bit little-endian PCM, 16 kHz by default.
   *
   * @throws {@link LivetoolsError} `INVALID_MEDIA` when `data` is neither bytes nor a string.
   */
  sendAudio(data: MediaData, mimeType = 'audio/pcm;rate=16000'): void {
    checkMediaData(data, 'sendAudio');
    const b64 = toBase64(data);
    this.audioIn.next({ data: b64, mimeType, time: this.now() });
    this.output.realtime({ audio: { data: b64, mimeType } });
  }

  /**
   * Sends one video frame (a JPEG by default) where the agent's `video` option routes it: tools
   * subscribed to `ctx.input.video$` receive it, the model receives it as realtime input, or both
   * (the default), each side within its frame-rate cap. `options.to` routes this frame elsewhere.
   * A frame over a cap is counted in `metrics().video`, not sent.
   *
   * @throws {@link LivetoolsError} `SESSION_CLOSED` once the session is closed; `INVALID_OPTION`
   *   for an `options.to` other than `'tools'`, `'model'` or `'both'`; `INVALID_MEDIA` when `data`
   *   is neither bytes nor a string (nothing is sent or counted).
   * @example
   * ```ts
   * session.sendVideoFrame(jpeg); // as the agent's `video` option says
   * session.sendVideoFrame(jpeg, 'image/jpeg', { to: 'model' }); // this one to the model only
   * ```
   */
  sendVideoFrame(data: MediaData, mimeType = 'image/jpeg', options?: SendVideoOptions): void {
    this.assertOpen();
    checkMediaData(data, 'sendVideoFrame'); // before routing: a refused frame takes no cap slot
    const route = this.videoRouter.route(options);
    if (!route.tools && !route.model) return;
    const b64 = toBase64(data);
    if (route.tools) this.video.next({ data: b64, mimeType, time: this.now() });
    if (route.model) this.output.realtime({ video: { data: b64, mimeType } });
  }

  /** Marks the start of user activity (with automatic activity detection off). */
  sendActivityStart(): void {
    this.output.realtime({ activityStart: {} });
  }

  /** Marks the end of user activity. */
  sendActivityEnd(): void {
    this.output.realtime({ activityEnd: {} });
  }

  /** Tells the server the audio stream paused (flushes its buffered audio). */
  sendAudioStreamEnd(): void {
    this.output.realtime({ audioStreamEnd: true });
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
      await this.recovery.attach('first');
    } catch (error) {
      this.teardown('connection-lost', describeError(error), undefined, false);
      throw error;
    }
  }

  /** A server frame that is not a JSON object, dropped before the SDK parses it (sdk-frame-guard.ts): reported; the session carries on. */
  private readonly reportFrame = (error: LivetoolsError): void => {
    this.emit({ type: 'error', error, time: this.now() });
    this.settings.logger.warn('ignored a server frame that is not a JSON object', { error: error.message });
  };

  private now(): number {
    return this.settings.scheduler.now();
  }

  private emit(event: SessionEvent): void {
    if (this.link.state.kind !== 'closed') this.events.next(this.recorder.record(event));
  }

  private assertOpen(): void {
    if (!this.link.isOpen) {
      throw new LivetoolsError(
        'SESSION_CLOSED',
        'This live session is closed; connect a new one with agent.connect().',
      );
    }
  }

  /**
   * The first connection's early messages (a greeting, say) are published on the next turn of
   * the event loop, so that the caller of connect() has subscribed to events$ by then. Messages
   * arriving meanwhile queue behind them, keeping the order. Each keeps what had been written
   * when it arrived: a handle among them covers no more than that.
   */
  private deferFirst(early: readonly WireServerMessage[], generation: number): void {
    const written = this.writer.lastWritten;
    this.deferred = early.map((message) => ({ message, written }));
    this.settings.scheduler.schedule(() => {
      const queued = this.deferred ?? [];
      this.deferred = undefined;
      this.emit({ type: 'connected', resumed: false, time: this.now() });
      for (const m of queued) this.onMessage(m.message, generation, m.written);
    });
  }

  /** `written`: the last client message index written when the message arrived. */
  private onMessage(message: WireServerMessage, generation: number, written = this.writer.lastWritten): void {
    if (this.link.state.kind === 'closed') return;
    if (generation <= this.retiredUpTo) {
      this.settings.logger.debug('ignored a message of a connection the session was handed over from', {});
      return;
    }
    if (this.deferred) {
      this.deferred.push({ message, written });
      return;
    }
    this.messages.next(message);
    const time = this.now();
    // Each action on its own: one that fails (malformed model output, say) costs only itself.
    for (const action of readServerMessage(message)) {
      try {
        this.apply(action, generation, written, time);
      } catch (error) {
        this.reportMalformed(message, error);
      }
    }
  }

  /** Applies one action of a server message of connection `generation`. */
  private apply(action: ServerAction, generation: number, written: number, time: number): void {
    switch (action.kind) {
      case 'content':
        this.content.read(action.message, time);
        break;
      case 'tool-calls':
        // While close() is in progress the scheduler is gone: calls can no longer be answered.
        if (!this.scheduler.isDisposed) this.blockingHold.run(action.calls, this.scheduler);
        break;
      case 'cancellation':
        this.scheduler.handleCancellation(action.ids);
        this.writer.discard(action.ids);
        this.settings.delivery.discard?.(action.ids);
        break;
      case 'resumption-update':
        this.onResumptionUpdate(action.update, generation, written);
        break;
      case 'usage':
        this.emit({ type: 'usage', usage: action.usage, time });
        break;
      case 'go-away':
        this.recovery.onGoAway(action, generation);
        break;
      case 'malformed':
        throw new Error(`${action.field} is ${action.got}`);
      case 'ignored':
        this.settings.logger.debug('ignored a server value livetools cannot read', {
          field: action.field,
          got: action.got,
        });
        break;
    }
  }

  /**
   * A malformed message must neither escape into the SDK's socket handler (an unhandled
   * rejection) or a timer, nor stop the messages queued behind it: it is reported and skipped.
   */
  private reportMalformed(message: WireServerMessage, error: unknown): void {
    this.settings.logger.error('ignored a malformed server message', { error: describeError(error) });
    this.emit({
      type: 'error',
      error: new Error(`Ignored a malformed server message (${describeError(error)}): ${preview(message)}`, {
        cause: error,
      }),
      time: this.now(),
    });
  }

  /** `written`: the last client message index written when the update arrived. */
  private onResumptionUpdate(update: ResumptionUpdate, generation: number, written: number): void {
    const current = this.link.isCurrent(generation);
    const source = current ? 'current' : this.link.isLeaving(generation) ? 'leaving' : 'other';
    const { stored, index } = this.handles.take(update, source, written);
    // While a resumption is under way, the attempt may use the previous handle: what it needs
    // replayed stays until the resumption is done (the rebase forgets what its handle covers).
    if (stored && current) this.writer.acknowledge(this.handles.covers);
    this.emit({
      type: 'resumption-update',
      resumable: update.resumable !== false,
      hasHandle: stored,
      ...(index === undefined ? {} : { lastConsumedClientMessageIndex: index }),
      time: this.now(),
    });
    if (stored && current) this.recovery.onHandleStored();
  }

  private onSocketClosed(event: WireCloseEvent, generation: number): void {
    this.recovery.onSocketClosed(event, generation);
  }

  private async closeNow(): Promise<void> {
    if (this.link.state.kind === 'closed') return;
    const reason = 'The application closed the session.';
    this.link.release(new LivetoolsError('SESSION_CLOSED', reason), { kind: 'closing' });
    this.scheduler.dispose();
    // Every socket the session opened has closed (or was terminated): nothing keeps the process alive.
    await this.link.drain();
    this.teardown('client', reason);
  }

  private teardown(
    by: 'client' | 'server' | 'connection-lost',
    reason: string,
    code?: number,
    publish = true,
  ): void {
    if (this.link.state.kind === 'closed') return;
    this.scheduler.dispose();
    this.link.release(new LivetoolsError('SESSION_CLOSED', reason), { kind: 'closed' });
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
    this.writer.clear();
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
