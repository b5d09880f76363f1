import { errorMarker, hasErrorMarker, markError } from '../error-marker.js';
import { describeError, LivetoolsError } from '../errors.js';
import {
  isScheduledEmission,
  type ScheduledEmission,
  type Scheduling,
  scheduledEmission,
} from './scheduling.js';

/**
 * One piece of media that goes with a tool's result: base64 bytes and their IANA media type.
 * It reaches the model as `FunctionResponse.parts[i].inlineData`.
 *
 * @example
 * ```ts
 * const snapshot: ResultMedia = { mimeType: 'image/jpeg', data: frame.data };
 * ```
 */
export interface ResultMedia {
  /** The IANA media type, e.g. `image/jpeg`, `image/png`, `application/pdf`. */
  readonly mimeType: string;
  /** The bytes, base64-encoded (standard or URL-safe alphabet). */
  readonly data: string;
}

/** A {@link ScheduledEmission} that carries media, made by {@link withMedia}. */
export type MediaEmission<T = unknown> = ScheduledEmission<T> & {
  /** The media sent with the value, in order. */
  readonly media: readonly ResultMedia[];
};

/** Most media parts one result may carry. */
export const MAX_RESULT_MEDIA_PARTS = 16;

/**
 * Most bytes of media (decoded) one result may carry, all parts together: 8 MiB. A limit of
 * livetools (the Live API pages state none for function responses), so that one result cannot
 * stall the socket; larger media is refused.
 */
export const MAX_RESULT_MEDIA_BYTES = 8 * 1024 * 1024;

/**
 * Attaches media to a tool's result: the value goes to the model as `response.output`, the media as
 * `FunctionResponse.parts` of the same response. Works for one-shot tools (return it) and streaming
 * tools (emit it); pass `scheduling` here, or wrap a `withScheduling` result. Nothing is checked here:
 * the runner checks the media when the result is sent, and refuses a result with bad media
 * as it refuses a value JSON cannot carry ({@link InvalidMediaError}). Use {@link checkResultMedia}
 * first when the media comes from outside (a camera, an upload) and the value should go anyway.
 *
 * @param value - The result, or a `withScheduling` result (its scheduling is kept).
 * @param media - The media, in order.
 * @param options - The scheduling of this emission (streaming tools).
 * @returns An emission the runner recognises.
 *
 * @example
 * ```ts
 * execute: () =>
 *   frames$.pipe(
 *     map((frame) => withMedia({ event: 'door_opened' }, [{ mimeType: frame.mimeType, data: frame.data }], { scheduling: 'INTERRUPT' })),
 *   ),
 * ```
 */
export function withMedia<T>(
  value: T | ScheduledEmission<T>,
  media: readonly ResultMedia[],
  options: { readonly scheduling?: Scheduling } = {},
): MediaEmission<T> {
  let inner = value as T;
  let scheduling = options.scheduling;
  if (isScheduledEmission(value)) {
    inner = (value as ScheduledEmission<T>).value;
    scheduling ??= (value as ScheduledEmission<T>).scheduling;
  }
  // A spread copies the emission's marker (an own symbol key) along with its fields.
  return { ...scheduledEmission(inner, scheduling), media };
}

const invalidMediaErrorMarker = errorMarker('InvalidMediaError');

/**
 * Media that cannot be sent: not an array of `{ mimeType, data }`, a media type that is not
 * `type/subtype`, data that is not base64, more than {@link MAX_RESULT_MEDIA_PARTS} parts or
 * more than {@link MAX_RESULT_MEDIA_BYTES}. A one-shot tool's result with bad media becomes the
 * call's error response; a streaming tool's emission is not sent and is reported as a
 * `tool-result-refused` event, and the call goes on.
 *
 * @example
 * ```ts
 * session.events$.subscribe((e) => {
 *   if (e.type === 'tool-result-refused' && e.error.code === 'INVALID_MEDIA') console.warn(e.error.path, e.error.problem);
 * });
 * ```
 */
export class InvalidMediaError extends LivetoolsError {
  /** Where the problem is: `media`, `media[2]`, `media[0].mimeType`, `media[1].data`. */
  readonly path: string;
  /** What is wrong there, e.g. `is not base64`. */
  readonly problem: string;

  constructor(toolName: string, path: string, problem: string, hint: string) {
    super('INVALID_MEDIA', `${toolName} attached media that cannot be sent: ${path} ${problem}. ${hint}`);
    this.name = 'InvalidMediaError';
    markError(this, invalidMediaErrorMarker);
    this.path = path;
    this.problem = problem;
  }

  /** True when `error` is an `InvalidMediaError`, even one created by another copy of the package. */
  static override isInstance(error: unknown): error is InvalidMediaError {
    return hasErrorMarker(error, invalidMediaErrorMarker);
  }
}

