import { filter, map, type Observable, Subject } from 'rxjs';
import { describeError, LivetoolsError } from '../errors.js';
import type { WireServerMessage } from '../protocol/genai-like.js';
import { Broadcast } from '../runner/broadcast.js';
import type { ToolEvent } from '../runner/events.js';
import type { StoppedCall } from '../runner/stop-streaming-tool.js';
import { type CallInfo, type StopOptions, type StopTarget, ToolRunner } from '../runner/tool-runner.js';
import type { AudioChunk, TextInput, ToolInputStreams, VideoFrame } from '../tool/context.js';
import type { LiveEvent, SessionEvent } from './live-events.js';
import { checkMediaData, type MediaData, toBase64 } from './media-data.js';
import { OutboundWriter } from './outbound-writer.js';
import { ResumptionHandles } from './resumption-handles.js';
import { ResumptionPacer } from './resumption-pacer.js';
import { SessionInbound } from './session-inbound.js';
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
 * runner that runs the model's tool calls. Made by `LiveAgent.connect()`; exported from the package
 * root as a type only.
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

  readonly #events = new Broadcast<LiveEvent>();
  readonly #messages = new Broadcast<WireServerMessage>();
  readonly #video = new Subject<VideoFrame>();
  readonly #audioIn = new Subject<AudioChunk>();
  readonly #textIn = new Subject<TextInput>();
  readonly #runner: ToolRunner;
  /** Writing, holding, replaying and idle-queued client messages. */
  readonly #writer: OutboundWriter;
  #toolEventsOpen = true;
  readonly #recorder = new SessionMetricsRecorder();
  /** Where each video frame goes (`video` option, per-frame `to`), on the scheduler's clock. */
  readonly #videoRouter: VideoRouter;
  /** The connect room: the connection state, connect attempts and sockets. */
  readonly #link: SessionLink;
  /** The outbound room: realtime input, client messages and tool responses. */
  readonly #output: SessionOutput;
  /** The resumption and handoff room. */
  readonly #recovery: SessionRecovery;
  /** When resumption attempts start, and when resuming stops. */
  readonly #pacer: ResumptionPacer;
  /** The newest usable resumption handle and what it covers. */
  readonly #handles: ResumptionHandles;
  /** The inbound room: each server message read and applied (session-inbound.ts). */
  readonly #inbound: SessionInbound;
  #closedPromise: Promise<void> | undefined;

  readonly #settings: SessionSettings;

  /** @internal Use `createLiveAgent(...).connect()`. */
  constructor(settings: SessionSettings) {
    this.#settings = settings;
    this.#handles = new ResumptionHandles(settings.transparentResumption);
    this.#videoRouter = new VideoRouter(settings.video, settings.scheduler);
    this.#pacer = new ResumptionPacer(settings.reconnect, () => this.#now());
    this.#link = new SessionLink(settings, {
      onMessage: (message, generation) => this.#inbound.onMessage(message, generation),
      onClose: (event, generation) =>
        this.#inbound.afterEarlyMessages(() => this.#recovery.onSocketClosed(event, generation)),
      onBadFrame: this.#reportFrame,
    });
    this.#writer = new OutboundWriter({
      target: () => this.#link.writable(),
      resumption: settings.config.sessionResumption !== undefined,
      perCall: settings.bufferedResultsPerCall,
      maxUnacknowledged: settings.maxUnacknowledged,
      recorder: this.#recorder,
      logger: settings.logger,
      reportError: (error) => this.#publish({ type: 'error', error, time: this.#now() }),
    });
    // The rooms' hosts hold data properties only: a getter in an object literal is a new
    // function per session, and so a hidden class per session, which made every property read
    // through a host a generic lookup once a process had run a few sessions.
    this.#inbound = new SessionInbound({
      settings,
      link: this.#link,
      writer: this.#writer,
      handles: this.#handles,
      runner: () => this.#runner,
      recovery: () => this.#recovery,
      received: (message) => this.#messages.next(message),
      publish: (event) => this.#publish(event),
      now: () => this.#now(),
      declarations: () => this.declarations(),
    });
    this.input = {
      video$: this.#video.asObservable(),
      audio$: this.#audioIn.asObservable(),
      text$: this.#textIn.asObservable(),
    };
    this.#runner = new ToolRunner({
      tools: settings.tools,
      scheduler: settings.scheduler,
      logger: settings.logger,
      measureBytes: settings.measureBytes,
      // Only function responses carry media (`parts`); other deliveries leave it out, reported.
      mediaParts: settings.delivery.mode === 'function-response',
      input: this.input,
      sink: { send: (responses) => this.#output.sendResponses(responses) },
      // The runner's events go straight into the session's stream (no Subject in between).
      publish: (event) => {
        if (this.#toolEventsOpen) this.#events.next(this.#recorder.record(event));
      },
      // A result nobody subscribes to is counted in the metrics without its event being built.
      unheardResult: (callId, bytes) => {
        if (this.#events.observed) return false;
        if (this.#toolEventsOpen) this.#recorder.result(callId, bytes);
        return true;
      },
    });
    this.#output = new SessionOutput({
      settings,
      writer: this.#writer,
      recorder: this.#recorder,
      writable: () => this.#link.writable(),
      assertOpen: () => this.#assertOpen(),
    });
    this.#recovery = new SessionRecovery({
      settings,
      link: this.#link,
      handles: this.#handles,
      pacer: this.#pacer,
      writer: this.#writer,
      output: this.#output,
      runner: this.#runner,
      publish: (event) => this.#publish(event),
      now: () => this.#now(),
      teardown: (by, reason, code) => this.#teardown(by, reason, code),
      onMessage: (message, generation) => this.#inbound.onMessage(message, generation),
      deferFirst: (early, generation) => this.#inbound.deferFirst(early, generation),
      retire: (generation) => this.#inbound.retire(generation),
      declarations: () => this.declarations(),
    });
    this.events$ = this.#events.observable;
    this.messages$ = this.#messages.observable;
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
  }

  /** The function declarations sent in the setup message. */
  declarations() {
    return this.#settings.delivery.declarations(this.#runner.declarations());
  }

  /** True until the session is closed. */
  get isOpen(): boolean {
    return this.#link.isOpen;
  }

  /** True while the session is waiting for a resumed connection. */
  get isReconnecting(): boolean {
    return this.#link.state.kind === 'reconnecting';
  }

  /** The tool calls that are validating, queued or running. */
  activeCalls(): CallInfo[] {
    return this.#runner.activeCalls();
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
    return this.#recorder.snapshot(this.#videoRouter.stats());
  }

  /**
   * Stops tool calls on the application's behalf: each gets a final response. Returns what was
   * stopped (empty when nothing matched).
   *
   * @example
   * ```ts
   * session.stopCalls({ toolName: 'monitor_stock_price' }); // every call of the tool
   * session.stopCalls({ callId: 'function-call-3' }); // one call
   * ```
   */
  stopCalls(target: StopTarget, options?: StopOptions): StoppedCall[] {
    return this.#runner.stopCalls(target, options);
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
    this.#assertOpen();
    this.#textIn.next({ text, time: this.#now() });
    this.#output.userText(text, options.turnComplete ?? true);
  }

  /** Sends text as realtime input (`realtimeInput.text`). */
  sendRealtimeText(text: string): void {
    this.#textIn.next({ text, time: this.#now() });
    this.#output.realtime({ text });
  }

  /**
   * Sends a chunk of microphone audio: 16-bit little-endian PCM, 16 kHz by default.
   *
   * @throws {@link LivetoolsError} `INVALID_MEDIA` when `data` is neither bytes nor a string.
   */
  sendAudio(data: MediaData, mimeType = 'audio/pcm;rate=16000'): void {
    checkMediaData(data, 'sendAudio');
    const b64 = toBase64(data);
    this.#audioIn.next({ data: b64, mimeType, time: this.#now() });
    this.#output.realtime({ audio: { data: b64, mimeType } });
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
    this.#assertOpen();
    checkMediaData(data, 'sendVideoFrame'); // before routing: a refused frame takes no cap slot
    const route = this.#videoRouter.route(options);
    if (!route.tools && !route.model) return;
    const b64 = toBase64(data);
    if (route.tools) this.#video.next({ data: b64, mimeType, time: this.#now() });
    if (route.model) this.#output.realtime({ video: { data: b64, mimeType } });
  }

  /** Marks the start of user activity (with automatic activity detection off). */
  sendActivityStart(): void {
    this.#output.realtime({ activityStart: {} });
  }

  /** Marks the end of user activity. */
  sendActivityEnd(): void {
    this.#output.realtime({ activityEnd: {} });
  }

  /** Tells the server the audio stream paused (flushes its buffered audio). */
  sendAudioStreamEnd(): void {
    this.#output.realtime({ audioStreamEnd: true });
  }

  /**
   * Closes the session: every tool is torn down (nothing more is sent for them), then the socket
   * is closed. Resolves once both are done (the socket wait is bounded by `closeTimeoutMs`).
   */
  close(): Promise<void> {
    if (!this.#closedPromise) this.#closedPromise = this.#closeNow();
    return this.#closedPromise;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal Opens the first connection; rejects with a clear error when it cannot. */
  async open(): Promise<void> {
    try {
      await this.#recovery.attach('first');
    } catch (error) {
      this.#teardown('connection-lost', describeError(error), undefined, false);
      throw error;
    }
  }

  /** A server frame that is not a JSON object, dropped before the SDK parses it (sdk-frame-guard.ts): reported; the session carries on. */
  readonly #reportFrame = (error: LivetoolsError): void => {
    this.#publish({ type: 'error', error, time: this.#now() });
    this.#settings.logger.warn('ignored a server frame that is not a JSON object', { error: error.message });
  };

  #now(): number {
    return this.#settings.scheduler.now();
  }

  #publish(event: SessionEvent): void {
    if (this.#link.state.kind !== 'closed') this.#events.next(this.#recorder.record(event));
  }

  #assertOpen(): void {
    if (!this.#link.isOpen) {
      throw new LivetoolsError(
        'SESSION_CLOSED',
        'This live session is closed; connect a new one with agent.connect().',
      );
    }
  }

  async #closeNow(): Promise<void> {
    if (this.#link.state.kind === 'closed') return;
    const reason = 'The application closed the session.';
    this.#link.release(new LivetoolsError('SESSION_CLOSED', reason), { kind: 'closing' });
    this.#runner.dispose();
    // Every socket the session opened has closed (or was terminated): nothing keeps the process alive.
    await this.#link.drain();
    this.#teardown('client', reason);
  }

  #teardown(
    by: 'client' | 'server' | 'connection-lost',
    reason: string,
    code?: number,
    publish = true,
  ): void {
    if (this.#link.state.kind === 'closed') return;
    this.#runner.dispose();
    this.#link.release(new LivetoolsError('SESSION_CLOSED', reason), { kind: 'closed' });
    this.#toolEventsOpen = false;
    if (publish) {
      this.#events.next({
        type: 'closed',
        by,
        reason,
        ...(code === undefined ? {} : { code }),
        time: this.#now(),
      });
    }
    this.#writer.clear();
    this.#events.complete();
    this.#messages.complete();
    this.#video.complete();
    this.#audioIn.complete();
    this.#textIn.complete();
  }
}
