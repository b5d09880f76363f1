import { filter, map, type Observable, Subject, type Subscription } from 'rxjs';
import type { DeliveryContext } from '../delivery/delivery.js';
import { describeError, LivetoolsError } from '../errors.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { GenAILiveSession, WireCloseEvent, WireServerMessage } from '../protocol/genai-like.js';
import { screenFrames } from '../protocol/sdk-frame-guard.js';
import { ServerContentReader } from '../protocol/server-content-reader.js';
import type { ToolEvent } from '../scheduler/events.js';
import type { StoppedCall } from '../scheduler/stop-streaming-tool.js';
import { type CallInfo, type StopTarget, ToolScheduler } from '../scheduler/tool-scheduler.js';
import type { AudioChunk, TextInput, ToolInputStreams, VideoFrame } from '../tool/context.js';
import { ConnectAttempt } from './connect-attempt.js';
import type { LiveEvent, SessionEvent } from './live-events.js';
import { OutboundWriter } from './outbound-writer.js';
import type { OutboundMessage } from './response-outbox.js';
import { ResumptionHandles, type ResumptionUpdate } from './resumption-handles.js';
import { ResumptionPacer } from './resumption-pacer.js';
import { type SessionMetrics, SessionMetricsRecorder } from './session-metrics.js';
import type { SessionSettings } from './session-settings.js';
import { traceToolEvents } from './tool-tracing.js';

type State = 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

interface Connection {
  readonly session: GenAILiveSession;
  readonly generation: number;
  /** The attempt that opened it: it closes the socket for sure. */
  readonly attempt: ConnectAttempt;
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
  'tool-result-refused',
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
  /** Writing, holding, replaying and idle-queued client messages. */
  private readonly writer: OutboundWriter;
  private readonly toolEvents: Subscription;
  private readonly recorder = new SessionMetricsRecorder();
  private connection: Connection | undefined;
  /** The connection attempt under way (a resumption), aborted by `close()`. */
  private pending: ConnectAttempt | undefined;
  /** Sockets being closed; `close()` resolves once none is left. */
  private readonly closingSockets = new Set<Promise<void>>();
  /** The wait before the next resumption attempt, cut short by `close()`. */
  private backoff: { readonly timer: Subscription; readonly resolve: () => void } | undefined;
  /** When resumption attempts start, and when resuming stops. */
  private readonly pacer: ResumptionPacer;
  private generation = 0;
  private state: State = 'connecting';
  /** The newest usable resumption handle and what it covers. */
  private readonly handles: ResumptionHandles;
  /** While resuming after a goAway: the connection being left, still open until the resumption ends. */
  private leaving: Connection | undefined;
  private closedPromise: Promise<void> | undefined;
  /** The first connection's early messages, each with the last client message index written when it arrived. */
  private deferred: { message: WireServerMessage; written: number }[] | undefined;
  /** Model output, transcriptions and turn signals into events; the idle state as the profile says. */
  private readonly content: ServerContentReader;
  private readonly deliveryContext: DeliveryContext = {
    whenIdle: (callId, send) => this.writer.whenIdle(callId, send),
    inOrder: (callId, send) => this.writer.inOrder(callId, send),
    release: (callId) => this.writer.release(callId),
  };

