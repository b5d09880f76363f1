import type { LiveFunctionResponse } from '../protocol/function-calls.js';

/**
 * @internal
 * The result a client message was written for, as the tool produced it, with the order it was
 * produced in (`seq`, growing). A handoff gives the results its writer still holds to the
 * handoff relay, which writes them again as text for the new session.
 */
export interface ResultSource {
  readonly response: LiveFunctionResponse;
  readonly seq: number;
}

/**
 * @internal
 * One client message as the session writes it through the SDK, with what the outbox policy needs.
 */
export interface OutboundMessage {
  /**
   * The SDK method that writes it. `sendRealtimeInput` is realtime text a delivery writes for a
   * call (`realtime-text` delivery): held, numbered and replayed like the others. The session's
   * own audio, video and text input does not come through here (it is never replayed).
   */
  readonly method: 'sendToolResponse' | 'sendClientContent' | 'sendRealtimeInput';
  /** Its parameters, exactly as given to that method. */
  readonly params: unknown;
  /** The call whose response it carries; `undefined` for a user turn. */
  readonly callId: string | undefined;
  /**
   * An intermediate result (`willContinue: true`): the bound may drop it. Final responses, the
   * first answer of a call in `client-content` and `realtime-text` delivery and user turns are
   * never dropped.
   */
  readonly intermediate: boolean;
  /** True once it is sent again after a resumption. */
  readonly replay?: boolean;
  /**
   * The call's final result. A function response that cannot be written is replaced by an error
   * response when it is final or otherwise ends the call on the wire (not `intermediate`: the
   * first answer of a call in `client-content` or `realtime-text` delivery).
   */
  readonly final?: boolean;
  /** An error response written in place of a final that could not be written. */
  readonly substitute?: boolean;
  /** The result it carries, when it carries one. */
  readonly source?: ResultSource;
}

/** The bound on all the messages of a {@link ResponseOutbox}. */
interface TotalBound {
  /** At most this many messages of any kind are kept; beyond it the oldest is dropped. Default: no bound. */
  readonly maxSize?: number;
  /** Told of each message the total bound dropped (`undefined` for a user turn). */
  readonly onOverflow?: (callId: string | undefined) => void;
}

interface Entry {
  readonly message: OutboundMessage;
  /** The client message index it was written with; `-1` while it has not been written. */
  readonly index: number;
  removed: boolean;
}

/**
 * @internal
 * An ordered, bounded list of client messages: those held while no connection can take them, or,
 * with session resumption, those written but not yet covered by a resumption handle (with
 * transparent resumption, by the server's `lastConsumedClientMessageIndex`). Intermediate results are kept newest first up to `perCall` per
 * call (older ones are dropped and counted, and `onDrop` is told); final responses and user turns
 * are always kept. `drain()` and `takeAfter()` return messages in their original order.
 */
export class ResponseOutbox {
  #entries: Entry[] = [];
  readonly #intermediates = new Map<string, Entry[]>();
  #live = 0;
  /** How many intermediate results were dropped because newer ones replaced them. */
  dropped = 0;

  /** How many messages the total bound (`maxSize`) dropped, oldest first. */
  overflowed = 0;

  readonly #perCall: number;
  readonly #onDrop: (callId: string) => void;
  readonly #total: TotalBound;

  constructor(perCall: number, onDrop: (callId: string) => void = () => {}, total: TotalBound = {}) {
    this.#perCall = perCall;
    this.#onDrop = onDrop;
    this.#total = total;
  }

  /** Number of held messages. */
  get size(): number {
    return this.#live;
  }

  /** Adds a message at the end; `index` is the client message index it was written with, if any. */
  push(message: OutboundMessage, index = -1): void {
    const entry: Entry = { message, index, removed: false };
    this.#entries.push(entry);
    this.#live += 1;
    this.#bound(entry);
    this.#boundTotal();
  }

  /** Puts messages in front of the held ones (replays go before what was produced meanwhile), then applies the bound. */
  prepend(messages: readonly OutboundMessage[]): void {
    if (messages.length === 0) return;
    const rest = this.#entries.filter((e) => !e.removed).map((e) => e.message);
    this.#reset();
    for (const message of [...messages, ...rest]) this.push(message);
  }

  /** Drops every held message of these calls (the server cancelled them: nothing more may be sent). */
  discard(ids: readonly string[]): void {
    const gone = new Set(ids);
    for (const entry of this.#entries) {
      if (!entry.removed && entry.message.callId !== undefined && gone.has(entry.message.callId)) {
        this.#remove(entry);
      }
    }
    this.#compact();
  }

  /** Forgets the written messages with an index up to `lastIndex`: the server has consumed them. */
  acknowledge(lastIndex: number): void {
    let cut = 0;
    while (cut < this.#entries.length && this.#entries[cut]!.index <= lastIndex) {
      const entry = this.#entries[cut]!;
      if (!entry.removed) this.#remove(entry);
      cut += 1;
    }
    if (cut > 0) {
      this.#entries = this.#entries.slice(cut);
      this.#compact();
    }
  }

  /** Removes and returns every message written after `lastIndex`, in order; earlier ones are forgotten. */
  takeAfter(lastIndex: number): OutboundMessage[] {
    const out = this.#entries.filter((e) => !e.removed && e.index > lastIndex).map((e) => e.message);
    this.#reset();
    return out;
  }

  /** Every held message, in order, leaving them held. */
  messages(): OutboundMessage[] {
    return this.#entries.filter((e) => !e.removed).map((e) => e.message);
  }

  /** Removes and returns every message, in order. */
  drain(): OutboundMessage[] {
    const out = this.#entries.filter((e) => !e.removed).map((e) => e.message);
    this.#reset();
    return out;
  }

  #bound(entry: Entry): void {
    const { callId, intermediate } = entry.message;
    if (!intermediate || callId === undefined) return;
    const same = this.#intermediates.get(callId) ?? [];
    same.push(entry);
    this.#intermediates.set(callId, same);
    while (same.length > this.#perCall) {
      const oldest = same.shift()!;
      this.#remove(oldest);
      this.dropped += 1;
      this.#onDrop(callId);
    }
    this.#compact();
  }

  #boundTotal(): void {
    const max = this.#total.maxSize;
    if (max === undefined || this.#live <= max) return;
    let at = 0;
    while (this.#live > max && at < this.#entries.length) {
      const entry = this.#entries[at++]!;
      if (entry.removed) continue;
      this.#remove(entry);
      this.overflowed += 1;
      this.#total.onOverflow?.(entry.message.callId);
    }
    // The removed prefix is cut off in batches: each push stays cheap at the bound.
    if (at >= 64 || at * 2 >= this.#entries.length) this.#entries = this.#entries.slice(at);
  }

  #remove(entry: Entry): void {
    entry.removed = true;
    this.#live -= 1;
    const callId = entry.message.callId;
    if (!entry.message.intermediate || callId === undefined) return;
    const same = this.#intermediates.get(callId);
    if (!same) return;
    const at = same.indexOf(entry);
    if (at >= 0) same.splice(at, 1);
    if (same.length === 0) this.#intermediates.delete(callId);
  }

  /** Drops removed entries once they are the majority, so the list stays proportional to what it holds. */
  #compact(): void {
    if (this.#entries.length > 32 && this.#live * 2 < this.#entries.length) {
      this.#entries = this.#entries.filter((e) => !e.removed);
    }
  }

  #reset(): void {
    this.#entries = [];
    this.#intermediates.clear();
    this.#live = 0;
  }
}
