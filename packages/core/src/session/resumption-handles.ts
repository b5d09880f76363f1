import type { WireServerMessage } from '../protocol/genai-like.js';

/** A `sessionResumptionUpdate` as received. */
export type ResumptionUpdate = NonNullable<WireServerMessage['sessionResumptionUpdate']>;

/** Which connection sent an update: the current one, the one being left after a goAway, or an older one. */
export type UpdateSource = 'current' | 'leaving' | 'other';

/** @internal A function call as the session received it, with its place among the handles. */
export interface NotedCall {
  readonly callId: string;
  readonly name: string;
  /** Its arguments as the model wrote them. */
  readonly args: unknown;
  /** Its place in the order of calls and stored handles (see {@link ResumptionHandles.point}). */
  readonly seq: number;
}

/**
 * @internal
 * The newest usable resumption handle, the last client message index it covers (`-1`: none), and
 * which function calls arrived after it: the state a handle stands for never made those calls.
 */
export class ResumptionHandles {
  /** The handle to resume with; `undefined` until the server sent a usable one. */
  handle: string | undefined;
  /** The last client message index the handle covers (`-1`: none). */
  covers = -1;
  /**
   * The handle's place in the order the session received calls and handles in: calls whose
   * `seq` is greater arrived after the server issued it (on any connection), so the state it
   * resumes does not hold them. `0` with no handle.
   */
  point = 0;
  #seq = 0;
  /** Calls not yet known to be covered by every handle the session may resume with. */
  readonly #calls = new Map<string, NotedCall>();

  readonly #transparent: boolean;

  /** `transparent`: handles carry `lastConsumedClientMessageIndex` (transparent resumption). */
  constructor(transparent: boolean) {
    this.#transparent = transparent;
  }

  /**
   * Takes one update; `written` is the last client message index written when it arrived.
   * Returns whether the handle was kept, and the index the server reported (transparent only).
   */
  take(
    update: ResumptionUpdate,
    source: UpdateSource,
    written: number,
  ): { stored: boolean; index: number | undefined } {
    const { newHandle, resumable } = update;
    const valid = resumable !== false && typeof newHandle === 'string' && newHandle !== '';
    // A handle sent by the connection being left after a goAway stands for that connection's
    // session, which received nothing after the goAway: without transparent resumption it covers
    // everything written, and serves the next attempt if the one under way fails. With transparent
    // resumption it is ignored (its index would not match the replay). Any other connection's
    // handle (one already left) is ignored.
    const stored = valid && (source === 'current' || (source === 'leaving' && !this.#transparent));
    const index = this.#transparent ? consumedIndex(update.lastConsumedClientMessageIndex) : undefined;
    if (stored) {
      this.handle = newHandle;
      this.point = this.#seq;
      // A handle of the current connection is the one every later resumption starts from (or a
      // newer one): the calls before it are covered for good. (A handle of the connection being
      // left may be set aside by a resumption under way with an older one.)
      if (source === 'current') {
        for (const [id, call] of this.#calls) if (call.seq <= this.point) this.#calls.delete(id);
      }
      if (this.#transparent) {
        // Without an index the handle is taken to cover what the previous one covered: at worst a
        // message is sent twice after a resumption, never lost.
        if (index !== undefined) this.covers = Math.min(index, written);
      } else {
        // Without acknowledgements, a handle is taken to cover what was written before it arrived:
        // what is written after it is not in the state it resumes, and is written again after a
        // resumption. A message still in flight when the server issued the handle is counted as
        // covered although the server did not have it: the one loss left, about a round trip wide.
        this.covers = written;
      }
    }
    return { stored, index };
  }

  /** A function call arrived (in the order the session applies server messages). */
  noteCall(callId: string, name: string, args: unknown): void {
    this.#seq += 1;
    this.#calls.set(callId, { callId, name, args, seq: this.#seq });
  }

  /** True when call `callId` arrived after the handle at `point` was issued. */
  isAfter(callId: string, point: number): boolean {
    const call = this.#calls.get(callId);
    return call !== undefined && call.seq > point;
  }

  /** The calls that arrived after the handle at `point`, in the order they arrived; forgotten here. */
  takeAfter(point: number): NotedCall[] {
    const after = [...this.#calls.values()].filter((c) => c.seq > point);
    for (const c of after) this.#calls.delete(c.callId);
    return after;
  }

  /**
   * The session continues from `handle`, covering `covers`, placed at `point` (a resumption
   * with it succeeded; `undefined` and `-1`: a handoff to a fresh session, which knows no call).
   */
  restore(handle: string | undefined, covers: number, point = this.#seq): void {
    this.handle = handle;
    this.covers = covers;
    this.point = point;
    if (handle === undefined) this.#calls.clear();
  }
}

/** `lastConsumedClientMessageIndex` as a number (proto JSON sends int64 as a string); `undefined` when absent or invalid. */
function consumedIndex(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
