/**
 * The session state one fake Live connection holds: the client frames it recorded with their
 * session indexes, the function responses among them, the calls the session knows, and what a
 * resumption handle carried over from an earlier connection.
 *
 * Client messages are numbered per session from 0, setup messages not counted. A connection that
 * resumed with a handle continues after the last message the handle covers, and knows the calls
 * issued before the handle; a function response for any other call id answers a call the
 * session never made, and is recorded as such (a real server would not know what it answers).
 *
 * @internal
 * @packageDocumentation
 */

import { dropForgottenResponses } from './client-frames.js';
import type { FakeResumptionPoint, RecordedFunctionResponse } from './fake-live-connection-types.js';
import type { LiveClientFrame } from './wire-types.js';

/** One recorded client message with its session index. */
export interface SessionEntry {
  readonly index: number;
  readonly frame: LiveClientFrame;
}

/** One recorded function response with the session index of its message. */
export interface SessionResponse {
  readonly index: number;
  readonly response: RecordedFunctionResponse;
}

/**
 * The session state of one connection. With `keep` (server option `keepFrames`), only the newest
 * `keep` client frames after the setup stay in `frames`, with their function responses; a frame's
 * index still counts every frame received (setup 0), so the frame of index `i` sits at
 * `frames[i - forgotten]` while it is kept.
 *
 * @internal
 */
export class FakeSessionState {
  readonly frames: LiveClientFrame[] = [];
  readonly responses: RecordedFunctionResponse[] = [];
  /** Responses whose call id the session never issued. */
  readonly unknownCallResponses: RecordedFunctionResponse[] = [];
  /** The session index of each recorded frame (`-1` for the setup), parallel to `frames`. */
  readonly #sessionIndexes: number[] = [];
  /** Calls issued in this session: carried over by the handle, then issued on this connection. */
  readonly #calls = new Set<string>();
  /** Media frames counted but not recorded (`recordMedia: false`). */
  #unrecordedCount = 0;
  /** Client frames recorded after the setup, forgotten ones included. */
  #recordedCount = 0;
  /** Client frames after the setup no longer kept (`keep`): indexes 1 to `forgotten`. */
  #forgotten = 0;
  readonly #keep: number;
  #resumedFrom: FakeResumptionPoint | undefined;

  /** @param keep - How many client frames after the setup stay recorded (default: all). */
  constructor(keep = Number.POSITIVE_INFINITY) {
    this.#keep = keep;
  }

  /** Client frames after the setup that were recorded, then forgotten to keep only the newest `keep`. */
  get forgotten(): number {
    return this.#forgotten;
  }

  /** What the resumption handle of the setup stands for; `undefined` for a new session. */
  get resumedFrom(): FakeResumptionPoint | undefined {
    return this.#resumedFrom;
  }

  /** Takes over the session state a handle stands for (at setup). */
  resume(point: FakeResumptionPoint | undefined): void {
    this.#resumedFrom = point;
    for (const id of point?.calls ?? []) this.#calls.add(id);
  }

  /** The session index of the first client message after the setup. */
  get firstClientMessageIndex(): number {
    return this.#resumedFrom === undefined ? 0 : this.#resumedFrom.lastIndex + 1;
  }

  /** Client messages received on this connection, setup not counted, unrecorded media included. */
  get clientMessageCount(): number {
    return this.#recordedCount + this.#unrecordedCount;
  }

  /** The session index of the newest client message; `undefined` while the session holds none. */
  get lastConsumedClientMessageIndex(): number | undefined {
    const last = this.firstClientMessageIndex + this.clientMessageCount - 1;
    return last >= 0 ? last : undefined;
  }

  /** Counts a media frame that is not recorded. */
  countUnrecorded(): void {
    this.#unrecordedCount++;
  }

  /**
   * Records a client frame (the setup comes first); returns its index, counted over every frame
   * received. Past `keep` frames after the setup, the oldest is forgotten, with its responses.
   */
  record(frame: LiveClientFrame): number {
    if (frame.setup !== undefined) {
      this.frames.push(frame);
      this.#sessionIndexes.push(-1);
      return 0;
    }
    this.#recordedCount++;
    this.frames.push(frame);
    this.#sessionIndexes.push(this.firstClientMessageIndex + this.clientMessageCount - 1);
    const index = this.#recordedCount;
    const excess = this.frames.length - 1 - this.#keep;
    if (excess > 0) this.#forget(excess);
    return index;
  }

  /** Records the function responses of a frame, and those that answer a call the session never made. */
  recordResponses(responses: readonly RecordedFunctionResponse[]): void {
    for (const response of responses) {
      if (response.frameIndex <= this.#forgotten) continue; // its frame is not kept (`keep` 0)
      this.responses.push(response);
      if (typeof response.id !== 'string' || !this.#calls.has(response.id)) {
        this.unknownCallResponses.push(response);
      }
    }
  }

  /** Forgets the `count` oldest frames after the setup, and the responses they carried. */
  #forget(count: number): void {
    removeAt(this.frames, 1, count);
    removeAt(this.#sessionIndexes, 1, count);
    this.#forgotten += count;
    dropForgottenResponses(this.responses, this.#forgotten);
    dropForgottenResponses(this.unknownCallResponses, this.#forgotten);
  }

  /** Notes calls issued on this connection. */
  issued(ids: readonly string[]): void {
    for (const id of ids) this.#calls.add(id);
  }

  /** A copy of the calls the session knows now (for a handle issued now). */
  knownCalls(): ReadonlySet<string> {
    return new Set(this.#calls);
  }

  /** The recorded client messages in the session's state, each with its session index. */
  entries(): SessionEntry[] {
    const from = this.#resumedFrom;
    const inherited = from === undefined ? [] : from.state.entries().filter((e) => e.index <= from.lastIndex);
    const own = this.frames.flatMap((frame, i) =>
      frame.setup === undefined ? [{ index: this.#sessionIndexes[i] ?? -1, frame }] : [],
    );
    return [...inherited, ...own];
  }

  /** The function responses in the session's state, each with its session index. */
  sessionResponses(): SessionResponse[] {
    const from = this.#resumedFrom;
    const inherited =
      from === undefined ? [] : from.state.sessionResponses().filter((e) => e.index <= from.lastIndex);
    return [
      ...inherited,
      ...this.responses.map((response) => ({
        index: this.#sessionIndexes[response.frameIndex - this.#forgotten] ?? -1,
        response,
      })),
    ];
  }
}

/** Removes `count` elements of `list` from `start` in place (no array of the removed ones is made, as `splice` does). */
function removeAt(list: unknown[], start: number, count: number): void {
  list.copyWithin(start, start + count);
  list.length -= count;
}