  /** @internal Use `createLiveAgent(...).connect()`. */
  constructor(private readonly settings: SessionSettings) {
    this.handles = new ResumptionHandles(settings.transparentResumption);
    this.pacer = new ResumptionPacer(settings.reconnect, () => this.now());
    this.writer = new OutboundWriter({
      target: () => this.writable(),
      resumption: settings.config.sessionResumption !== undefined,
      perCall: settings.bufferedResultsPerCall,
      maxUnacknowledged: settings.maxUnacknowledged,
      recorder: this.recorder,
      logger: settings.logger,
      reportError: (error) => this.emit({ type: 'error', error, time: this.now() }),
    });
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
   *
   * On a model that takes `clientContent` only to seed the initial history (its profile's
   * `clientContent.midSession` is `initial-history-only`, e.g. `gemini-3.1-flash-live-preview`,
   * which closes the connection with 1007 otherwise), the text goes as realtime input instead, as
   * {@link sendRealtimeText} sends it: it is then not held while reconnecting.
   */
  sendText(text: string, options: { turnComplete?: boolean } = {}): void {
    this.assertOpen();
    if (this.settings.profile?.clientContent.midSession === 'initial-history-only') {
      this.sendRealtimeText(text);
      return;
    }
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

  /** A server frame that is not a JSON object, dropped before the SDK parses it (sdk-frame-guard.ts): reported; the session carries on. */
  private readonly reportFrame = (error: LivetoolsError): void => {
    this.emit({ type: 'error', error, time: this.now() });
    this.settings.logger.warn('ignored a server frame that is not a JSON object', { error: error.message });
  };

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
      this.writer.countRealtime();
    } else
      this.settings.logger.debug('realtime input not sent: the session is reconnecting', {
        keys: Object.keys(params),
      });
  }

  private write(message: OutboundMessage): void {
    this.writer.write(message);
  }

  /**
   * Delivers responses one by one, each through a connection stand-in that routes what the
   * delivery strategy writes through {@link write}: messages are numbered and held or replayed
   * whatever the strategy, and a write deferred until the model is idle goes to the connection
   * current at that time. A response the strategy cannot encode costs only itself.
   */
  private sendResponses(responses: readonly LiveFunctionResponse[]): void {
    for (const r of responses) {
      try {
        this.settings.delivery.deliver([r], this.channelFor(r), this.deliveryContext);
      } catch (error) {
        this.writer.reportFailure(r.id, error);
      }
    }
  }

  private channelFor(response: LiveFunctionResponse): GenAILiveSession {
    const callId = response.id;
    const final = response.willContinue !== true;
    return {
      sendToolResponse: (params) => {
        const list = (params as { functionResponses?: { willContinue?: boolean }[] }).functionResponses;
        const intermediate = Array.isArray(list) && list.every((r) => r.willContinue === true);
        this.write({ method: 'sendToolResponse', params, callId, intermediate, final });
      },
      sendClientContent: (params) =>
        this.write({
          method: 'sendClientContent',
          params,
          callId,
          intermediate: response.willContinue === true,
          final,
        }),
      sendRealtimeInput: (params) => this.realtime(params),
      close: () => {},
    };
  }

  /** Connects (or reconnects with the stored handle) and makes the new connection current. */
  private async attach(resume: boolean): Promise<void> {
    const generation = ++this.generation;
    const handle = resume ? this.handles.handle : undefined;
    const covered = this.handles.covers;
    const attempt = new ConnectAttempt(this.settings, {
      declarations: this.declarations(),
      handle,
      screen: (live) => screenFrames(live, this.reportFrame),
      onMessage: (message) => this.onMessage(message, generation),
      onClose: (event) => this.onSocketClosed(event, generation),
    });
    this.pending = attempt;
    let opened: Awaited<ConnectAttempt['result']>;
    try {
      opened = await attempt.result;
    } catch (error) {
      this.closeSocket(attempt); // a failed attempt's socket is closing: close() waits for it too
      throw error;
    } finally {
      if (this.pending === attempt) this.pending = undefined;
    }
    if (this.state === 'closing' || this.state === 'closed') {
      this.closeSocket(attempt);
      return;
    }
    const { session, early } = opened;
    this.connection = { session, generation, attempt };
    this.pacer.connected();
    this.state = 'open';
    if (resume) {
      // The session now continues from the state this handle stands for. A newer handle stored
      // while this attempt was under way (sent by the connection being left) stands for another
      // continuation of the session, which the numbering below does not follow: it is forgotten.
      this.handles.restore(handle, covered);
      this.writer.rebase(covered);
      this.emit({ type: 'connected', resumed: true, time: this.now() });
      // What these messages make the session write (a final after a stop or an interruption)
      // queues behind the held and replayed messages: the writer lets nothing overtake them.
      for (const m of early) this.onMessage(m, generation);
    } else {
      // The first connection's early messages (a greeting, say) are published on the next turn of
      // the event loop, so that the caller of connect() has subscribed to events$ by then. Messages
      // arriving meanwhile queue behind them, keeping the order. Each keeps what had been written
      // when it arrived: a handle among them covers no more than that.
      const written = this.writer.lastWritten;
      this.deferred = early.map((message) => ({ message, written }));
      this.settings.scheduler.schedule(() => {
        const queued = this.deferred ?? [];
        this.deferred = undefined;
        this.emit({ type: 'connected', resumed: false, time: this.now() });
        for (const m of queued) this.onMessage(m.message, generation, m.written);
      });
    }
    // An early message of the new connection (a goAway) may have started another resumption:
    // then everything stays held for the connection after it.
    this.writer.flush();
  }

