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

/** The session state of one connection. @internal */
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
  #hasSetup = false;
  #resumedFrom: FakeResumptionPoint | undefined;

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
    return this.frames.length - (this.#hasSetup ? 1 : 0) + this.#unrecordedCount;
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

  /** Records a client frame; returns its index in `frames`. */
  record(frame: LiveClientFrame): number {
    const index = this.frames.push(frame) - 1;
    if (frame.setup !== undefined) {
      this.#hasSetup = true;
      this.#sessionIndexes[index] = -1;
    } else {
      this.#sessionIndexes[index] = this.firstClientMessageIndex + this.clientMessageCount - 1;
    }
    return index;
  }

  /** Records the function responses of a frame, and those that answer a call the session never made. */
  recordResponses(responses: readonly RecordedFunctionResponse[]): void {
    this.responses.push(...responses);
    for (const response of responses) {
      if (typeof response.id !== 'string' || !this.#calls.has(response.id)) {
        this.unknownCallResponses.push(response);
      }
    }
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
        index: this.#sessionIndexes[response.frameIndex] ?? -1,
        response,
      })),
    ];
  }
}