/** An IANA media type: `type/subtype`, with optional `;name=value` parameters. */
const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]{1,64}=[A-Za-z0-9!#$&^_.+-]{1,64})*$/;
/** Base64 in the standard or URL-safe alphabet, optionally padded. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** @internal Media checked and copied into wire parts, or why it cannot go. */
export interface CheckedMedia {
  readonly parts: { readonly inlineData: { readonly mimeType: string; readonly data: string } }[];
  readonly mimeTypes: string[];
  readonly bytes: number;
}

/** @internal Why media cannot go, with where and what to do. */
export interface MediaProblem {
  readonly path: string;
  readonly problem: string;
  readonly hint: string;
}

/** Decoded length of base64 text of `length` characters ending in `pad` `=` signs. */
function decodedBytes(length: number, pad: number): number {
  return Math.floor(((length - pad) * 3) / 4);
}

/**
 * @internal
 * Checks media and copies it into `FunctionResponse.parts`; never throws (a getter or Proxy that
 * throws is a problem like any other). O(total size): one scan of each part's data.
 */
export function readMedia(media: unknown): CheckedMedia | MediaProblem {
  try {
    if (!Array.isArray(media)) {
      return { path: 'media', problem: 'is not an array', hint: 'Pass an array of { mimeType, data }.' };
    }
    const count = media.length;
    if (count > MAX_RESULT_MEDIA_PARTS) {
      return {
        path: 'media',
        problem: `has ${count} parts (at most ${MAX_RESULT_MEDIA_PARTS})`,
        hint: 'Send fewer pieces of media per result.',
      };
    }
    const parts: CheckedMedia['parts'] = [];
    const mimeTypes: string[] = [];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const item: unknown = media[i];
      if (typeof item !== 'object' || item === null) {
        return {
          path: `media[${i}]`,
          problem: 'is not an object',
          hint: 'Each piece is { mimeType, data }.',
        };
      }
      const { mimeType, data } = item as { mimeType?: unknown; data?: unknown };
      if (typeof mimeType !== 'string' || !MEDIA_TYPE.test(mimeType)) {
        return {
          path: `media[${i}].mimeType`,
          problem:
            typeof mimeType === 'string'
              ? `is not a media type (${JSON.stringify(mimeType.slice(0, 40))})`
              : `is not a string (a ${mimeType === null ? 'null' : typeof mimeType})`,
          hint: "Give an IANA media type such as 'image/jpeg' or 'image/png'.",
        };
      }
      if (typeof data !== 'string') {
        return {
          path: `media[${i}].data`,
          problem: `is not a string (a ${data === null ? 'null' : typeof data})`,
          hint: "Send the bytes base64-encoded: Buffer.from(bytes).toString('base64').",
        };
      }
      const pad = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
      if (data.length === 0 || data.length % 4 === 1 || (pad > 0 && data.length % 4 !== 0)) {
        return {
          path: `media[${i}].data`,
          problem: data.length === 0 ? 'is empty' : 'is not base64 (wrong length)',
          hint: "Send the bytes base64-encoded: Buffer.from(bytes).toString('base64').",
        };
      }
      bytes += decodedBytes(data.length, pad);
      if (bytes > MAX_RESULT_MEDIA_BYTES) {
        return {
          path: i === 0 ? 'media[0].data' : 'media',
          problem: `holds more than ${MAX_RESULT_MEDIA_BYTES} bytes`,
          hint: 'Send smaller media: scale the image down or compress it harder.',
        };
      }
      if (!BASE64.test(data)) {
        return {
          path: `media[${i}].data`,
          problem: 'is not base64',
          hint: "Send the bytes base64-encoded: Buffer.from(bytes).toString('base64').",
        };
      }
      parts.push({ inlineData: { mimeType, data } });
      mimeTypes.push(mimeType);
    }
    return { parts, mimeTypes, bytes };
  } catch (error) {
    return {
      path: 'media',
      problem: `could not be read (${describeError(error)})`,
      hint: 'Send plain { mimeType, data } objects: a getter or Proxy threw while they were read.',
    };
  }
}

/**
 * Checks media before it is attached with {@link withMedia}: returns the error the runner
 * would refuse the result with, or `undefined` when the media can be sent. Use it for media from
 * outside (a camera frame, an upload) to send the value without it rather than lose the value.
 *
 * @param media - The media to check.
 * @param toolName - The tool named in the error's message.
 * @returns The problem, or `undefined`.
 *
 * @example
 * ```ts
 * const snapshot = [{ mimeType: frame.mimeType, data: frame.data }];
 * const result = checkResultMedia(snapshot) === undefined ? withMedia(report, snapshot) : report;
 * ```
 */
export function checkResultMedia(media: unknown, toolName = 'the tool'): InvalidMediaError | undefined {
  const read = readMedia(media);
  return 'parts' in read ? undefined : new InvalidMediaError(toolName, read.path, read.problem, read.hint);
}
