import type { DeliveryContext } from '../delivery/delivery.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import { HandoffRelay } from './handoff-relay.js';
import type { OutboundWriter } from './outbound-writer.js';
import type { OutboundMessage, ResultSource } from './response-outbox.js';
import type { SessionMetricsRecorder } from './session-metrics.js';
import type { SessionSettings } from './session-settings.js';

/** @internal What the output room needs of its session. */
export interface OutputHost {
  readonly settings: SessionSettings;
  readonly writer: OutboundWriter;
  readonly recorder: SessionMetricsRecorder;
  /** The SDK session to write to now, or `undefined` while there is none. */
  writable(): GenAILiveSession | undefined;
  /** Throws `SESSION_CLOSED` once the session is closing. */
  assertOpen(): void;
}

/** Realtime input parameters (`sendRealtimeInput`). */
export type RealtimeParams = Parameters<GenAILiveSession['sendRealtimeInput']>[0];

/**
 * @internal
 * The session's outbound room: client messages through the {@link OutboundWriter} (numbered,
 * held and replayed), realtime input written directly, and tool responses routed through the
 * delivery strategy, or through the {@link HandoffRelay} for calls handed over to a new session.
 */
export class SessionOutput {
  /** Results of calls that continue after a handoff. */
  readonly relay: HandoffRelay;
  readonly deliveryContext: DeliveryContext;
  /** The order results are produced in: what the writer still holds at a handoff is carried in it. */
  #seq = 0;

  readonly #host: OutputHost;

  constructor(host: OutputHost) {
    this.#host = host;
    const { writer } = host;
    this.deliveryContext = {
      whenIdle: (callId, send) => writer.whenIdle(callId, send),
      inOrder: (callId, send) => writer.inOrder(callId, send),
      release: (callId) => writer.release(callId),
    };
    this.relay = new HandoffRelay(
      host.settings.profile,
      {
        route: (response) => {
          const source = this.#sourceOf(response);
          return { channel: this.#textChannel(source), context: this.#contextFor(source) };
        },
        context: this.deliveryContext,
        dropped: (callId) => host.recorder.drop(callId),
        failed: (callId, error) => writer.reportFailure(callId, error),
      },
      host.settings.bufferedResultsPerCall,
    );
  }

  /** True when the model takes `clientContent` only as initial history: text goes as realtime input. */
  get textAsRealtime(): boolean {
    return this.#host.settings.profile?.clientContent.midSession === 'initial-history-only';
  }

  /** Writes realtime input now, or drops it while reconnecting (stale audio and video are of no use later). */
  realtime(params: RealtimeParams): void {
    this.#host.assertOpen();
    const session = this.#host.writable();
    if (session) {
      session.sendRealtimeInput(params);
      // Counted (the server numbers every client message) but never replayed.
      this.#host.writer.countRealtime();
    } else
      this.#host.settings.logger.debug('realtime input not sent: the session is reconnecting', {
        keys: Object.keys(params),
      });
  }

  /** Writes one client message through the writer (numbered, held while disconnected, kept for a replay). */
  write(message: OutboundMessage): void {
    this.#host.writer.write(message);
  }

  /**
   * A user text turn: `clientContent`, or realtime text on a model that takes `clientContent` only
   * as initial history. `first`: ahead of the turns held while there was no connection (a briefing).
   */
  userText(text: string, turnComplete: boolean, first = false): void {
    if (this.textAsRealtime) {
      this.realtime({ text });
      return;
    }
    const message: OutboundMessage = {
      method: 'sendClientContent',
      params: { turns: [{ role: 'user', parts: [{ text }] }], turnComplete },
      callId: undefined,
      intermediate: false,
    };
    if (first) this.#host.writer.writeFirst(message);
    else this.write(message);
  }

  /**
   * Delivers responses one by one, each through a connection stand-in that routes what the
   * delivery strategy writes through {@link write}: messages are numbered and held or replayed
   * whatever the strategy, and a write deferred until the model is idle goes to the connection
   * current at that time. A response the strategy cannot encode costs only itself. A delivery
   * that writes a result as one function response at once (`toolResponse`) needs no stand-in
   * while nothing is held: its message is written as the writer would write it.
   */
  sendResponses(responses: readonly LiveFunctionResponse[]): void {
    const { writer } = this.#host;
    const delivery = this.#host.settings.delivery;
    const toolResponse = delivery.toolResponse;
    for (const r of responses) {
      if (this.relay.owns(r.id)) {
        this.relay.deliver(r);
        continue;
      }
      try {
        // The runner hands one response at a time: that array is passed on as it is.
        const one = responses.length === 1 ? responses : [r];
        const session = toolResponse === undefined ? undefined : writer.directTarget();
        if (toolResponse !== undefined && session !== undefined) {
          const params = toolResponse(one);
          writer.writeToolResponse(
            session,
            params,
            r.id,
            allContinue(params.functionResponses),
            r.willContinue !== true,
          );
          continue;
        }
        // One object per result: the connection stand-in, the delivery context and the writer's source.
        const route = new ResultRoute(this, writer, r, this.#seq++);
        delivery.deliver(one, route, route);
      } catch (error) {
        writer.reportFailure(r.id, error);
      }
    }
  }

  #sourceOf(response: LiveFunctionResponse): ResultSource {
    return { response, seq: this.#seq++ };
  }

  /** The delivery context for one result: what waits for idle is known to the writer by its result. */
  #contextFor(source: ResultSource): DeliveryContext {
    const { writer } = this.#host;
    return {
      whenIdle: (callId, send) => writer.whenIdle(callId, send, source),
      inOrder: (callId, send) => writer.inOrder(callId, send, source),
      release: (callId) => writer.release(callId),
    };
  }

  /**
   * Where the relay writes a handed-over call's text turns through the writer: `clientContent`,
   * or, on a model that takes `clientContent` only as initial history, the text as realtime input.
   * A function response on the old id is never written (the new session does not know it).
   */
  #textChannel(source: ResultSource): GenAILiveSession {
    const callId = source.response.id;
    const final = source.response.willContinue !== true;
    return {
      sendToolResponse: () => {},
      sendClientContent: (params) => {
        if (this.textAsRealtime) {
          // Held, numbered and replayed like the client messages (not dropped while reconnecting).
          const text = (params.turns ?? []).flatMap((t) => t.parts.map((p) => p.text)).join('\n');
          this.write({
            method: 'sendRealtimeInput',
            params: { text },
            callId,
            intermediate: !final,
            final,
            source,
          });
          return;
        }
        this.write({ method: 'sendClientContent', params, callId, intermediate: !final, final, source });
      },
      sendRealtimeInput: (params) => this.realtime(params),
      close: () => {},
    };
  }
}

