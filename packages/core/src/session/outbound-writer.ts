import { describeError } from '../errors.js';
import type { GenAILiveSession } from '../protocol/genai-like.js';
import type { Logger } from '../tool/context.js';
import { type OutboundMessage, ResponseOutbox } from './response-outbox.js';
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
 * written for a call after the server cancelled it.
 */
export class OutboundWriter {
  /** Client messages produced while no connection could take them, in order. */
  private readonly held: ResponseOutbox;
  /**
   * With session resumption: messages written and not yet covered by a handle (with transparent
   * resumption, not yet acknowledged by the server's `lastConsumedClientMessageIndex`).
   */
  private readonly unacked: ResponseOutbox;
  private readonly idle: IdleEntry[] = [];
  /** The index the next client message written gets (client messages of the session, from 0, setups not counted). */
  private next = 0;
  private flushing = false;
  /** The model is speaking: writes that wait for idle are queued. */
  modelTurnActive = false;

  constructor(private readonly options: OutboundWriterOptions) {
    const onDrop = (callId: string) => options.recorder.drop(callId);
    this.held = new ResponseOutbox(options.perCall, onDrop);
    this.unacked = new ResponseOutbox(options.perCall, onDrop, {
      maxSize: options.maxUnacknowledged,
      onOverflow: () => options.recorder.replayDrop(),
    });
  }

  /** The index of the last client message written (`-1`: none). */
  get lastWritten(): number {
    return this.next - 1;
  }

  /** Counts a realtime input written directly (numbered by the server, never replayed). */
  countRealtime(): void {
    this.next += 1;
    this.options.recorder.sent(false);
  }

  /**
   * Writes one client message to the current connection, numbering it, and with session
   * resumption keeps it until a handle covers it. Without a connection, or while earlier
   * messages are still held, it is held, in order, for the next flush.
   */
  write(message: OutboundMessage): void {
    const session = this.options.target();
    if (!session || this.held.size > 0 || this.flushing) {
      this.held.push(message);
      if (session && !this.flushing) this.flush();
      return;
    }
    this.send(session, message);
  }

  /** Writes every held message, in order, to the current connection (if there is one). */
  flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let logged = false;
      for (;;) {
        const session = this.options.target();
        if (!session || this.held.size === 0) return;
        const held = this.held.drain();
        if (!logged) {
          logged = true;
          this.options.logger.info('sending client messages held while disconnected', {
            messages: held.length,
            dropped: this.held.dropped + this.unacked.dropped,
          });
        }
        for (let i = 0; i < held.length; i++) {
          const target = this.options.target();
          if (!target) {
            // The connection went away meanwhile: the rest waits for the next one, in order.
            this.held.prepend(held.slice(i));
            return;
          }
          this.send(target, held[i]!);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * After a resumption: the server's state is the one the handle stands for, up to client message
   * `covered`. What was written after it goes in front of the held messages, to be written again,
   * in order, and numbering resumes at `covered + 1`.
   */
  rebase(covered: number): void {
    const replay = this.unacked.takeAfter(covered);
    this.next = covered + 1;
    if (replay.length > 0) {
      this.options.logger.info('replaying client messages the resumed state does not hold', {
        messages: replay.length,
        handleCovers: covered,
      });
      this.held.prepend(replay.map((m) => (m.replay ? m : { ...m, replay: true })));
    }
  }

  /** Forgets the written messages up to `index`: a handle covers them. */
  acknowledge(index: number): void {
    this.unacked.acknowledge(index);
  }

  /** The server cancelled these calls: nothing more is written for them, held, unacknowledged or waiting for idle. */
  discard(ids: readonly string[]): void {
    this.held.discard(ids);
    this.unacked.discard(ids);
    const gone = new Set(ids);
    const keep = this.idle.filter((e) => e.callId === undefined || !gone.has(e.callId));
    this.idle.splice(0, this.idle.length, ...keep);
  }

  /**
   * Runs `send` now when the model is not speaking and nothing of the same call waits, else
   * queues it until the model's turn ends. A call's writes keep their order.
   */
  whenIdle(callId: string | undefined, send: () => void): void {
    if (this.modelTurnActive || (callId !== undefined && this.isWaiting(callId))) {
      this.idle.push({ callId, send });
      return;
    }
    this.run({ callId, send });
  }

  /** Runs `send` now, unless writes of call `callId` wait for idle: then it waits behind them. */
  inOrder(callId: string, send: () => void): void {
    if (this.isWaiting(callId)) this.idle.push({ callId, send });
    else this.run({ callId, send });
  }

  /** True when a write of call `callId` waits for the model to be idle. */
  isWaiting(callId: string): boolean {
    return this.idle.some((e) => e.callId === callId);
  }

  /** Runs the waiting writes of call `callId` now, in order (an urgent result takes them along). */
  release(callId: string): void {
    const mine = this.idle.filter((e) => e.callId === callId);
    if (mine.length === 0) return;
    const rest = this.idle.filter((e) => e.callId !== callId);
    this.idle.splice(0, this.idle.length, ...rest);
    for (const entry of mine) this.run(entry);
  }

  /** The model's turn ended: every waiting write runs, in order; one that fails costs only itself. */
  becomeIdle(): void {
    this.modelTurnActive = false;
    for (const entry of this.idle.splice(0)) this.run(entry);
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
    this.idle.length = 0;
    this.held.drain();
    this.unacked.drain();
  }

  private send(session: GenAILiveSession, message: OutboundMessage): void {
    try {
      (session[message.method] as (params: unknown) => void).call(session, message.params);
    } catch (error) {
      this.reportFailure(message.callId, error);
      const substitute = errorResponse(message, error);
      if (substitute) this.send(session, substitute);
      return;
    }
    const index = this.next++;
    this.options.recorder.sent(message.replay === true);
    if (this.options.resumption) this.unacked.push(message, index);
  }

  /** Reports a message of `callId` that could not be written or encoded: error event, log and metrics. */
  reportFailure(callId: string | undefined, cause: unknown): void {
    const error = new SendFailedError(callId, cause);
    this.options.recorder.sendFailed();
    this.options.logger.error('a client message could not be sent; it was skipped', {
      callId,
      error: describeError(cause),
    });
    this.options.reportError(error);
  }
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
