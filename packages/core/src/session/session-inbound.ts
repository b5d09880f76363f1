import { BlockingCallHold } from '../delivery/blocking-calls.js';
import { describeError } from '../errors.js';
import type { WireServerMessage } from '../protocol/genai-like.js';
import { readServerMessage, type ServerAction } from '../protocol/read-server-message.js';
import { ServerContentReader } from '../protocol/server-content-reader.js';
import { describeValue } from '../protocol/server-signals.js';
import type { ToolRunner } from '../runner/tool-runner.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';
import type { SessionEvent } from './live-events.js';
import type { OutboundWriter } from './outbound-writer.js';
import type { ResumptionHandles, ResumptionUpdate } from './resumption-handles.js';
import type { SessionLink } from './session-link.js';
import type { SessionRecovery } from './session-recovery.js';
import type { SessionSettings } from './session-settings.js';

/** @internal What the inbound room needs of its session. */
export interface InboundHost {
  readonly settings: SessionSettings;
  readonly link: SessionLink;
  readonly writer: OutboundWriter;
  readonly handles: ResumptionHandles;
  /** The session's runner (asked for when a message needs it: it is made after this room). */
  runner(): ToolRunner;
  /** The resumption and handoff room (asked for when a message needs it: it is made after this room). */
  recovery(): SessionRecovery;
  /** Publishes a server message, as received, on `messages$`. */
  received(message: WireServerMessage): void;
  /** Publishes a session event (nothing once the session is closed). */
  publish(event: SessionEvent): void;
  /** The session scheduler's clock. */
  now(): number;
  /** The function declarations sent in the setup message. */
  declarations(): readonly LiveFunctionDeclaration[];
}

/**
 * @internal
 * The session's inbound room: each server message of a connection, read into actions
 * (`readServerMessage`) and applied one by one: model content into events through the
 * {@link ServerContentReader}, tool calls to the runner through the {@link BlockingCallHold},
 * cancellations, resumption handles, usage and goAway. The first connection's early messages wait
 * until the caller of `connect()` has subscribed; messages of a connection the session was handed
 * over from are ignored.
 */