/**
 * @internal
 * The way one result goes out: a connection stand-in that routes what the delivery strategy writes
 * through the writer (numbered, held, replayed), the delivery context for writes that wait for the
 * model to be idle, and the result itself as the writer's source (what a handoff carries). One
 * object with its methods on the prototype: this runs for every result a tool emits.
 *
 * It is also the client message of the first (almost always the only) write it routes: its
 * `method`, `params` and `intermediate` are set once, then it is handed to the writer as that
 * message, which saves a second object per result. A delivery that writes more than once for one
 * result (a text turn after a function response, say) gets a message object for each later write.
 */
class ResultRoute implements GenAILiveSession, DeliveryContext, ResultSource, OutboundMessage {
  method: OutboundMessage['method'] = 'sendToolResponse';
  params: unknown = undefined;
  intermediate = false;
  readonly callId: string;
  readonly final: boolean;
  readonly source: ResultSource = this;
  /** True once the route has been written as a message: later writes get objects of their own. */
  #written = false;

  /**
   * A route that lives as long as the module and routes nothing, so that V8 keeps the hidden
   * classes every route goes through (see `SHAPE_KEEPER` in call-context.ts: without a live route,
   * a full garbage collection between results may drop them and deoptimize the code that sends
   * results).
   */
  static readonly shapeKeeper: ResultRoute = new ResultRoute(
    undefined as never,
    undefined as never,
    { id: '', name: '', response: { output: null } },
    -1,
  );

  readonly #output: SessionOutput;
  readonly #writer: OutboundWriter;

  constructor(
    output: SessionOutput,
    writer: OutboundWriter,
    readonly response: LiveFunctionResponse,
    readonly seq: number,
  ) {
    this.#output = output;
    this.#writer = writer;
    this.callId = response.id;
    this.final = response.willContinue !== true;
  }

  sendToolResponse(params: { functionResponses: never }): void {
    const list = (params as { functionResponses?: unknown }).functionResponses;
    this.#write('sendToolResponse', params, Array.isArray(list) && allContinue(list));
  }

  sendClientContent(params: Parameters<GenAILiveSession['sendClientContent']>[0]): void {
    this.#write('sendClientContent', params, !this.final);
  }

  /** Realtime text from a delivery (realtime-text) is numbered, held and replayed like the rest. */
  sendRealtimeInput(params: RealtimeParams): void {
    this.#write('sendRealtimeInput', params, !this.final);
  }

  close(): void {}

  whenIdle(callId: string, send: () => void): void {
    this.#writer.whenIdle(callId, send, this);
  }

  inOrder(callId: string, send: () => void): void {
    this.#writer.inOrder(callId, send, this);
  }

  release(callId: string): void {
    this.#writer.release(callId);
  }

  #write(method: OutboundMessage['method'], params: unknown, intermediate: boolean): void {
    if (this.#written) {
      const { callId, final } = this;
      this.#output.write({ method, params, callId, intermediate, final, source: this });
      return;
    }
    this.#written = true;
    this.method = method;
    this.params = params;
    this.intermediate = intermediate;
    this.#output.write(this);
  }
}

/**
 * True when every response of a `sendToolResponse` continues its call (`willContinue: true`): the
 * message is intermediate (the bound may drop it, and a failed write is not replaced).
 */
function allContinue(list: readonly { readonly willContinue?: boolean | undefined }[]): boolean {
  for (const r of list) if (r.willContinue !== true) return false;
  return true;
}
