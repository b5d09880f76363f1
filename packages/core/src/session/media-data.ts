import { LivetoolsError } from '../errors.js';

/** Bytes or an already base64-encoded string. */
export type MediaData = Uint8Array | string;

/** Refuses what is neither bytes nor a string before anything is counted or sent. */
export function checkMediaData(data: unknown, method: string): asserts data is MediaData {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new LivetoolsError(
      'INVALID_MEDIA',
      `${method} takes the media as a Uint8Array (a Buffer is one) or a base64 string; got ${describeType(data)}.`,
    );
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The media as base64: a string is taken as already encoded. */
export function toBase64(data: MediaData): string {
  return typeof data === 'string'
    ? data
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}