export class SessionInbound {
  readonly #host: InboundHost;
  /** Model output, transcriptions and turn signals into events; the idle state as the profile says. */
  readonly #content: ServerContentReader;
  /** The time of the server message being applied (`undefined` until an action reads it). */
  #messageTime: number | undefined = undefined;
  /** Runs tool calls, telling the writer of BLOCKING ones new input would cancel (text results wait for them). */
  readonly #blockingHold: BlockingCallHold;
  /** The first connection's early messages, each with the last client message index written when it arrived. */
  #deferred: { message: WireServerMessage; written: number }[] | undefined;
  /** What waits behind the deferred messages (a close of the first connection that came meanwhile). */
  #afterDeferred: (() => void)[] = [];
  /** Messages of connections up to this generation are ignored (a session handed over). */
  #retiredUpTo = 0;
  /**
   * The last message with tool calls and the last with model content. V8 describes the SDK's
   * messages (and the objects parsed from each frame) by hidden classes it reaches through
   * transitions it holds weakly: once no message of a shape is alive, a full garbage collection
   * may drop its classes and deoptimize the code that read such messages, which then runs
   * unoptimized for thousands of messages. An agent waits between tool calls most of the time, so
   * the last message of each kind is kept (until the next one of its kind, or the session's end).
   */
  readonly #kept: { toolCall: WireServerMessage | undefined; content: WireServerMessage | undefined } = {
    toolCall: undefined,
    content: undefined,
  };

  constructor(host: InboundHost) {
    this.#host = host;
    const { settings, writer } = host;
    this.#blockingHold = new BlockingCallHold(settings.profile, () => host.declarations(), writer);
    this.#content = new ServerContentReader(
      // Read defensively: a session built without a profile keeps the turnComplete behaviour.
      settings.profile?.idleSignal === 'interactionStatus' ? 'interactionStatus' : 'turnComplete',
      {
        publish: (event) => host.publish(event),
        busy: () => {
          writer.modelTurnActive = true;
        },
        idle: () => writer.becomeIdle(),
        interrupted: () => host.runner().handleInterruption(),
      },
      settings.logger,
      settings.model,
    );
  }

  /** Ignores, from now on, the messages of connections up to `generation` (the session was handed over). */
  retire(generation: number): void {
    this.#retiredUpTo = Math.max(this.#retiredUpTo, generation);
  }

  /**
   * The first connection's early messages (a greeting, say) are published on the next turn of
   * the event loop, so that the caller of connect() has subscribed to events$ by then. Messages
   * arriving meanwhile queue behind them, keeping the order. Each keeps what had been written
   * when it arrived: a handle among them covers no more than that.
   */
  deferFirst(early: readonly WireServerMessage[], generation: number): void {
    const host = this.#host;
    const written = host.writer.lastWritten;
    this.#deferred = early.map((message) => ({ message, written }));
    host.settings.scheduler.schedule(() => {
      const queued = this.#deferred ?? [];
      this.#deferred = undefined;
      host.publish({ type: 'connected', resumed: false, time: host.now() });
      for (const m of queued) this.onMessage(m.message, generation, m.written);
      const after = this.#afterDeferred;
      this.#afterDeferred = [];
      for (const run of after) run();
    });
  }

  /**
   * Runs `run` now, or, while the first connection's early messages wait for their turn, right
   * after them: a close that arrives meanwhile must not overtake the messages (a resumption handle,
   * model output) that came before it.
   */
  afterEarlyMessages(run: () => void): void {
    if (this.#deferred) this.#afterDeferred.push(run);
    else run();
  }

  /** `written`: the last client message index written when the message arrived. */
  onMessage(message: WireServerMessage, generation: number, written = this.#host.writer.lastWritten): void {
    const host = this.#host;
    if (host.link.state.kind === 'closed') return;
    if (generation <= this.#retiredUpTo) {
      host.settings.logger.debug('ignored a message of a connection the session was handed over from', {});
      return;
    }
    if (this.#deferred) {
      this.#deferred.push({ message, written });
      return;
    }
    host.received(message);
    // One time for the whole message, read when an action first needs it (tool calls do not). A
    // message delivered from inside this one (a listener of its events) has a time of its own.
    const outer = this.#messageTime;
    this.#messageTime = undefined;
    // Each action on its own: one that fails (malformed model output, say) costs only itself.
    for (const action of readServerMessage(message)) {
      try {
        this.#apply(action, generation, written);
      } catch (error) {
        this.#reportMalformed(message, error);
      }
    }
    this.#messageTime = outer;
  }

  /** The time of the message being applied, read from the clock on first use. */
  #time(): number {
    if (this.#messageTime === undefined) this.#messageTime = this.#host.now();
    return this.#messageTime;
  }

  /** Applies one action of a server message of connection `generation`. */
  #apply(action: ServerAction, generation: number, written: number): void {
    const host = this.#host;
    switch (action.kind) {
      case 'content':
        this.#kept.content = action.message;
        this.#content.read(action.message, this.#time());
        break;
      case 'tool-calls': {
        this.#kept.toolCall = action.message;
        // While close() is in progress the runner is gone: calls can no longer be answered.
        const runner = host.runner();
        if (!runner.isDisposed) this.#blockingHold.run(action.calls, runner);
        break;
      }
      case 'cancellation':
        host.runner().handleCancellation(action.ids);
        host.writer.discard(action.ids);
        host.recovery().discardParked(action.ids);
        host.settings.delivery.discard?.(action.ids);
        break;
      case 'resumption-update':
        this.#onResumptionUpdate(action.update, generation, written);
        break;
      case 'usage':
        host.publish({ type: 'usage', usage: action.usage, time: this.#time() });
        break;
      case 'go-away':
        host.recovery().onGoAway(action, generation);
        break;
      case 'malformed':
        throw new Error(`${action.field} is ${action.got}`);
      case 'ignored':
        host.settings.logger.debug('ignored a server value livetools cannot read', {
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
  #reportMalformed(message: WireServerMessage, error: unknown): void {
    const host = this.#host;
    host.settings.logger.error('ignored a malformed server message', { error: describeError(error) });
    host.publish({
      type: 'error',
      error: new Error(
        `Ignored a malformed server message (${describeError(error)}): ${previewMessage(message)}`,
        {
          cause: error,
        },
      ),
      time: host.now(),
    });
  }

  /** `written`: the last client message index written when the update arrived. */
  #onResumptionUpdate(update: ResumptionUpdate, generation: number, written: number): void {
    const { link, handles, writer } = this.#host;
    const current = link.isCurrent(generation);
    const source = current ? 'current' : link.isLeaving(generation) ? 'leaving' : 'other';
    const { stored, index } = handles.take(update, source, written);
    // While a resumption is under way, the attempt may use the previous handle: what it needs
    // replayed stays until the resumption is done (the rebase forgets what its handle covers).
    if (stored && current) writer.acknowledge(handles.covers);
    this.#host.publish({
      type: 'resumption-update',
      resumable: update.resumable !== false,
      hasHandle: stored,
      ...(index === undefined ? {} : { lastConsumedClientMessageIndex: index }),
      time: this.#host.now(),
    });
    if (stored && current) this.#host.recovery().onHandleStored();
  }
}

/**
 * The start of a message as JSON, for error messages (a frame may be megabytes long). Never throws:
 * a message JSON cannot print (a cycle, a BigInt, a throwing getter) is described by its type.
 *
 * @internal
 */
export function previewMessage(message: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(message) ?? describeValue(message);
  } catch {
    text = describeValue(message);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
