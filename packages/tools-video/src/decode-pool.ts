/**
 * A small pool of `node:worker_threads` workers that decode frames into luma thumbnails, for the
 * change detector's `workers` option.
 *
 * @packageDocumentation
 */

import { Worker } from 'node:worker_threads';
import { checkFrameData, declaredMimeType } from './decode/decode-frame-data.js';
import { FrameDecodeError, type FrameDecodeErrorCode } from './decode/frame-decode-error.js';
import type { FrameDecodeOptions } from './decode/limits.js';
import type { LumaThumbnail } from './decode/luma-thumbnail.js';

/** One frame to decode. @internal */
export interface DecodeRequest {
  readonly id: number;
  /** The frame, base64 as the Live API carries it. */
  readonly data: string;
  readonly mimeType: string | undefined;
  /** The decoded-size limit, already checked. */
  readonly options: FrameDecodeOptions;
}

/** A worker's answer to a {@link DecodeRequest}. @internal */
export type DecodeReply =
  | ({ readonly id: number; readonly ok: true } & LumaThumbnail)
  | {
      readonly id: number;
      readonly ok: false;
      /** The FrameDecodeError code; `undefined` for any other error. */
      readonly code: FrameDecodeErrorCode | undefined;
      readonly message: string;
    };

interface Pending {
  readonly resolve: (thumbnail: LumaThumbnail) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * Starts one decode worker: `decode-worker.js` next to this module in the built package; when
 * this module runs from its TypeScript source (the package's tests), `decode-worker.ts` loaded
 * through tsx.
 *
 * @internal
 */
export function startDecodeWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decode-worker.js', import.meta.url));
  const url = JSON.stringify(new URL('./decode-worker.ts', import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => tsx.tsImport(${url}, ${url}));`, { eval: true });
}

/**
 * Decodes frames on `size` worker threads, each request on the worker with the fewest in flight.
 * A worker is referenced only while it holds requests, so an idle pool never keeps the process
 * alive. A worker that crashes
 * fails the requests it held and is replaced on the next request.
 *
 * @internal
 */
export class DecodePool {
  readonly #slots: (Slot | undefined)[];
  readonly #start: () => Worker;
  #nextId = 0;

  /**
   * @param size - How many workers, at least 1.
   * @param start - Starts one worker (tests swap it to watch or crash workers).
   */
  constructor(size: number, start: () => Worker = startDecodeWorker) {
    this.#slots = Array.from({ length: size }, () => undefined);
    this.#start = start;
  }

  /**
   * Decodes one base64 frame; rejects with a {@link FrameDecodeError} as `decodeFrameData` would
   * throw. `data` that is not a string is refused here, before anything is posted.
   */
  decode(data: unknown, mimeType: unknown, options: FrameDecodeOptions): Promise<LumaThumbnail> {
    try {
      checkFrameData(data);
    } catch (error) {
      return Promise.reject(error);
    }
    const request: DecodeRequest = {
      id: ++this.#nextId,
      data,
      mimeType: declaredMimeType(mimeType),
      options,
    };
    const slot = this.#leastBusy();
    return new Promise<LumaThumbnail>((resolve, reject) => {
      // Referenced only while it holds requests: an idle pool never keeps the process alive.
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(request.id, { resolve, reject });
      slot.worker.postMessage(request);
    });
  }

  #leastBusy(): Slot {
    let best = -1;
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i];
      if (slot === undefined) {
        best = i;
        break;
      }
      if (best < 0 || slot.pending.size < this.#slots[best]!.pending.size) best = i;
    }
    return this.#slots[best] ?? this.#spawn(best);
  }

  #spawn(index: number): Slot {
    const worker = this.#start();
    const slot: Slot = { worker, pending: new Map() };
    this.#slots[index] = slot;
    worker.on('message', (reply: DecodeReply) => {
      const pending = slot.pending.get(reply.id);
      if (pending === undefined) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if (reply.ok) {
        const { id: _id, ok: _ok, ...thumbnail } = reply;
        pending.resolve(thumbnail);
      } else if (reply.code !== undefined) {
        pending.reject(new FrameDecodeError(reply.code, reply.message));
      } else {
        pending.reject(new Error(reply.message));
      }
    });
    const fail = (reason: string): void => {
      if (this.#slots[index] === slot) this.#slots[index] = undefined;
      const error = new Error(`The frame decode worker ${reason}; the frame was not analysed.`);
      for (const pending of slot.pending.values()) pending.reject(error);
      slot.pending.clear();
    };
    worker.on('error', (error) => fail(`failed (${error.message})`));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    // After the listeners (attaching a 'message' listener refs the worker's port again).
    worker.unref();
    return slot;
  }
}
