/**
 * Reading client frames: raw socket data to text, text to a parsed Live frame, function responses
 * to records, and the quick look at media chunks that are only counted.
 *
 * @internal
 * @packageDocumentation
 */

import type { RawData } from 'ws';
import { LivetoolsError } from '../errors.js';
import { truncate } from './describe-frame.js';
import type { RecordedFunctionResponse } from './fake-live-connection-types.js';
import type { LiveClientFrame, LiveFunctionResponseBody } from './wire-types.js';

const clientKeys = new Set(['setup', 'clientContent', 'realtimeInput', 'toolResponse']);
/**
 * How the `realtimeInput` frames that carry audio or video start: the SDK writes `JSON.stringify`
 * output, with `mediaChunks`, `audio` or `video` as the first key when the frame has one.
 */
export const mediaPrefixes = ['mediaChunks', 'audio', 'video'].map((key) =>
  Buffer.from(`{"realtimeInput":{"${key}":`),
);

/** Which kind of media an unparsed chunk carries, from its first key. */
export function mediaKind(data: Buffer): 'audio' | 'video' | 'other' {
  if (startsWithBytes(data, mediaPrefixes[2]!)) return 'video';
  return startsWithBytes(data, mediaPrefixes[1]!) ? 'audio' : 'other';
}

export function startsWithBytes(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Parses a frame; `undefined` for invalid JSON or anything but exactly one known top-level key. */
export function parseClientFrame(text: string): LiveClientFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !clientKeys.has(keys[0]!)) return undefined;
  const body = (value as Record<string, unknown>)[keys[0]!];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return value as LiveClientFrame;
}

export function recordResponses(frame: LiveClientFrame, frameIndex: number): RecordedFunctionResponse[] {
  const list = frame.toolResponse?.functionResponses;
  // A hostile client may send anything here: only the entries that are objects are responses.
  const entries = Array.isArray(list) ? list.filter((r) => typeof r === 'object' && r !== null) : [];
  return entries.map((raw) => {
    const body: LiveFunctionResponseBody | undefined = raw.response;
    const placement =
      raw.scheduling !== undefined ? 'top-level' : body?.scheduling !== undefined ? 'response' : undefined;
    return {
      id: raw.id,
      name: raw.name,
      output: body?.output,
      error: body?.error,
      willContinue: raw.willContinue,
      scheduling: raw.scheduling ?? body?.scheduling,
      schedulingPlacement: placement,
      frameIndex,
      raw,
    };
  });
}

/** A close reason must fit in 123 bytes of UTF-8. */
export function closeReason(reason: string): string {
  let cut = reason;
  while (Buffer.byteLength(cut) > 123) cut = truncate(cut, cut.length - 1);
  return cut;
}

/**
 * Removes from the head of `list` (responses in the order of their frames) those whose frame, of
 * index `lastForgotten` or lower, is no longer kept (`keepFrames`), in place.
 */
export function dropForgottenResponses(list: RecordedFunctionResponse[], lastForgotten: number): void {
  let stale = 0;
  while (stale < list.length && list[stale]!.frameIndex <= lastForgotten) stale++;
  if (stale === 0) return;
  list.copyWithin(0, stale);
  list.length -= stale;
}

/**
 * The `keepFrames` option of `factory` (`createFakeLiveServer`, `createLinkedPair`), checked: a
 * whole number of 0 or more, or `undefined` (keep every frame).
 *
 * @throws {@link LivetoolsError} `INVALID_OPTION` for anything else.
 */
export function checkKeepFrames(factory: string, keep: number | undefined): number | undefined {
  if (keep === undefined) return undefined;
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 0) {
    throw new LivetoolsError(
      'INVALID_OPTION',
      `${factory}: keepFrames must be a whole number of 0 or more (got ${typeof keep === 'number' ? `${keep}` : typeof keep}); leave it out to keep every frame.`,
    );
  }
  return keep;
}
