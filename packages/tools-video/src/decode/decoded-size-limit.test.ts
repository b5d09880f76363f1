import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { issueBombPng, pngRawLength, zeroPng } from '../../test/support/decode/bombs.js';
import { decodeError } from '../../test/support/decode/expect-decode-error.js';
import { markerIndex, withUint16 } from '../../test/support/decode/jpeg-structure.js';
import { encodeTestJpeg } from '../../test/support/decode/jpeg-test-encoder.js';
import { encodeImage, renderScene } from '../../test/support/frames.js';
import { decodeJpegThumbnail } from './decode-jpeg-thumbnail.js';
import { decodeLumaThumbnail } from './decode-luma-thumbnail.js';
import { decodePngThumbnail } from './decode-png-thumbnail.js';
import { DEFAULT_MAX_DECODED_BYTES } from './limits.js';

// Every inflation the decoders run goes through this spy, so the tests count what zlib was
// allowed to produce and what it produced.
vi.mock('node:zlib', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:zlib')>();
  return { ...actual, inflateSync: vi.fn(actual.inflateSync) };
});

const inflateSpy = vi.mocked(zlib.inflateSync);

/** The output cap of each inflation since the last reset, and the bytes each one returned. */
function inflations(): { cap: number | undefined; returned: number | 'threw' }[] {
  return inflateSpy.mock.calls.map((call, i) => {
    const result = inflateSpy.mock.results[i];
    return {
      cap: (call[1] as zlib.ZlibOptions | undefined)?.maxOutputLength,
      returned: result?.type === 'return' ? (result.value as Buffer).length : 'threw',
    };
  });
}

afterEach(() => inflateSpy.mockClear());

const MiB = 1024 * 1024;

/** A small JPEG whose frame header is rewritten to claim `width`x`height`. */
function jpegClaiming(width: number, height: number, grayscale = false): Uint8Array {
  const bytes = encodeTestJpeg({
    width: 16,
    height: 16,
    rgb: new Uint8Array(16 * 16 * 3).fill(128),
    color: grayscale ? 'gray' : 'ycbcr',
  });
  const sof = markerIndex(bytes, 0xc0);
  return withUint16(withUint16(bytes, sof + 5, height), sof + 7, width);
}