  /** Closes an attempt's socket (handshake, then terminate after `closeTimeoutMs`); `close()` waits for it. */
  private closeSocket(attempt: ConnectAttempt): void {
    const closing = attempt.close().finally(() => this.closingSockets.delete(closing));
    this.closingSockets.add(closing);
  }

  /** `written`: the last client message index written when the message arrived. */
  private onMessage(message: WireServerMessage, generation: number, written = this.writer.lastWritten): void {
    if (this.state === 'closed') return;
    if (this.deferred) {
      this.deferred.push({ message, written });
      return;
    }
    try {
      this.handleMessage(message, generation, written);
    } catch (error) {
      this.reportMalformed(message, error);
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

  private handleMessage(message: WireServerMessage, generation: number, written: number): void {
    this.messages.next(message);
    const time = this.now();
    // Malformed model output must not cost the rest of the message (a toolCall beside it, say).
    try {
      this.content.read(message, time);
    } catch (error) {
      this.reportMalformed(message, error);
    }
    // While close() is in progress the scheduler is gone: calls can no longer be answered.
    if (message.toolCall?.functionCalls?.length && !this.scheduler.isDisposed) {
      this.scheduler.handleToolCall(message.toolCall.functionCalls);
    }
    if (message.toolCallCancellation?.ids?.length) {
      const ids = message.toolCallCancellation.ids;
      this.scheduler.handleCancellation(ids);
      this.writer.discard(ids);
      this.settings.delivery.discard?.(ids);
    }
    if (message.sessionResumptionUpdate) {
      this.onResumptionUpdate(message.sessionResumptionUpdate, generation, written);
    }
    if (message.usageMetadata) this.emit({ type: 'usage', usage: message.usageMetadata, time });
    if (message.goAway) {
      const willResume = this.handles.handle !== undefined;
      this.emit({ type: 'go-away', timeLeft: message.goAway.timeLeft, willResume, time });
      if (willResume && generation === this.connection?.generation && this.state === 'open') {
        this.startResumption('go-away');
      }
    }
  }

  /** `written`: the last client message index written when the update arrived. */
  private onResumptionUpdate(update: ResumptionUpdate, generation: number, written: number): void {
    const current = generation === this.connection?.generation;
    const leaving = this.state === 'reconnecting' && generation === this.leaving?.generation;
    const source = current ? 'current' : leaving ? 'leaving' : 'other';
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
  }

  private onSocketClosed(event: WireCloseEvent, generation: number): void {
    if (generation !== this.connection?.generation) return; // an old connection after a switch
    if (this.state !== 'open') return;
    const reason = event.reason ? `${event.code}: ${event.reason}` : `code ${event.code}`;
    if (this.handles.handle !== undefined) {
      this.settings.logger.warn('connection lost; resuming the session', {
        code: event.code,
        reason: event.reason,
      });
      this.startResumption('connection-lost');
    } else {
      this.teardown(
        event.code === 1000 ? 'server' : 'connection-lost',
        `The connection closed (${reason}) and no session resumption handle was available, so the session ended. ` +
          'Enable sessionResumption in the config to survive connection loss.',
        event.code,
      );
    }
  }

  private startResumption(cause: 'go-away' | 'connection-lost'): void {
    this.resume(cause).catch((error: unknown) => {
      // Not expected: a bug must end the session clearly, never escape as an unhandled rejection.
      this.settings.logger.error('resuming the session failed unexpectedly', { error: describeError(error) });
      this.teardown('connection-lost', `Resuming the session failed unexpectedly (${describeError(error)}).`);
    });
  }

  /**
   * Reconnects with the stored handle, with bounded, growing delays between attempts. Resumptions
   * in a row (each after a connection that lasted less than `reconnect.stableAfterMs`) back off
   * too, and after `reconnect.maxConsecutive` of them the session ends.
   */
  private async resume(cause: 'go-away' | 'connection-lost'): Promise<void> {
    const old = this.connection;
    this.state = 'reconnecting';
    this.connection = undefined;
    this.leaving = old;
    const { attempts, maxConsecutive, stableAfterMs } = this.settings.reconnect;
    let lastError: unknown;
    try {
      if (!this.pacer.begin()) {
        const how = cause === 'go-away' ? 'sent a goAway' : 'dropped the connection';
        this.teardown(
          cause === 'go-away' ? 'server' : 'connection-lost',
          `The Live API ${how} again: ${maxConsecutive} resumptions in a row, each connection lasting less than ` +
            `${stableAfterMs} ms, so the session ended. Raise reconnect.maxConsecutive to allow more.`,
        );
        return;
      }
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const wait = this.pacer.waitBefore(attempt);
        if (wait > 0) await this.delay(wait);
        if (this.state !== 'reconnecting') return;
        this.emit({ type: 'reconnecting', cause, attempt, time: this.now() });
        try {
          await this.attach(true);
          return;
        } catch (error) {
          if (this.state !== 'reconnecting') return; // closed meanwhile: the attempt was aborted
          lastError = error;
          this.emit({ type: 'error', error: error as Error, time: this.now() });
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
      if (old) this.closeSocket(old.attempt);
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.settings.scheduler.schedule(() => {
        this.backoff = undefined;
        resolve();
      }, ms);
      this.backoff = { timer, resolve };
    });
  }

  /** Ends the wait before the next resumption attempt at once (the loop then sees the session closing). */
  private cancelBackoff(): void {
    const backoff = this.backoff;
    this.backoff = undefined;
    backoff?.timer.unsubscribe();
    backoff?.resolve();
  }

  private async closeNow(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.scheduler.dispose();
    this.releaseSockets(new LivetoolsError('SESSION_CLOSED', 'The application closed the session.'));
    // Every socket the session opened has closed (or was terminated): nothing keeps the process alive.
    while (this.closingSockets.size > 0) await Promise.all([...this.closingSockets]);
    this.teardown('client', 'The application closed the session.');
  }

  /**
   * Stops every connection activity: the wait before a resumption attempt, the attempt under way
   * (its socket ended at once), and the current connection and the one being left (closed with a
   * handshake bounded by `closeTimeoutMs`).
   */
  private releaseSockets(reason: Error): void {
    this.cancelBackoff();
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      pending.abort(reason);
      this.closeSocket(pending);
    }
    const connection = this.connection;
    this.connection = undefined;
    if (connection) this.closeSocket(connection.attempt);
    const leaving = this.leaving;
    this.leaving = undefined;
    if (leaving) this.closeSocket(leaving.attempt);
  }

  private teardown(
    by: 'client' | 'server' | 'connection-lost',
    reason: string,
    code?: number,
    publish = true,
  ): void {
    if (this.state === 'closed') return;
    this.scheduler.dispose();
    this.releaseSockets(new LivetoolsError('SESSION_CLOSED', reason));
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
