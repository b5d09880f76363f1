/**
 * What the JPEG thumbnail decoder refuses, and how: unsupported kinds of JPEG, truncations, corrupt
 * and mutated data, each a FrameDecodeError with its code. The decoding itself is tested in
 * decode-jpeg-thumbnail.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  checkedRejection,
  decodeError,
  decodeOutcome,
  describeThrown,
  thumbnailProblems,
} from '../../test/support/decode/expect-decode-error.js';
import { scene, testJpeg } from '../../test/support/decode/jpeg-scene.js';
import {
  markerIndex,
  scanHeaders,
  seededRandom,
  withUint16,
} from '../../test/support/decode/jpeg-structure.js';
import { encodeImage } from '../../test/support/frames.js';
import { decodeJpegThumbnail } from './decode-jpeg-thumbnail.js';
import { FrameDecodeError } from './frame-decode-error.js';

describe('decodeJpegThumbnail refuses what it does not support', () => {
  it('rejects CMYK JPEGs', () => {
    const { bytes } = testJpeg(16, 16, { color: 'cmyk', adobeTransform: 0, jfif: false });
    const error = decodeError(() => decodeJpegThumbnail(bytes));
    expect(error.code).toBe('UNSUPPORTED_JPEG');
    expect(error.message).toMatch(/CMYK/);
  });

  it.each([
    ['arithmetic coding (SOF9)', 0xc9, /arithmetic/],
    ['arithmetic coding (SOF10)', 0xca, /arithmetic/],
    ['lossless (SOF3)', 0xc3, /lossless/],
    ['hierarchical (SOF5)', 0xc5, /hierarchical/],
  ] as const)('rejects %s', (_, marker, message) => {
    const { bytes } = testJpeg(16, 16, { sofMarker: marker });
    const error = decodeError(() => decodeJpegThumbnail(bytes));
    expect(error.code).toBe('UNSUPPORTED_JPEG');
    expect(error.message).toMatch(message);
  });

  it('rejects 12-bit JPEGs', () => {
    const { bytes } = testJpeg(16, 16, { precision: 12 });
    const error = decodeError(() => decodeJpegThumbnail(bytes));
    expect(error.code).toBe('UNSUPPORTED_JPEG');
    expect(error.message).toMatch(/12-bit/);
  });

  it('rejects a frame whose height comes later in a DNL segment', () => {
    const { bytes } = testJpeg(16, 16);
    const sofHeight = markerIndex(bytes, 0xc0) + 5;
    expect(decodeError(() => decodeJpegThumbnail(withUint16(bytes, sofHeight, 0))).code).toBe(
      'UNSUPPORTED_JPEG',
    );
  });

  it.each([
    [65535, 65535],
    [16385, 8],
    [8, 16385],
    [10000, 10000],
  ])('rejects a frame header claiming %ix%i as IMAGE_TOO_LARGE', (w, h) => {
    const { bytes } = testJpeg(16, 16);
    const sof = markerIndex(bytes, 0xc0);
    const claimed = withUint16(withUint16(bytes, sof + 5, h), sof + 7, w);

    const error = decodeError(() => decodeJpegThumbnail(claimed));

    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain(`${w}x${h}`);
  });

  it('accepts 16384x4096 as a size when maxDecodedBytes allows it (and then finds the data missing)', () => {
    const { bytes } = testJpeg(16, 16);
    const sof = markerIndex(bytes, 0xc0);
    const claimed = withUint16(withUint16(bytes, sof + 5, 4096), sof + 7, 16384);
    expect(decodeError(() => decodeJpegThumbnail(claimed)).code).toBe('IMAGE_TOO_LARGE');
    expect(decodeError(() => decodeJpegThumbnail(claimed, { maxDecodedBytes: 2 ** 28 })).code).toBe(
      'CORRUPT_IMAGE',
    );
  });

  it('rejects bytes that are not a JPEG', () => {
    expect(decodeError(() => decodeJpegThumbnail(new TextEncoder().encode('GIF89a...'))).code).toBe(
      'UNSUPPORTED_FORMAT',
    );
  });
});

describe('decodeJpegThumbnail on truncated and corrupt data', () => {
  it('reports every truncation of a baseline JPEG as TRUNCATED_IMAGE, until only EOI is missing', async () => {
    const bytes = await encodeImage(scene(48, 32), 48, 32, { format: 'jpeg' });
    const full = decodeJpegThumbnail(bytes);

    for (let length = 0; length < bytes.length - 2; length++) {
      const error = decodeError(() => decodeJpegThumbnail(bytes.subarray(0, length)));
      expect({ length, code: error.code }).toEqual({ length, code: 'TRUNCATED_IMAGE' });
    }
    expect(decodeJpegThumbnail(bytes.subarray(0, bytes.length - 2)).pixels).toEqual(full.pixels);
    expect(decodeJpegThumbnail(bytes.subarray(0, bytes.length - 1)).pixels).toEqual(full.pixels);
  });

  it('reports every truncation of a JPEG with restart markers as TRUNCATED_IMAGE', () => {
    const { bytes } = testJpeg(40, 24, { restartInterval: 1, fillBytes: 1 });
    for (let length = 0; length < bytes.length - 3; length++) {
      const error = decodeError(() => decodeJpegThumbnail(bytes.subarray(0, length)));
      expect({ length, code: error.code }).toEqual({ length, code: 'TRUNCATED_IMAGE' });
    }
  });

  it('either reports a truncated progressive JPEG or decodes it in full', async () => {
    const bytes = await encodeImage(scene(48, 32), 48, 32, { format: 'jpeg', progressive: true });
    const full = decodeJpegThumbnail(bytes);
    let decoded = 0;
    let truncated = 0;
    for (let length = 0; length < bytes.length; length++) {
      const outcome = decodeOutcome(() => decodeJpegThumbnail(bytes.subarray(0, length)));
      if (outcome.kind === 'decoded') {
        decoded++;
        expect({ length, pixels: outcome.thumbnail.pixels }).toEqual({ length, pixels: full.pixels });
      } else {
        truncated++;
        expect({ length, ...describeThrown(outcome.error) }).toEqual({
          length,
          frameDecodeError: true,
          code: 'TRUNCATED_IMAGE',
          cause: undefined,
          other: undefined,
        });
      }
    }
    expect(truncated).toBeGreaterThan(0);
    expect(decoded).toBeGreaterThan(0);
  });

  it('reports entropy-coded data that stops early at a marker as CORRUPT_IMAGE', async () => {
    const bytes = await encodeImage(scene(64, 64), 64, 64, { format: 'jpeg' });
    const scanStart = scanHeaders(bytes)[0]!.at + 14;
    const cut = Uint8Array.from([...bytes.subarray(0, (scanStart + bytes.length) >> 1), 0xff, 0xd9]);

    expect(decodeError(() => decodeJpegThumbnail(cut)).code).toBe('CORRUPT_IMAGE');
  });

  it('reports a missing restart marker as CORRUPT_IMAGE', () => {
    const { bytes } = testJpeg(40, 24, { restartInterval: 2 });
    const restart = markerIndex(bytes, 0xd0);
    const broken = Uint8Array.from(bytes);
    broken[restart + 1] = 0xfe; // now a COM marker

    const error = decodeError(() => decodeJpegThumbnail(broken));

    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toMatch(/restart marker/);
  });

  it('rejects a scan that uses an undefined Huffman table', () => {
    const { bytes } = testJpeg(16, 16);
    const broken = Uint8Array.from(bytes);
    broken[scanHeaders(bytes)[0]!.at + 6] = 0x22; // Y uses DC and AC table 2

    const error = decodeError(() => decodeJpegThumbnail(broken));

    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toMatch(/Huffman table 2/);
  });

  it('rejects a Huffman table with more codes than its lengths allow', () => {
    const { bytes } = testJpeg(16, 16);
    const broken = Uint8Array.from(bytes);
    broken[markerIndex(bytes, 0xc4) + 5] = 2; // two 1-bit DC codes: the all-ones code is reserved

    expect(decodeError(() => decodeJpegThumbnail(broken)).code).toBe('CORRUPT_IMAGE');
  });

  it('rejects a scan before the frame header', () => {
    const sos = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0];
    const bytes = Uint8Array.from([0xff, 0xd8, ...sos, 0, 0, 0xff, 0xd9]);
    const error = decodeError(() => decodeJpegThumbnail(bytes));
    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toMatch(/before the frame header/);
  });

  it('rejects a JPEG whose scan data is random bytes', () => {
    const { bytes } = testJpeg(64, 48);
    const scanData = scanHeaders(bytes)[0]!.at + 14;
    const random = seededRandom(3);
    const garbage = Uint8Array.from(bytes);
    for (let i = scanData; i < garbage.length - 2; i++) garbage[i] = Math.floor(random() * 256);

    expect(() => decodeJpegThumbnail(garbage)).toThrow(FrameDecodeError);
  });

  it('only ever throws FrameDecodeError, from its own checks, on mutated JPEGs', async () => {
    const sources = [
      await encodeImage(scene(40, 24), 40, 24, { format: 'jpeg' }),
      await encodeImage(scene(40, 24), 40, 24, { format: 'jpeg', progressive: true }),
      testJpeg(40, 24, { restartInterval: 2 }).bytes,
    ];
    const random = seededRandom(11);
    let decoded = 0;
    let rejected = 0;
    for (let round = 0; round < 600; round++) {
      const mutated = Uint8Array.from(sources[round % sources.length]!);
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        mutated[Math.floor(random() * mutated.length)] = random() < 0.3 ? 0xff : Math.floor(random() * 256);
      }
      const outcome = decodeOutcome(() => decodeJpegThumbnail(mutated));
      if (outcome.kind === 'decoded') {
        decoded++;
        expect({ round, problems: thumbnailProblems(outcome.thumbnail) }).toEqual({ round, problems: [] });
      } else {
        rejected++;
        // A cause means a raw exception was caught by the safety net: a missing check.
        expect({ round, ...describeThrown(outcome.error) }).toEqual({ round, ...checkedRejection });
      }
    }
    // Both happen: an edit to entropy-coded data may still decode; most edits to markers do not.
    expect(rejected).toBeGreaterThan(0);
    expect(decoded).toBeGreaterThan(0);
  });
});
