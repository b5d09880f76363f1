import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  checkedRejection,
  decodeError,
  decodeOutcome,
  describeThrown,
  thumbnailProblems,
} from '../../test/support/decode/expect-decode-error.js';
import { seededRandom } from '../../test/support/decode/jpeg-structure.js';
import {
  encodeTestPng,
  type PngChunk,
  readPngChunks,
  type TestPngOptions,
  testPngLuma,
  writePngChunks,
} from '../../test/support/decode/png-test-encoder.js';
import { blockMeans, lumaOfRgb, sharpLuma, thumbnailError } from '../../test/support/decode/reference.js';
import { encodeImage, renderScene } from '../../test/support/frames.js';
import { decodePngThumbnail } from './decode-png-thumbnail.js';

type Sharp = ReturnType<typeof sharp>;

/** A PNG thumbnail is exact up to rounding the mean. */
const ROUNDING = 0.5 + 1e-9;

function scene(width: number, height: number): Uint8Array {
  return renderScene({
    width,
    height,
    noise: 8,
    shapes: [
      { x: Math.floor(width / 4), y: Math.floor(height / 3), width: 30, height: 20, color: [200, 40, 40] },
    ],
  });
}

function raw(rgb: Uint8Array, width: number, height: number): Sharp {
  return sharp(rgb, { raw: { width, height, channels: 3 } });
}

/** Bit depth and colour type from a PNG's IHDR. */
function pngFormat(bytes: Uint8Array): { bitDepth: number; colorType: number; interlaced: boolean } {
  return { bitDepth: bytes[24]!, colorType: bytes[25]!, interlaced: bytes[28] === 1 };
}

describe('decodePngThumbnail on PNGs from libpng (sharp)', () => {
  const sizes = [
    [640, 480],
    [641, 479],
    [17, 9],
    [1, 1],
  ] as const;

  it.each(sizes)(
    'averages each 8x8 block of an RGB PNG (%ix%i), edge blocks over the pixels present',
    async (w, h) => {
      const rgb = scene(w, h);
      const bytes = await encodeImage(rgb, w, h, { format: 'png' });

      const thumbnail = decodePngThumbnail(bytes);

      expect(thumbnail).toMatchObject({
        width: Math.ceil(w / 8),
        height: Math.ceil(h / 8),
        sourceWidth: w,
        sourceHeight: h,
      });
      expect(thumbnailError(thumbnail, blockMeans(lumaOfRgb(rgb, w, h), w, h)).maxError).toBeLessThanOrEqual(
        ROUNDING,
      );
    },
  );

  it.each(sizes)('reads Adam7-interlaced PNGs (%ix%i)', async (w, h) => {
    const rgb = scene(w, h);
    const bytes = await encodeImage(rgb, w, h, { format: 'png', progressive: true });
    expect(pngFormat(bytes).interlaced).toBe(true);

    const thumbnail = decodePngThumbnail(bytes);

    expect(thumbnailError(thumbnail, blockMeans(lumaOfRgb(rgb, w, h), w, h)).maxError).toBeLessThanOrEqual(
      ROUNDING,
    );
  });

  it.each([
    ['8-bit palette', (s: Sharp) => s.png({ palette: true }), 8, 3],
    ['2-bit palette', (s: Sharp) => s.png({ palette: true, colours: 4 }), 2, 3],
    ['1-bit palette', (s: Sharp) => s.png({ palette: true, colours: 2 }), 1, 3],
    ['interlaced palette', (s: Sharp) => s.png({ palette: true, progressive: true }), 8, 3],
    ['8-bit grayscale', (s: Sharp) => s.toColourspace('b-w').png(), 8, 0],
    ['16-bit grayscale', (s: Sharp) => s.toColourspace('grey16').png(), 16, 0],
    ['16-bit RGB', (s: Sharp) => s.toColourspace('rgb16').png(), 16, 2],
    ['8-bit RGBA', (s: Sharp) => s.ensureAlpha(0.5).png(), 8, 6],
    ['16-bit RGBA', (s: Sharp) => s.ensureAlpha(0.5).toColourspace('rgb16').png(), 16, 6],
    ['8-bit gray + alpha', (s: Sharp) => s.toColourspace('b-w').ensureAlpha(0.5).png(), 8, 4],
    ['16-bit gray + alpha', (s: Sharp) => s.ensureAlpha(0.5).toColourspace('grey16').png(), 16, 4],
  ] as const)('reads %s PNGs', async (_, encode, bitDepth, colorType) => {
    const [w, h] = [61, 45];
    const bytes = await encode(raw(scene(w, h), w, h)).toBuffer();
    expect(pngFormat(bytes)).toMatchObject({ bitDepth, colorType });

    const thumbnail = decodePngThumbnail(bytes);

    // libvips's own decoding is the reference: its palettes and grayscale weights are its own. It
    // reads 16-bit samples as their high byte, which can put it up to a level below the exact mean.
    const decoded = await sharpLuma(bytes);
    const error = thumbnailError(thumbnail, blockMeans(decoded.luma, w, h));
    expect(error.maxError).toBeLessThanOrEqual(bitDepth === 16 ? 1 + ROUNDING : ROUNDING);
  });

  it('ignores alpha: a translucent frame has the luma of its colours', async () => {
    const rgb = scene(32, 24);
    const opaque = decodePngThumbnail(await raw(rgb, 32, 24).png().toBuffer());
    const translucent = decodePngThumbnail(await raw(rgb, 32, 24).ensureAlpha(0.1).png().toBuffer());
    expect(translucent.pixels).toEqual(opaque.pixels);
  });
});

