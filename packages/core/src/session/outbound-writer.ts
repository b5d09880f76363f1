import { describeError } from '../errors.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import { IdTable } from '../runner/id-table.js';
import type { Logger } from '../tool/context.js';
import { type OutboundMessage, ResponseOutbox, type ResultSource } from './response-outbox.js';
import { SendFailedError } from './send-failed-error.js';
import type { SessionMetricsRecorder } from './session-metrics.js';

/** @internal What the writer needs of its session. */
export interface OutboundWriterOptions {
  /** The connection to write to now; `undefined` while there is none (messages are held). */
  readonly target: () => GenAILiveSession | undefined;
  /** Session resumption is on: written messages are kept until a handle covers them. */
  readonly resumption: boolean;
  /** Intermediate results kept per call while held or unacknowledged. */
  readonly perCall: number;
  /** Written messages kept for a replay at most (unacknowledged). */
  readonly maxUnacknowledged: number;
  readonly recorder: SessionMetricsRecorder;
  readonly logger: Logger;
  /** Publishes a session `error` event. */
  readonly reportError: (error: Error) => void;
}

interface IdleEntry {
  readonly callId: string | undefined;
  readonly send: () => void;
  /** The result `send` writes, when it writes one. */
  readonly source?: ResultSource | undefined;
}

/**
 * @internal
 * The session's outbound side: numbering and writing client messages (function responses, text
 * turns, and the realtime text a `realtime-text` delivery writes for a call), holding them while
 * no connection can take them, keeping them until a resumption handle covers them, and the queue
 * of writes that wait until the model is idle.
 *
 * Its rules: messages go out in the order they were produced (nothing overtakes a held message,
 * so a call's final response stays its last); one message that cannot be written costs only
 * itself (it is reported, as a {@link SendFailedError}, and the rest are written); nothing is
 * written for a call after the server cancelled it; on a model that cancels a `BLOCKING` call when
 * new input arrives, a call's results written as text wait while such a call runs
 * ({@link OutboundWriter.blockingCalls}), so that they never cost it.
 */
export class OutboundWriter {
  /** Client messages produced while no connection could take them, in order. */
  readonly #held: ResponseOutbox;
  /**
   * With session resumption: messages written and not yet covered by a handle (with transparent
   * resumption, not yet acknowledged by the server's `lastConsumedClientMessageIndex`).
   */
  readonly #unacked: ResponseOutbox;
  readonly #idle: IdleEntry[] = [];
  /** The index the next client message written gets (client messages of the session, from 0, setups not counted). */
  #next = 0;
  #flushing = false;
  /** The model is speaking: writes that wait for idle are queued. */
  modelTurnActive = false;
  /**
   * BLOCKING calls that new input would cancel (the profile says so) whose call-ending function
   * response has not been written yet: see {@link blockingCalls}.
   */
  readonly #blocking = new IdTable<true>();
  /** Results written as text (new input) while a call of {@link blocking} runs, in order. */
  readonly #heldForBlocking: ResponseOutbox;
  /** `blocking` is not empty: the one check the write path makes for it. */
  #blockingPending = false;

  readonly #options: OutboundWriterOptions;

