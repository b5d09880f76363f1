import type { WireServerMessage } from '../protocol/genai-like.js';

/** A `sessionResumptionUpdate` as received. */
export type ResumptionUpdate = NonNullable<WireServerMessage['sessionResumptionUpdate']>;

/** Which connection sent an update: the current one, the one being left after a goAway, or an older one. */
export type UpdateSource = 'current' | 'leaving' | 'other';

/**
 * @internal
 * The newest usable resumption handle, and the last client message index it covers (`-1`: none).
 */
export class ResumptionHandles {
  /** The handle to resume with; `undefined` until the server sent a usable one. */
  handle: string | undefined;
  /** The last client message index the handle covers (`-1`: none). */
  covers = -1;

  /** `transparent`: handles carry `lastConsumedClientMessageIndex` (transparent resumption). */
  constructor(private readonly transparent: boolean) {}

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
    const stored = valid && (source === 'current' || (source === 'leaving' && !this.transparent));
    const index = this.transparent ? consumedIndex(update.lastConsumedClientMessageIndex) : undefined;
    if (stored) {
      this.handle = newHandle;
      if (this.transparent) {
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

  /** The session continues from `handle`, covering `covers` (a resumption with it succeeded). */
  restore(handle: string | undefined, covers: number): void {
    this.handle = handle;
    this.covers = covers;
  }
}

/** `lastConsumedClientMessageIndex` as a number (proto JSON sends int64 as a string); `undefined` when absent or invalid. */
function consumedIndex(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