describe('decodePngThumbnail on every colour type, bit depth, filter and interlacing', () => {
  const formats = [
    [0, 1],
    [0, 2],
    [0, 4],
    [0, 8],
    [0, 16],
    [2, 8],
    [2, 16],
    [3, 1],
    [3, 2],
    [3, 4],
    [3, 8],
    [4, 8],
    [4, 16],
    [6, 8],
    [6, 16],
  ] as const;

  function options(colorType: TestPngOptions['colorType'], bitDepth: TestPngOptions['bitDepth']) {
    const random = seededRandom(colorType * 100 + bitDepth);
    const max = 2 ** bitDepth - 1;
    const noise = Array.from({ length: 37 * 29 * 4 }, () => random());
    const palette = Array.from({ length: 2 ** Math.min(bitDepth, 8) }, () =>
      [0, 0, 0].map(() => Math.floor(random() * 256)),
    ) as [number, number, number][];
    return {
      width: 37,
      height: 29,
      colorType,
      bitDepth,
      // A gradient plus noise, so neighbouring samples differ and every filter has work to do.
      sample: (x: number, y: number, c: number) =>
        Math.min(max, Math.floor(((x + 2 * y + 9 * c) / 120 + 0.3 * noise[(y * 37 + x) * 4 + c]!) * max)),
      ...(colorType === 3 ? { palette } : {}),
    } satisfies TestPngOptions;
  }

  it.each(
    formats.flatMap(([colorType, bitDepth]) =>
      [false, true].map((interlace) => [colorType, bitDepth, interlace] as const),
    ),
  )('colour type %i, %i-bit, interlaced %s', (colorType, bitDepth, interlace) => {
    const spec = { ...options(colorType, bitDepth), interlace, idatChunks: 3 };
    const bytes = encodeTestPng(spec);

    const thumbnail = decodePngThumbnail(bytes);

    expect(thumbnail).toMatchObject({ width: 5, height: 4, sourceWidth: 37, sourceHeight: 29 });
    const reference = blockMeans(testPngLuma(spec), 37, 29);
    expect(thumbnailError(thumbnail, reference).maxError).toBeLessThanOrEqual(ROUNDING);
  });

  it.each([0, 1, 2, 3, 4])('undoes filter type %i, on the first row of a pass too', (filter) => {
    for (const [colorType, bitDepth] of [
      [2, 8],
      [0, 2],
      [6, 16],
    ] as const) {
      for (const interlace of [false, true]) {
        const spec = { ...options(colorType, bitDepth), interlace, filters: [filter] };
        const thumbnail = decodePngThumbnail(encodeTestPng(spec));
        expect(thumbnailError(thumbnail, blockMeans(testPngLuma(spec), 37, 29)).maxError).toBeLessThanOrEqual(
          ROUNDING,
        );
      }
    }
  });

  it.each([
    [1, 1],
    [2, 1],
    [1, 3],
    [5, 5],
    [9, 2],
  ])('reads a %ix%i interlaced image, whose Adam7 passes are partly empty', (width, height) => {
    const spec = { ...options(2, 8), width, height, interlace: true };
    const thumbnail = decodePngThumbnail(encodeTestPng(spec));
    expect(thumbnail).toMatchObject({ width: Math.ceil(width / 8), height: Math.ceil(height / 8) });
    expect(
      thumbnailError(thumbnail, blockMeans(testPngLuma(spec), width, height)).maxError,
    ).toBeLessThanOrEqual(ROUNDING);
  });

  it('reads palette indices past the palette as black', () => {
    const thumbnail = decodePngThumbnail(
      encodeTestPng({
        width: 8,
        height: 8,
        colorType: 3,
        bitDepth: 2,
        palette: [
          [255, 255, 255],
          [255, 255, 255],
        ],
        sample: (x) => (x < 4 ? 0 : 3),
      }),
    );
    expect([...thumbnail.pixels]).toEqual([128]);
  });
});

