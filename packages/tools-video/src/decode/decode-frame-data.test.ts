import { describe, expect, it } from 'vitest';
import { decodeError } from '../../test/support/decode/expect-decode-error.js';
import { encodeImage, renderScene } from '../../test/support/frames.js';
import { decodeFrameData } from './decode-frame-data.js';

const jpeg = await encodeImage(renderScene({ width: 32, height: 16 }), 32, 16);

describe('decodeFrameData', () => {
  it('decodes base64 in either alphabet, with or without line breaks', () => {
    for (const data of [
      jpeg.toString('base64'),
      jpeg.toString('base64url'),
      jpeg.toString('base64').replace(/(.{76})/g, '$1\r\n'),
    ]) {
      expect(decodeFrameData(data, 'image/jpeg', {})).toMatchObject({ width: 4, height: 2 });
    }
  });

  it.each([
    [42, 'a number'],
    [null, 'null'],
    [undefined, 'undefined'],
    [new Uint8Array(4), 'binary data (a typed array)'],
    [{ toString: () => 'AAAA' }, 'an object'],
  ])('refuses data that is not a string (%s) with INVALID_BASE64, naming what it is', (data, kind) => {
    const error = decodeError(() => decodeFrameData(data, 'image/jpeg', {}));
    expect(error.code).toBe('INVALID_BASE64');
    expect(error.message).toBe(
      `The frame's data is ${kind}, not a base64 string. Send the image bytes base64-encoded ` +
        '(sendVideoFrame encodes bytes for you).',
    );
  });

  it('names a data: URL and a character outside base64 when the bytes do not decode', () => {
    const url = decodeError(() =>
      decodeFrameData(`data:image/jpeg;base64,${jpeg.toString('base64')}`, 'image/jpeg', {}),
    );
    expect(url.message).toBe(
      "The frame's data is a data: URL, not base64; send only the base64 text after the comma.",
    );
    const prose = decodeError(() => decodeFrameData('hello, camera', 'image/jpeg', {}));
    expect(prose).toMatchObject({
      code: 'INVALID_BASE64',
      message: expect.stringContaining('character 5 is U+002C'),
    });
  });

  it('keeps the decoder’s own error for valid base64 that is not an image, and leaves out a MIME type that is not a string', () => {
    const gif = Buffer.from('GIF89a\u0001\u0000\u0001\u0000').toString('base64');
    expect(decodeError(() => decodeFrameData(gif, { toString: 1 }, {})).message).toBe(
      'The frame is GIF; only JPEG and PNG frames can be decoded. Send image/jpeg or image/png.',
    );
  });
});
