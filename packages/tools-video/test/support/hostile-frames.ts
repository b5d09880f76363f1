/**
 * The standing catalogue of hostile video frames: corrupt, truncated, bombs, wrong MIME types,
 * empty, not base64. Each comes with what a correct answer is: a typed `FrameDecodeError`, a
 * decoded thumbnail, or either (a mutation that may leave the picture valid).
 */

import { issueBombPng, zeroPng } from './decode/bombs.js';
import { markerIndex, seededRandom, withUint16 } from './decode/jpeg-structure.js';
import { encodeTestJpeg } from './decode/jpeg-test-encoder.js';
import { readPngChunks, writePngChunks } from './decode/png-test-encoder.js';
import { encodeImage, renderScene } from './frames.js';

/** The input classes of the hostile-frame suite. */
export type HostileClass = 'corrupt' | 'truncated' | 'bomb' | 'wrong MIME type' | 'empty' | 'not base64';

/** One hostile frame, as it could reach an analyzer (its fields need not even be strings). */
export interface HostileFrame {
  readonly name: string;
  readonly kind: HostileClass;
  readonly data: unknown;
  readonly mimeType: unknown;
  /** The correct answer: a FrameDecodeError, a decoded picture, or either. */
  readonly answer: 'error' | 'decoded' | 'either';
  /** The error code when `answer` is `error` and the code is certain. */
  readonly code?: string;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function mutated(bytes: Uint8Array, random: () => number, edits: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  for (let e = 0; e < edits; e++) {
    copy[Math.floor(random() * copy.length)] = random() < 0.3 ? 0xff : Math.floor(random() * 256);
  }
  return copy;
}

/** A JPEG with each component's sampling-factor byte in the frame header replaced. */
function withSampling(jpeg: Uint8Array, factors: readonly number[]): Uint8Array {
  const copy = Uint8Array.from(jpeg);
  const sof = markerIndex(copy, 0xc0);
  factors.forEach((factor, i) => {
    copy[sof + 10 + 3 * i + 1] = factor;
  });
  return copy;
}

/** A JPEG with a DRI segment inserted after SOI, its entropy-coded data left without restart markers. */
function withRestartInterval(jpeg: Uint8Array, interval: number): Uint8Array {
  const dri = [0xff, 0xdd, 0, 4, interval >> 8, interval & 0xff];
  return Uint8Array.from([...jpeg.subarray(0, 2), ...dri, ...jpeg.subarray(2)]);
}

/** Builds the catalogue (about 120 frames). */
export async function hostileFrames(): Promise<HostileFrame[]> {
  const rgb = renderScene({ width: 64, height: 48, noise: 8 });
  const jpeg = await encodeImage(rgb, 64, 48, { format: 'jpeg' });
  const png = await encodeImage(rgb, 64, 48, { format: 'png' });
  const testJpeg = encodeTestJpeg({ width: 64, height: 48, rgb });
  const random = seededRandom(13);
  const frames: HostileFrame[] = [];
  const add = (frame: HostileFrame) => frames.push(frame);

  // The two formats, with the answer to a file of each cut short: a JPEG may still decode, a PNG does not.
  const formats = [
    { format: 'JPEG', bytes: jpeg, mimeType: 'image/jpeg', truncated: 'either' },
    { format: 'PNG', bytes: png, mimeType: 'image/png', truncated: 'error' },
  ] as const;

  // Corrupt.
  for (let i = 0; i < 20; i++) {
    for (const { format, bytes, mimeType } of formats) {
      add({
        name: `${format}, mutation ${i}`,
        kind: 'corrupt',
        data: base64(mutated(bytes, random, 1 + (i % 4))),
        mimeType,
        answer: 'either',
      });
    }
  }
  const garbageScan = Uint8Array.from(jpeg);
  for (let i = markerIndex(jpeg, 0xda) + 14; i < garbageScan.length - 2; i++)
    garbageScan[i] = Math.floor(random() * 256);
  add({
    name: 'JPEG with random scan data',
    kind: 'corrupt',
    data: base64(garbageScan),
    mimeType: 'image/jpeg',
    answer: 'either',
  });
  const noise = Uint8Array.from({ length: 4000 }, () => Math.floor(random() * 256));
  noise.set([0xff, 0xd8, 0xff]);
  add({
    name: 'JPEG signature then noise',
    kind: 'corrupt',
    data: base64(noise),
    mimeType: 'image/jpeg',
    answer: 'error',
  });
  const badCrc = Uint8Array.from(png);
  badCrc[badCrc.length - 20] = badCrc[badCrc.length - 20]! ^ 1;
  add({
    name: 'PNG with a bad CRC',
    kind: 'corrupt',
    data: base64(badCrc),
    mimeType: 'image/png',
    answer: 'error',
    code: 'CORRUPT_IMAGE',
  });
  const notZlib = writePngChunks(
    readPngChunks(png).map((c) =>
      c.type === 'IDAT' ? { type: 'IDAT', body: new Uint8Array(40).fill(7) } : c,
    ),
  );
  add({
    name: 'PNG whose IDAT is not zlib',
    kind: 'corrupt',
    data: base64(notZlib),
    mimeType: 'image/png',
    answer: 'error',
    code: 'CORRUPT_IMAGE',
  });
  add({
    name: 'GIF bytes',
    kind: 'corrupt',
    data: base64(new TextEncoder().encode('GIF89a\u0001\u0000\u0001\u0000')),
    mimeType: 'image/gif',
    answer: 'error',
    code: 'UNSUPPORTED_FORMAT',
  });

  // Truncated.
  for (const fraction of [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99]) {
    for (const { format, bytes, mimeType, truncated } of formats) {
      add({
        name: `${format} cut at ${fraction}`,
        kind: 'truncated',
        data: base64(bytes.subarray(0, Math.floor(bytes.length * fraction))),
        mimeType,
        answer: truncated,
      });
    }
  }
  add({
    name: 'JPEG signature only',
    kind: 'truncated',
    data: base64(Uint8Array.from([0xff, 0xd8])),
    mimeType: 'image/jpeg',
    answer: 'error',
    code: 'TRUNCATED_IMAGE',
  });
  add({
    name: 'PNG signature only',
    kind: 'truncated',
    data: base64(png.subarray(0, 8)),
    mimeType: 'image/png',
    answer: 'error',
    code: 'TRUNCATED_IMAGE',
  });

  // Bombs.
  add({
    name: 'PNG 16384x4096 16-bit RGBA, 512 MiB of zeros (issue 13)',
    kind: 'bomb',
    data: base64(issueBombPng()),
    mimeType: 'image/png',
    answer: 'error',
    code: 'IMAGE_TOO_LARGE',
  });
  add({
    name: 'PNG declaring 64x64 over a 512 MiB zlib stream',
    kind: 'bomb',
    data: base64(zeroPng({ width: 64, height: 64, bitDepth: 8, colorType: 0, inflatedBytes: 512 * 2 ** 20 })),
    mimeType: 'image/png',
    answer: 'error',
    code: 'CORRUPT_IMAGE',
  });
  add({
    name: 'PNG declaring 64x64 over a 512 MiB zlib stream in 20000 IDAT chunks',
    kind: 'bomb',
    data: base64(
      zeroPng({
        width: 64,
        height: 64,
        bitDepth: 8,
        colorType: 0,
        inflatedBytes: 512 * 2 ** 20,
        idatChunks: 20000,
      }),
    ),
    mimeType: 'image/png',
    answer: 'error',
    code: 'CORRUPT_IMAGE',
  });
  add({
    name: 'PNG 4096x4096 RGBA whose zeros inflate to its full declared size, just over 64 MiB',
    kind: 'bomb',
    data: base64(zeroPng({ width: 4096, height: 4096, bitDepth: 8, colorType: 6 })),
    mimeType: 'image/png',
    answer: 'error',
    code: 'IMAGE_TOO_LARGE',
  });
  add({
    name: 'PNG 2048x2048 RGBA of zeros (16 MiB, within the limit)',
    kind: 'bomb',
    data: base64(zeroPng({ width: 2048, height: 2048, bitDepth: 8, colorType: 6 })),
    mimeType: 'image/png',
    answer: 'decoded',
  });
  add({
    name: 'PNG 16384x16384 at 1 bit per pixel (32 MiB inflated, 256 megapixels)',
    kind: 'bomb',
    data: base64(zeroPng({ width: 16384, height: 16384, bitDepth: 1, colorType: 0 })),
    mimeType: 'image/png',
    answer: 'error',
    code: 'IMAGE_TOO_LARGE',
  });
  const chunks = readPngChunks(png);
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.body));
  const ihdr = chunks[0]!;
  const oneByteIdats = writePngChunks([
    ihdr,
    ...Array.from(idat, (byte) => ({ type: 'IDAT', body: Uint8Array.of(byte) })),
    { type: 'IEND', body: new Uint8Array(0) },
  ]);
  add({
    name: `PNG with ${idat.length} one-byte IDAT chunks`,
    kind: 'bomb',
    data: base64(oneByteIdats),
    mimeType: 'image/png',
    answer: 'decoded',
  });
  const emptyIdats = writePngChunks([
    ihdr,
    ...Array.from({ length: 50000 }, () => ({ type: 'IDAT', body: new Uint8Array(0) })),
    { type: 'IDAT', body: idat },
    { type: 'IEND', body: new Uint8Array(0) },
  ]);
  add({
    name: 'PNG with 50000 empty IDAT chunks',
    kind: 'bomb',
    data: base64(emptyIdats),
    mimeType: 'image/png',
    answer: 'decoded',
  });
  const sof = markerIndex(jpeg, 0xc0);
  for (const [w, h] of [
    [65535, 65535],
    [16384, 16384],
    [8192, 8192],
    [16384, 4096],
  ] as const) {
    const claimed = withUint16(withUint16(jpeg, sof + 5, h), sof + 7, w);
    add({
      name: `JPEG declaring ${w}x${h}`,
      kind: 'bomb',
      data: base64(claimed),
      mimeType: 'image/jpeg',
      answer: 'error',
      code: 'IMAGE_TOO_LARGE',
    });
  }
  add({
    name: 'JPEG declaring 4096x4096 over 64x48 of data',
    kind: 'bomb',
    data: base64(withUint16(withUint16(jpeg, sof + 5, 4096), sof + 7, 4096)),
    mimeType: 'image/jpeg',
    answer: 'error',
  });
  add({
    name: 'JPEG with a restart interval of 1 and no restart markers',
    kind: 'bomb',
    data: base64(withRestartInterval(testJpeg, 1)),
    mimeType: 'image/jpeg',
    answer: 'error',
  });
  add({
    name: 'JPEG with a restart interval of 65535',
    kind: 'bomb',
    data: base64(withRestartInterval(testJpeg, 65535)),
    mimeType: 'image/jpeg',
    answer: 'decoded',
  });
  add({
    name: 'JPEG with a restart marker after every MCU',
    kind: 'bomb',
    data: base64(encodeTestJpeg({ width: 64, height: 48, rgb, restartInterval: 1 })),
    mimeType: 'image/jpeg',
    answer: 'decoded',
  });
  add({
    name: 'JPEG with a restart interval of 2 and no restart markers',
    kind: 'bomb',
    data: base64(withRestartInterval(testJpeg, 2)),
    mimeType: 'image/jpeg',
    answer: 'error',
  });
  for (const factors of [
    [0x00, 0x11, 0x11],
    [0xff, 0x11, 0x11],
    [0x55, 0x11, 0x11],
    [0x44, 0x44, 0x44],
    [0x11, 0x44, 0x44],
    [0x41, 0x14, 0x11],
  ]) {
    const hex = factors.map((f) => f.toString(16).padStart(2, '0')).join(' ');
    add({
      name: `JPEG with sampling factors ${hex}`,
      kind: 'bomb',
      data: base64(withSampling(testJpeg, factors)),
      mimeType: 'image/jpeg',
      answer: 'either',
    });
  }
  add({
    name: 'JPEG with luma sampled 4x2 and chroma 1x1',
    kind: 'bomb',
    data: base64(
      encodeTestJpeg({
        width: 64,
        height: 48,
        rgb,
        sampling: [
          [4, 2],
          [1, 1],
          [1, 1],
        ],
      }),
    ),
    mimeType: 'image/jpeg',
    answer: 'decoded',
  });

  // Wrong MIME types.
  for (const { format, bytes } of formats) {
    for (const mimeType of [
      'image/png',
      'image/jpeg',
      'image/gif',
      'text/html',
      '',
      undefined,
      42,
      { toString: 1 },
    ]) {
      add({
        name: `${format} declared as ${JSON.stringify(mimeType) ?? 'undefined'}`,
        kind: 'wrong MIME type',
        data: base64(bytes),
        mimeType,
        answer: 'decoded',
      });
    }
  }

  // Empty.
  add({
    name: 'empty string',
    kind: 'empty',
    data: '',
    mimeType: 'image/jpeg',
    answer: 'error',
    code: 'TRUNCATED_IMAGE',
  });
  add({ name: 'padding only', kind: 'empty', data: '====', mimeType: 'image/jpeg', answer: 'error' });
  add({ name: 'whitespace only', kind: 'empty', data: ' \n\t ', mimeType: 'image/png', answer: 'error' });

  // Not base64.
  add({
    name: 'prose',
    kind: 'not base64',
    data: 'this is not base64!',
    mimeType: 'image/jpeg',
    answer: 'error',
    code: 'INVALID_BASE64',
  });
  add({
    name: 'a data: URL',
    kind: 'not base64',
    data: `data:image/jpeg;base64,${base64(jpeg)}`,
    mimeType: 'image/jpeg',
    answer: 'error',
    code: 'INVALID_BASE64',
  });
  add({
    name: 'snowmen',
    kind: 'not base64',
    data: '\u2603'.repeat(100),
    mimeType: 'image/jpeg',
    answer: 'error',
    code: 'INVALID_BASE64',
  });
  add({
    name: 'lone surrogates',
    kind: 'not base64',
    data: '\ud800\udc00\ud800'.repeat(10),
    mimeType: 'image/png',
    answer: 'error',
    code: 'INVALID_BASE64',
  });
  add({
    name: 'padding in the middle',
    kind: 'not base64',
    data: `${base64(jpeg.subarray(0, 10))}=${base64(jpeg.subarray(10))}`,
    mimeType: 'image/jpeg',
    answer: 'either',
  });
  add({
    name: 'base64 with line breaks (MIME style)',
    kind: 'not base64',
    data: base64(jpeg).replace(/(.{76})/g, '$1\r\n'),
    mimeType: 'image/jpeg',
    answer: 'decoded',
  });
  add({
    name: 'base64url',
    kind: 'not base64',
    data: Buffer.from(jpeg).toString('base64url'),
    mimeType: 'image/jpeg',
    answer: 'decoded',
  });
  for (const [name, data] of [
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { data: 'AAAA' }],
    ['a Uint8Array', Uint8Array.from(jpeg)],
    ['an array', [0xff, 0xd8]],
    ['a boolean', true],
  ] as const) {
    add({
      name: `data that is ${name}`,
      kind: 'not base64',
      data,
      mimeType: 'image/jpeg',
      answer: 'error',
      code: 'INVALID_BASE64',
    });
  }
  return frames;
}