describe('decodePngThumbnail on bad PNGs', () => {
  const small = encodeTestPng({
    width: 20,
    height: 12,
    colorType: 2,
    bitDepth: 8,
    sample: (x, y, c) => (x * 11 + y * 7 + c * 50) & 255,
  });

  function rebuilt(edit: (chunks: PngChunk[]) => PngChunk[]): Uint8Array {
    return writePngChunks(edit(readPngChunks(small)));
  }

  function withHeader(width: number, height: number, bitDepth = 8, colorType = 2): Uint8Array {
    return rebuilt((chunks) =>
      chunks.map((chunk) => {
        if (chunk.type !== 'IHDR') return chunk;
        const body = Uint8Array.from(chunk.body);
        new DataView(body.buffer).setUint32(0, width);
        new DataView(body.buffer).setUint32(4, height);
        body[8] = bitDepth;
        body[9] = colorType;
        return { type: 'IHDR', body };
      }),
    );
  }

  it('rejects bytes that are not a PNG', () => {
    expect(decodeError(() => decodePngThumbnail(new TextEncoder().encode('GIF89a.....'))).code).toBe(
      'UNSUPPORTED_FORMAT',
    );
  });

  it('reports every truncation as TRUNCATED_IMAGE', () => {
    for (let length = 0; length < small.length; length++) {
      const error = decodeError(() => decodePngThumbnail(small.subarray(0, length)));
      expect({ length, code: error.code }).toEqual({ length, code: 'TRUNCATED_IMAGE' });
    }
  });

  it('checks chunk CRCs', () => {
    const broken = Uint8Array.from(small);
    broken[broken.length - 20] = broken[broken.length - 20]! ^ 1; // inside IDAT
    const error = decodeError(() => decodePngThumbnail(broken));
    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toMatch(/CRC/);
  });

  it.each([
    [100000, 100000],
    [16385, 1],
    [1, 16385],
    [10000, 10000],
  ])('rejects an IHDR claiming %ix%i as IMAGE_TOO_LARGE', (width, height) => {
    const error = decodeError(() => decodePngThumbnail(withHeader(width, height)));
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain(`${width}x${height}`);
  });

  it.each([
    ['a bit depth the colour type does not allow', withHeader(20, 12, 4, 2)],
    ['more image data than the size needs', withHeader(20, 6)],
    ['less image data than the size needs', withHeader(20, 24)],
    [
      'an unknown filter type',
      encodeTestPng({ width: 4, height: 4, colorType: 0, bitDepth: 8, sample: () => 1, filters: [5] }),
    ],
    [
      'an unknown critical chunk',
      rebuilt((chunks) => [chunks[0]!, { type: 'ABCD', body: new Uint8Array(2) }, ...chunks.slice(1)]),
    ],
    ['no IDAT', rebuilt((chunks) => chunks.filter((chunk) => chunk.type !== 'IDAT'))],
    [
      'IDAT that is not zlib data',
      rebuilt((chunks) =>
        chunks.map((c) => (c.type === 'IDAT' ? { type: 'IDAT', body: new Uint8Array(40).fill(7) } : c)),
      ),
    ],
    ['a palette image without PLTE', withHeader(20, 12, 8, 3)],
  ])('reports %s as CORRUPT_IMAGE', (_, bytes) => {
    expect(decodeError(() => decodePngThumbnail(bytes)).code).toBe('CORRUPT_IMAGE');
  });

  it('ignores unknown ancillary chunks', () => {
    const withExtra = rebuilt((chunks) => [
      chunks[0]!,
      { type: 'zzZz', body: new Uint8Array(5) },
      ...chunks.slice(1),
    ]);
    expect(decodePngThumbnail(withExtra).pixels).toEqual(decodePngThumbnail(small).pixels);
  });

  it('only ever throws FrameDecodeError, from its own checks, on mutated PNGs', async () => {
    const sources = [
      small,
      await encodeImage(scene(24, 16), 24, 16, { format: 'png', progressive: true }),
      await encodeImage(scene(24, 16), 24, 16, { format: 'png', palette: true }),
    ];
    const originals = sources.map((source) => decodePngThumbnail(source).pixels);
    const random = seededRandom(5);
    let decoded = 0;
    let rejected = 0;
    for (let round = 0; round < 300; round++) {
      const mutated = Uint8Array.from(sources[round % sources.length]!);
      mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
      const outcome = decodeOutcome(() => decodePngThumbnail(mutated));
      if (outcome.kind === 'decoded') {
        decoded++;
        // Every chunk has a CRC: what still decodes must be the unchanged picture.
        expect({
          round,
          problems: thumbnailProblems(outcome.thumbnail),
          pixels: outcome.thumbnail.pixels,
        }).toEqual({
          round,
          problems: [],
          pixels: originals[round % sources.length],
        });
      } else {
        rejected++;
        // A cause means a raw exception was caught by the safety net: a missing check.
        expect({ round, ...describeThrown(outcome.error) }).toEqual({ round, ...checkedRejection });
      }
    }
    // Nearly every edit breaks a CRC; the few that write a byte's own value leave the PNG intact.
    expect(rejected).toBeGreaterThan(0);
    expect(decoded).toBeGreaterThan(0);
  });
});
