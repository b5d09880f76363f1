/**
 * The simulated model's voice: one turn at a time, streamed in chunks on an RxJS scheduler.
 *
 * @internal
 * @packageDocumentation
 */

import type { SchedulerLike, Subscription } from 'rxjs';

/** Where a turn's frames go. @internal */
export interface SpeechSink {
  chunk(text: string): void;
  /** The turn finished normally. */
  complete(): void;
  /** The turn was cut short. */
  interrupted(): void;
  /** A turn ended; `spoken` is what was actually sent. */
  ended(spoken: string, interrupted: boolean): void;
}

/** Where a new turn goes relative to the current one and the queue. @internal */
export type SpeechMode = 'queue' | 'front' | 'interrupt';

interface Turn {
  readonly chunks: readonly string[];
  sent: number;
  pending: Subscription | undefined;
}

/**
 * Speaks turns one at a time. The first chunk of a turn is sent at once, each further chunk and
 * finally `turnComplete` after `intervalMs` on the scheduler, so a turn is "in progress" until the
 * scheduler runs it out. Queued turns start when the current one completes.
 *
 * @internal
 */
export class Speaker {
  readonly #scheduler: SchedulerLike;
  readonly #intervalMs: number;
  readonly #wordsPerChunk: number;
  readonly #sink: SpeechSink;
  readonly #queue: string[] = [];
  #turn: Turn | undefined;
  #disposed = false;

  constructor(scheduler: SchedulerLike, intervalMs: number, wordsPerChunk: number, sink: SpeechSink) {
    this.#scheduler = scheduler;
    this.#intervalMs = intervalMs;
    this.#wordsPerChunk = Math.max(1, wordsPerChunk);
    this.#sink = sink;
  }

  /** True while a turn is in progress. */
  get speaking(): boolean {
    return this.#turn !== undefined;
  }

  /** Turns waiting for the current one to complete. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Speaks `text`: after the queue, before it, or at once, interrupting the current turn. */
  say(text: string, mode: SpeechMode): void {
    if (this.#disposed) return;
    if (mode === 'interrupt') {
      this.interrupt();
      this.#start(text);
      return;
    }
    if (mode === 'front') this.#queue.unshift(text);
    else this.#queue.push(text);
    this.pump();
  }

  /** Cuts the current turn short (`interrupted`, then `turnComplete`). Queued turns wait for `pump`. */
  interrupt(): void {
    const turn = this.#turn;
    if (turn === undefined) return;
    turn.pending?.unsubscribe();
    this.#turn = undefined;
    this.#sink.interrupted();
    this.#sink.ended(turn.chunks.slice(0, turn.sent).join(''), true);
  }

  /** Starts the next queued turn if none is in progress. */
  pump(): void {
    if (this.#disposed || this.#turn !== undefined) return;
    const next = this.#queue.shift();
    if (next !== undefined) this.#start(next);
  }

  /** Stops everything without sending anything more. */
  dispose(): void {
    this.#disposed = true;
    this.#turn?.pending?.unsubscribe();
    this.#turn = undefined;
    this.#queue.length = 0;
  }

  #start(text: string): void {
    const turn: Turn = { chunks: splitChunks(text, this.#wordsPerChunk), sent: 0, pending: undefined };
    this.#turn = turn;
    this.#step(turn);
  }

  #step(turn: Turn): void {
    if (this.#turn !== turn) return;
    const chunk = turn.chunks[turn.sent];
    if (chunk === undefined) {
      this.#turn = undefined;
      this.#sink.complete();
      this.#sink.ended(turn.chunks.join(''), false);
      this.pump();
      return;
    }
    turn.sent += 1;
    this.#sink.chunk(chunk);
    turn.pending = this.#scheduler.schedule(() => this.#step(turn), this.#intervalMs);
  }
}

/** Splits text into chunks of `wordsPerChunk` words whose concatenation is the (space-normalised) text. */
export function splitChunks(text: string, wordsPerChunk: number): string[] {
  const words = text.trim().split(/\s+/);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) {
    const last = i + wordsPerChunk >= words.length;
    chunks.push(words.slice(i, i + wordsPerChunk).join(' ') + (last ? '' : ' '));
  }
  return chunks;
}