  constructor(options: OutboundWriterOptions) {
    this.#options = options;
    const onDrop = (callId: string) => options.recorder.drop(callId);
    this.#held = new ResponseOutbox(options.perCall, onDrop);
    this.#unacked = new ResponseOutbox(options.perCall, onDrop, {
      maxSize: options.maxUnacknowledged,
      onOverflow: () => options.recorder.replayDrop(),
    });
    this.#heldForBlocking = new ResponseOutbox(options.perCall, onDrop);
  }

  /** The index of the last client message written (`-1`: none). */
  get lastWritten(): number {
    return this.#next - 1;
  }

  /** Counts a realtime input written directly (numbered by the server, never replayed). */
  countRealtime(): void {
    this.#number(false);
  }

  /** Numbers and counts one client message just written; returns its index. */
  #number(replay: boolean): number {
    this.#options.recorder.sent(replay);
    return this.#next++;
  }

  /**
   * Writes one client message to the current connection, numbering it, and with session
   * resumption keeps it until a handle covers it. Without a connection, or while earlier
   * messages are still held, it is held, in order, for the next flush.
   */
  write(message: OutboundMessage): void {
    if (this.#blockingPending && isNewInput(message)) {
      this.#heldForBlocking.push(message);
      return;
    }
    const session = this.#options.target();
    if (!session || this.#held.size > 0 || this.#flushing) {
      this.#held.push(message);
      if (session && !this.#flushing) this.flush();
      return;
    }
    this.#send(session, message);
  }

  /**
   * Writes `message` ahead of the messages held while there was no connection (behind the replays
   * of a resumption, which restore what the session already was): the briefing of a new session
   * goes before the user's turns sent meanwhile. With nothing held it is an ordinary {@link write}.
   */
  writeFirst(message: OutboundMessage): void {
    if (this.#held.size === 0) {
      this.write(message);
      return;
    }
    const held = this.#held.drain();
    let at = 0;
    while (at < held.length && held[at]!.replay === true) at += 1;
    this.#held.prepend([...held.slice(0, at), message, ...held.slice(at)]);
    if (!this.#flushing) this.flush();
  }

  /**
   * The results held and not written yet, in the order they were produced, one per result (a
   * result written as several messages is given once), leaving them held: those waiting for a
   * connection, for a BLOCKING call's answer, or for the model to be idle. Replays (written once
   * already) are not among them. `ids`: only these calls' results.
   */
  unwritten(ids?: ReadonlySet<string>): LiveFunctionResponse[] {
    const seen = new Set<ResultSource>();
    const sources: ResultSource[] = [];
    const add = (source: ResultSource | undefined, callId: string | undefined) => {
      if (source === undefined || seen.has(source)) return;
      if (ids !== undefined && (callId === undefined || !ids.has(callId))) return;
      seen.add(source);
      sources.push(source);
    };
    for (const m of this.#held.messages()) if (m.replay !== true) add(m.source, m.callId);
    for (const m of this.#heldForBlocking.messages()) add(m.source, m.callId);
    for (const e of this.#idle) add(e.source, e.callId);
    return sources.sort((a, b) => a.seq - b.seq).map((s) => s.response);
  }

  /** Writes every held message, in order, to the current connection (if there is one). */
  flush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      let logged = false;
      for (;;) {
        const session = this.#options.target();
        if (!session || this.#held.size === 0) return;
        const held = this.#held.drain();
        if (!logged) {
          logged = true;
          this.#options.logger.info('sending client messages held while disconnected', {
            messages: held.length,
            dropped: this.#held.dropped + this.#unacked.dropped,
          });
        }
        for (let i = 0; i < held.length; i++) {
          const target = this.#options.target();
          if (!target) {
            // The connection went away meanwhile: the rest waits for the next one, in order.
            this.#held.prepend(held.slice(i));
            return;
          }
          const message = held[i]!;
          // A BLOCKING call came (an early message of a resumed connection) while this text was held.
          if (this.#blockingPending && isNewInput(message)) this.#heldForBlocking.push(message);
          else this.#send(target, message);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /**
   * After a resumption: the server's state is the one the handle stands for, up to client message
   * `covered`. What was written after it goes in front of the held messages, to be written again,
   * in order, and numbering resumes at `covered + 1`.
   */
  rebase(covered: number): void {
    const replay = this.#unacked.takeAfter(covered);
    this.#next = covered + 1;
    if (replay.length > 0) {
      this.#options.logger.info('replaying client messages the resumed state does not hold', {
        messages: replay.length,
        handleCovers: covered,
      });
      this.#held.prepend(replay.map((m) => (m.replay ? m : { ...m, replay: true })));
    }
    // The resumed state is the handle's, taken while no call ran (resumable: false while calls
    // run): no BLOCKING call waits there. The texts held for one go behind the replay, in order.
    if (this.#blockingPending) {
      this.#blocking.clear();
      this.#blockingPending = false;
      for (const message of this.#heldForBlocking.drain()) this.#held.push(message);
    }
  }

  /**
   * The model made these calls `BLOCKING`, on a model that cancels a BLOCKING call when new input
   * arrives. Until each call's response that ends it on the wire is written (or the server cancels
   * the call, or the session resumes or is handed over), every result written as text for a call
   * (a `clientContent` turn or `realtimeInput.text`: new input, whatever its scheduling) is held,
   * in order, and written right after. Function responses and the user's own input are not held.
   * Tell it before the calls run: one answered at once (an unknown tool) ends its hold at once.
   */
  blockingCalls(ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const id of ids) this.#blocking.set(id, true);
    this.#blockingPending = true;
  }

  /**
   * After the calls of {@link blockingCalls} were handed to the runner: those it neither
   * answered nor keeps (`isOpen` false: a call that reused an ended call's id, say) get no
   * response, so they hold nothing.
   */
  blockingSettled(ids: readonly string[], isOpen: (id: string) => boolean): void {
    if (!this.#blockingPending) return;
    for (const id of ids) if (!isOpen(id)) this.#blocking.delete(id);
    this.#releaseIfUnblocked();
  }

  /** The number of text results held while a BLOCKING call runs. */
  get heldForBlockingCount(): number {
    return this.#heldForBlocking.size;
  }

  /** Forgets the written messages up to `index`: a handle covers them. */
  acknowledge(index: number): void {
    this.#unacked.acknowledge(index);
  }

  /** The server cancelled these calls: nothing more is written for them, held, unacknowledged or waiting for idle. */
  discard(ids: readonly string[]): void {
    this.#held.discard(ids);
    this.#unacked.discard(ids);
    if (this.#blockingPending) {
      this.#heldForBlocking.discard(ids);
      for (const id of ids) this.#blocking.delete(id);
    }
    const gone = new Set(ids);
    const keep = this.#idle.filter((e) => e.callId === undefined || !gone.has(e.callId));
    this.#idle.splice(0, this.#idle.length, ...keep);
    // A cancelled BLOCKING call holds nothing any more.
    this.#releaseIfUnblocked();
  }

  /**
   * Runs `send` now when the model is not speaking and nothing of the same call waits, else
   * queues it until the model's turn ends. A call's writes keep their order. `source`: the result
   * `send` writes ({@link unwritten} reports it while it waits).
   */
  whenIdle(callId: string | undefined, send: () => void, source?: ResultSource): void {
    if (this.modelTurnActive || (callId !== undefined && this.isWaiting(callId))) {
      this.#idle.push({ callId, send, source });
      return;
    }
    this.run({ callId, send });
  }

  /** Runs `send` now, unless writes of call `callId` wait for idle: then it waits behind them. */
  inOrder(callId: string, send: () => void, source?: ResultSource): void {
    if (this.isWaiting(callId)) this.#idle.push({ callId, send, source });
    else this.run({ callId, send });
  }

  /** True when a write of call `callId` waits for the model to be idle. */
  isWaiting(callId: string): boolean {
    return this.#idle.some((e) => e.callId === callId);
  }

  /** Runs the waiting writes of call `callId` now, in order (an urgent result takes them along). */
  release(callId: string): void {
    const mine = this.#idle.filter((e) => e.callId === callId);
    if (mine.length === 0) return;
    const rest = this.#idle.filter((e) => e.callId !== callId);
    this.#idle.splice(0, this.#idle.length, ...rest);
    for (const entry of mine) this.run(entry);
  }

  /** The model's turn ended: every waiting write runs, in order; one that fails costs only itself. */
  becomeIdle(): void {
    this.modelTurnActive = false;
    // Every turn ends here: nothing waiting (the usual case) costs no copy of the list.
    if (this.#idle.length === 0) return;
    for (const entry of this.#idle.splice(0)) this.run(entry);
  }

  /** Runs one delivery step; when it throws (a value the delivery cannot encode), it is reported and skipped. */
  run(entry: IdleEntry): void {
    try {
      entry.send();
    } catch (error) {
      this.reportFailure(entry.callId, error);
    }
  }

  /** Drops everything: the session ended. */
  clear(): void {
    this.#idle.length = 0;
    this.#held.drain();
    this.#unacked.drain();
    this.#heldForBlocking.drain();
    this.#blocking.clear();
    this.#blockingPending = false;
  }

  #send(session: GenAILiveSession, message: OutboundMessage): void {
    try {
      (session[message.method] as (params: unknown) => void).call(session, message.params);
    } catch (error) {
      this.#failed(session, message, error);
      return;
    }
    this.#afterWrite(message);
  }

  /**
   * The connection a function response written now goes to at once, with nothing written before
   * it (nothing held or being flushed), or `undefined`: then it goes through {@link write}. A
   * BLOCKING call's hold does not matter: it holds text results only.
   */
  directTarget(): GenAILiveSession | undefined {
    if (this.#held.size > 0 || this.#flushing) return undefined;
    return this.#options.target();
  }

  /**
   * Writes a result's function response on `session`, from {@link directTarget} just now: what
   * {@link write} does with it, without a message object unless one is kept (for a replay) or
   * reported (it could not be written). This runs for every result of the usual delivery.
   */
  writeToolResponse(
    session: GenAILiveSession,
    params: unknown,
    callId: string,
    intermediate: boolean,
    final: boolean,
  ): void {
    try {
      session.sendToolResponse(params as { functionResponses: never });
    } catch (error) {
      this.#failed(session, toolResponseMessage(params, callId, intermediate, final), error);
      return;
    }
    if (this.#options.resumption) {
      this.#afterWrite(toolResponseMessage(params, callId, intermediate, final));
      return;
    }
    this.#number(false);
    if (this.#blockingPending && !intermediate) this.#answeredCall(callId);
  }

  /** A message was written: it is numbered and counted, kept for a replay, and may end a BLOCKING call's hold. */
  #afterWrite(message: OutboundMessage): void {
    const index = this.#number(message.replay === true);
    if (this.#options.resumption) this.#unacked.push(message, index);
    if (this.#blockingPending) this.#answered(message);
  }

  /**
   * A message could not be written: it is reported, and a response that ends its call on the wire
   * is replaced by an error response, so that the call still ends.
   */
  #failed(session: GenAILiveSession, message: OutboundMessage, error: unknown): void {
    this.reportFailure(message.callId, error);
    const substitute = errorResponse(message, error);
    if (substitute) this.#send(session, substitute);
    // Without a substitute (or when it failed too) nothing more ends the call: it holds nothing.
    if (this.#blockingPending) this.#answered(message);
  }

  /** A message was written (or given up): when it ends a BLOCKING call on the wire, that call holds nothing any more. */
  #answered(message: OutboundMessage): void {
    if (message.method !== 'sendToolResponse' || message.intermediate || message.callId === undefined) return;
    this.#answeredCall(message.callId);
  }

  /** The response that ends call `callId` on the wire was written (or given up): the call holds nothing any more. */
  #answeredCall(callId: string): void {
    if (this.#blocking.delete(callId)) this.#releaseIfUnblocked();
  }

  /** Once no BLOCKING call runs, the texts held for one are written, in order. */
  #releaseIfUnblocked(): void {
    if (!this.#blockingPending || this.#blocking.size > 0) return;
    this.#blockingPending = false;
    if (this.#heldForBlocking.size === 0) return;
    for (const message of this.#heldForBlocking.drain()) this.write(message);
  }

  /** Reports a message of `callId` that could not be written or encoded: error event, log and metrics. */
  reportFailure(callId: string | undefined, cause: unknown): void {
    const error = new SendFailedError(callId, cause);
    this.#options.recorder.sendFailed();
    this.#options.logger.error('a client message could not be sent; it was skipped', {
      callId,
      error: describeError(cause),
    });
    this.#options.reportError(error);
  }
}

/** A result a delivery writes as text for a call: new input to the model (a function response is not, nor the user's own turn). */
function isNewInput(message: OutboundMessage): boolean {
  return message.callId !== undefined && message.method !== 'sendToolResponse';
}

/** The client message of a result's function response (made when it is kept for a replay, or reported). */
function toolResponseMessage(
  params: unknown,
  callId: string,
  intermediate: boolean,
  final: boolean,
): OutboundMessage {
  return { method: 'sendToolResponse', params, callId, intermediate, final };
}

/**
 * The error response that takes the place of a function response that could not be written when
 * that response ends the call on the wire (a final, or the one answer of a call whose later
 * results go as text), so that the call still ends: a synchronous-only model would otherwise wait
 * for it for ever. `undefined` for anything else (an intermediate `willContinue` response, a
 * text). The substitute holds only plain strings, so it cannot fail the same way.
 */
function errorResponse(message: OutboundMessage, cause: unknown): OutboundMessage | undefined {
  if (
    message.method !== 'sendToolResponse' ||
    message.callId === undefined ||
    message.substitute ||
    (message.intermediate && message.final !== true)
  )
    return undefined;
  const list = (message.params as { functionResponses?: unknown } | undefined)?.functionResponses;
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  const name = typeof first === 'object' && first !== null ? (first as { name?: unknown }).name : undefined;
  return {
    method: 'sendToolResponse',
    params: {
      functionResponses: [
        {
          id: message.callId,
          name: typeof name === 'string' ? name : '',
          response: {
            error: {
              message:
                message.final === true
                  ? `The result could not be sent (${describeError(cause)}); this call has ended.`
                  : `The result could not be sent (${describeError(cause)}).`,
            },
          },
        },
      ],
    },
    callId: message.callId,
    intermediate: false,
    substitute: true,
  };
}
