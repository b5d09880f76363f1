import { describe, expect, it } from 'vitest';
import { decodeError } from '../../test/support/decode/expect-decode-error.js';
import { seededRandom } from '../../test/support/decode/jpeg-structure.js';
import { encodeImage, renderScene } from '../../test/support/frames.js';
import { decodeJpegThumbnail } from './decode-jpeg-thumbnail.js';
import { decodeLumaThumbnail } from './decode-luma-thumbnail.js';
import { decodePngThumbnail } from './decode-png-thumbnail.js';
import { FrameDecodeError } from './frame-decode-error.js';

const rgb = renderScene({ width: 64, height: 48, noise: 8 });

describe('decodeLumaThumbnail', () => {
  it('recognises JPEG and PNG by their signature, whatever the declared type', async () => {
    const jpeg = await encodeImage(rgb, 64, 48, { format: 'jpeg' });
    const png = await encodeImage(rgb, 64, 48, { format: 'png' });

    expect(decodeLumaThumbnail(jpeg, 'image/png')).toEqual(decodeJpegThumbnail(jpeg));
    expect(decodeLumaThumbnail(png, 'image/jpeg')).toEqual(decodePngThumbnail(png));
    expect(decodeLumaThumbnail(png)).toMatchObject({
      width: 8,
      height: 6,
      sourceWidth: 64,
      sourceHeight: 48,
    });
  });

  it.each([
    ['GIF', 'image/gif', [...new TextEncoder().encode('GIF89a'), 1, 0, 1, 0]],
    [
      'WebP',
      'image/webp',
      [...new TextEncoder().encode('RIFF'), 0, 0, 0, 0, ...new TextEncoder().encode('WEBPVP8 ')],
    ],
    ['BMP', 'image/bmp', [0x42, 0x4d, 0, 0, 0, 0]],
    ['AVIF/HEIF', 'image/avif', [0, 0, 0, 0x20, ...new TextEncoder().encode('ftypavif')]],
  ])(
    'rejects %s frames as UNSUPPORTED_FORMAT, naming the format and the declared type',
    (name, mimeType, bytes) => {
      const error = decodeError(() => decodeLumaThumbnail(Uint8Array.from(bytes), mimeType));

      expect(error.code).toBe('UNSUPPORTED_FORMAT');
      expect(error.message).toContain(name);
      expect(error.message).toContain(mimeType);
      expect(error.message).toMatch(/JPEG and PNG/);
    },
  );

  it('rejects random garbage as UNSUPPORTED_FORMAT', () => {
    const random = seededRandom(2);
    for (let round = 0; round < 50; round++) {
      const garbage = Uint8Array.from({ length: 1 + Math.floor(random() * 500) }, () =>
        Math.floor(random() * 256),
      );
      if (garbage[0] === 0xff || garbage[0] === 0x89) garbage[0] = 0;
      expect(decodeError(() => decodeLumaThumbnail(garbage)).code).toBe('UNSUPPORTED_FORMAT');
    }
  });

  it.each([
    ['empty', []],
    ['a lone 0xFF', [0xff]],
    ['the start of a PNG signature', [0x89, 0x50, 0x4e]],
  ])('reports %s frame as TRUNCATED_IMAGE', (_, bytes) => {
    expect(decodeError(() => decodeLumaThumbnail(Uint8Array.from(bytes), 'image/jpeg')).code).toBe(
      'TRUNCATED_IMAGE',
    );
  });

  it('passes the decoders’ errors through', async () => {
    const jpeg = await encodeImage(rgb, 64, 48, { format: 'jpeg' });
    expect(decodeError(() => decodeLumaThumbnail(jpeg.subarray(0, 300))).code).toBe('TRUNCATED_IMAGE');
  });
});

describe('FrameDecodeError', () => {
  it('carries a code and is recognised across copies of the package', () => {
    const error = new FrameDecodeError('CORRUPT_IMAGE', 'bad');
    const lookalike = Object.defineProperty(new Error('x'), Symbol.for('livetools.error.FrameDecodeError'), {
      value: true,
    });

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'FrameDecodeError', code: 'CORRUPT_IMAGE', message: 'bad' });
    expect(FrameDecodeError.isInstance(error)).toBe(true);
    expect(FrameDecodeError.isInstance(lookalike)).toBe(true);
    expect(FrameDecodeError.isInstance(new Error('x'))).toBe(false);
    expect(FrameDecodeError.isInstance(undefined)).toBe(false);
  });
});