describe('the decoded-size limit (maxDecodedBytes)', () => {
  it('is 64 MiB by default: a 4096x4096 8-bit RGBA frame', () => {
    expect(DEFAULT_MAX_DECODED_BYTES).toBe(64 * MiB);
  });

  it("refuses issue 13's PNG bomb (16384x4096, 16-bit RGBA, ~510 KiB) from its header, before inflating a byte", () => {
    const bomb = issueBombPng();
    expect(bomb.length).toBeLessThan(600 * 1024);

    const error = decodeError(() => decodePngThumbnail(bomb));

    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain('16384x4096');
    expect(error.message).toContain('536875008 bytes (about 512.0 MiB) decoded');
    expect(error.message).toContain('over the limit of 64 MiB');
    expect(error.message).toContain('maxDecodedBytes');
    expect(inflations()).toEqual([]);
  });

  it('caps inflation at the size the header declares, so a lying header cannot inflate a bomb', () => {
    // A 64x64 grayscale header over image data that inflates to 512 MiB.
    const lying = zeroPng({ width: 64, height: 64, bitDepth: 8, colorType: 0, inflatedBytes: 512 * MiB });

    const error = decodeError(() => decodePngThumbnail(lying));

    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toMatch(/more image data than its size needs/);
    expect(inflations()).toEqual([{ cap: 64 * 65, returned: 'threw' }]);
    // zlib writes into one output buffer of the declared size plus one byte, and stops when it is full.
    expect(inflateSpy.mock.calls[0]?.[1]).toMatchObject({ maxOutputLength: 64 * 65, chunkSize: 64 * 65 + 1 });
  });

  it('inflates a frame within the limit with the cap set to its exact size', async () => {
    const png = await encodeImage(renderScene({ width: 64, height: 48 }), 64, 48, { format: 'png' });
    decodePngThumbnail(png);
    const expected = pngRawLength(64, 48, 8, 2);
    expect(inflations()).toEqual([{ cap: expected, returned: expected }]);
  });

  it('refuses a PNG just over the default limit without inflating, and inflates one at the limit', () => {
    // 4096x4096 RGBA, 8-bit: 64 MiB of samples plus 4096 filter bytes, over by the filter bytes.
    const over = zeroPng({ width: 4096, height: 4096, bitDepth: 8, colorType: 6, inflatedBytes: 16 });
    expect(decodeError(() => decodePngThumbnail(over)).code).toBe('IMAGE_TOO_LARGE');
    expect(inflations()).toEqual([]);

    // 4096x4095 RGBA fits; its (truncated) data is inflated, capped at its exact size.
    const at = zeroPng({ width: 4096, height: 4095, bitDepth: 8, colorType: 6, inflatedBytes: 16 });
    expect(decodeError(() => decodePngThumbnail(at)).code).toBe('CORRUPT_IMAGE');
    expect(inflations()).toEqual([{ cap: pngRawLength(4096, 4095, 8, 6), returned: 16 }]);
  });

  it('counts at least a byte per pixel, so a 1-bit PNG cannot declare 256 megapixels of per-pixel work', () => {
    // 16384x16384 at 1 bit per pixel inflates to only 32 MiB, but every pixel is still averaged.
    const bilevel = zeroPng({ width: 16384, height: 16384, bitDepth: 1, colorType: 0 });

    const error = decodeError(() => decodePngThumbnail(bilevel));

    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain('16384x16384 pixels at 1 bit per pixel, 256 MiB decoded');
    expect(inflations()).toEqual([]);
  });

  it('takes a lower limit per call, and the message says the limit and how to change it', async () => {
    const png = await encodeImage(renderScene({ width: 640, height: 480 }), 640, 480, { format: 'png' });
    const size = pngRawLength(640, 480, 8, 2);

    const error = decodeError(() => decodeLumaThumbnail(png, 'image/png', { maxDecodedBytes: size - 1 }));

    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toBe(
      `The PNG frame is 640x480 pixels at 24 bits per pixel, ${size} bytes decoded, over the limit of ` +
        `${size - 1} bytes. Send smaller frames (scale the camera stream down), or raise maxDecodedBytes ` +
        '(an option of createChangeDetector and of the decode functions).',
    );
    expect(inflations()).toEqual([]);
    expect(decodeLumaThumbnail(png, 'image/png', { maxDecodedBytes: size }).width).toBe(80);
  });

  it('takes a higher limit per call', () => {
    // 16384x4096 16-bit RGBA passes a 1 GiB limit, and the (truncated) data is then inflated.
    const big = zeroPng({ width: 16384, height: 4096, bitDepth: 16, colorType: 6, inflatedBytes: 16 });
    expect(decodeError(() => decodePngThumbnail(big, { maxDecodedBytes: 1024 * MiB })).code).toBe(
      'CORRUPT_IMAGE',
    );
    expect(inflations()).toEqual([{ cap: pngRawLength(16384, 4096, 16, 6), returned: 16 }]);
  });

  it.each([
    [8192, 8192, false, '8192x8192 pixels with 3 components, 192 MiB decoded, over the limit of 64 MiB'],
    [16384, 4096, false, '16384x4096 pixels with 3 components, 192 MiB decoded'],
    [8192, 8193, true, '8192x8193 pixels with 1 component, 67117056 bytes (about 64.0 MiB) decoded'],
  ])(
    'refuses a JPEG whose frame header declares %ix%i (grayscale: %s) over the limit',
    (w, h, gray, says) => {
      const error = decodeError(() => decodeJpegThumbnail(jpegClaiming(w, h, gray)));
      expect(error.code).toBe('IMAGE_TOO_LARGE');
      expect(error.message).toContain(says);
      expect(error.message).toContain('maxDecodedBytes');
    },
  );

  it('accepts a JPEG size at the limit, or over the default when the limit is raised (then finds the data missing)', () => {
    expect(decodeError(() => decodeJpegThumbnail(jpegClaiming(8192, 8192, true))).code).not.toBe(
      'IMAGE_TOO_LARGE',
    );
    expect(
      decodeError(() => decodeJpegThumbnail(jpegClaiming(16384, 4096), { maxDecodedBytes: 256 * MiB })).code,
    ).not.toBe('IMAGE_TOO_LARGE');
  });

  it('refuses more than 16384 pixels on a side whatever the limit', () => {
    const wide = zeroPng({ width: 16385, height: 1, bitDepth: 8, colorType: 0, inflatedBytes: 16 });
    const error = decodeError(() => decodePngThumbnail(wide, { maxDecodedBytes: 1024 * MiB }));
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain('16384 pixels on a side');
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
    'rejects maxDecodedBytes %s with a RangeError',
    (maxDecodedBytes) => {
      const png = zeroPng({ width: 1, height: 1, bitDepth: 8, colorType: 0 });
      expect(() => decodeLumaThumbnail(png, 'image/png', { maxDecodedBytes })).toThrow(RangeError);
      expect(() => decodeLumaThumbnail(png, 'image/png', { maxDecodedBytes })).toThrow(
        /maxDecodedBytes must be a whole number of bytes from 1 to 2147483647/,
      );
    },
  );
});
