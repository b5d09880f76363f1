import jpeg from 'jpeg-js';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeError } from '../../test/support/decode/expect-decode-error.js';
import { scene, testJpeg } from '../../test/support/decode/jpeg-scene.js';
import { markerIndex, scanEnd, scanHeaders, seededRandom } from '../../test/support/decode/jpeg-structure.js';
import { encodeTestJpeg } from '../../test/support/decode/jpeg-test-encoder.js';
import { blockMeans, lumaOfRgb, sharpLuma, thumbnailError } from '../../test/support/decode/reference.js';
import { type EncodeSpec, encodeImage } from '../../test/support/frames.js';
import { decodeJpegThumbnail } from './decode-jpeg-thumbnail.js';
import {
  standardChrominanceAc,
  standardChrominanceDc,
  standardLuminanceAc,
  standardLuminanceDc,
} from './jpeg-standard-tables.js';

/** Block means of the source luma, with JPEG's edge replication (what the DCs encode). */
function replicatedMeans(rgb: Uint8Array, width: number, height: number): Float64Array {
  return blockMeans(lumaOfRgb(rgb, width, height), width, height, 'replicated');
}

const colourVariants: readonly (readonly [string, EncodeSpec])[] = [
  ['baseline 4:2:0 q80', { format: 'jpeg', quality: 80, chromaSubsampling: '4:2:0' }],
  ['baseline 4:4:4 q80', { format: 'jpeg', quality: 80, chromaSubsampling: '4:4:4' }],
  ['baseline 4:2:0 q30', { format: 'jpeg', quality: 30 }],
  ['baseline 4:2:0 q95', { format: 'jpeg', quality: 95 }],
  ['progressive 4:2:0', { format: 'jpeg', progressive: true }],
  ['progressive 4:4:4', { format: 'jpeg', progressive: true, chromaSubsampling: '4:4:4' }],
];
const sizes: readonly (readonly [number, number])[] = [
  [640, 480],
  [641, 479],
  [17, 9],
  [1, 1],
];

describe('decodeJpegThumbnail on frames from libjpeg (sharp)', () => {
  const cases = colourVariants.flatMap(([label, spec]) =>
    sizes.map(([w, h]) => [label, spec, w, h] as const),
  );

  it.each(cases)(
    '%s %ix%i: one pixel per 8x8 block, at the block mean of the luma',
    async (_, spec, w, h) => {
      const rgb = scene(w, h);
      const bytes = await encodeImage(rgb, w, h, spec);

      const thumbnail = decodeJpegThumbnail(bytes);

      expect(thumbnail).toMatchObject({
        width: Math.ceil(w / 8),
        height: Math.ceil(h / 8),
        sourceWidth: w,
        sourceHeight: h,
      });
      const fromSource = thumbnailError(thumbnail, blockMeans(lumaOfRgb(rgb, w, h), w, h));
      expect(fromSource.meanAbsError).toBeLessThan(3);
      expect(fromSource.maxError).toBeLessThan(15);
      // Against libjpeg's own decoding the DC is nearly exact.
      const decoded = await sharpLuma(bytes);
      const fromDecoded = thumbnailError(thumbnail, blockMeans(decoded.luma, w, h, 'replicated'));
      expect(fromDecoded.meanAbsError).toBeLessThan(0.5);
      expect(fromDecoded.maxError).toBeLessThan(2);
    },
  );

  it.each([
    [640, 480],
    [17, 9],
  ])('reads single-component grayscale JPEGs (%ix%i)', async (w, h) => {
    const bytes = await sharp(scene(w, h), { raw: { width: w, height: h, channels: 3 } })
      .toColourspace('b-w')
      .jpeg({ quality: 80 })
      .toBuffer();
    expect(scanHeaders(bytes).map((scan) => scan.componentIds)).toEqual([[1]]);

    const thumbnail = decodeJpegThumbnail(bytes);

    const decoded = await sharpLuma(bytes);
    const error = thumbnailError(thumbnail, blockMeans(decoded.luma, w, h, 'replicated'));
    expect(error.meanAbsError).toBeLessThan(0.5);
    expect(error.maxError).toBeLessThan(2);
  });

  it('reads the gray-jpeg frames of the test kit (three components, gray content)', async () => {
    const bytes = await encodeImage(scene(64, 48), 64, 48, { format: 'gray-jpeg' });
    const decoded = await sharpLuma(bytes);
    const error = thumbnailError(decodeJpegThumbnail(bytes), blockMeans(decoded.luma, 64, 48, 'replicated'));
    expect(error.maxError).toBeLessThan(2);
  });

  it('decodes a progressive JPEG to exactly the thumbnail of its baseline twin, DC refinement included', async () => {
    const rgb = scene(640, 480);
    const baseline = await encodeImage(rgb, 640, 480, { format: 'jpeg' });
    const progressive = await encodeImage(rgb, 640, 480, { format: 'jpeg', progressive: true });
    const dcScans = scanHeaders(progressive).filter((scan) => scan.spectralStart === 0);
    // libjpeg sends the DC without its lowest bit first and refines it after some AC scans.
    expect(dcScans.map((scan) => [scan.high, scan.low])).toEqual([
      [0, 1],
      [1, 0],
    ]);

    expect(decodeJpegThumbnail(progressive).pixels).toEqual(decodeJpegThumbnail(baseline).pixels);
  });

  it('stops reading a progressive JPEG once its luma DC is complete', async () => {
    const rgb = scene(160, 120);
    const bytes = await encodeImage(rgb, 160, 120, { format: 'jpeg', progressive: true });
    const full = decodeJpegThumbnail(bytes);
    const refinement = scanHeaders(bytes).find((scan) => scan.spectralStart === 0 && scan.high !== 0)!;
    const refinementEnd = scanEnd(bytes, refinement);

    // Everything after the DC refinement scan (AC refinements, EOI) can be missing.
    expect(decodeJpegThumbnail(bytes.subarray(0, refinementEnd)).pixels).toEqual(full.pixels);
    expect(decodeJpegThumbnail(bytes.subarray(0, refinementEnd + 40)).pixels).toEqual(full.pixels);
    // Without the refinement's last bytes the frame is truncated.
    expect(decodeError(() => decodeJpegThumbnail(bytes.subarray(0, refinementEnd - 1))).code).toBe(
      'TRUNCATED_IMAGE',
    );
  });

  it('reads 4:4:4 baseline frames from jpeg-js', () => {
    const [w, h] = [100, 75];
    const rgb = scene(w, h);
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255], 4 * i);
    const bytes = jpeg.encode({ data: rgba, width: w, height: h }, 90).data;

    const thumbnail = decodeJpegThumbnail(bytes);

    const error = thumbnailError(thumbnail, replicatedMeans(rgb, w, h));
    expect(error.meanAbsError).toBeLessThan(0.5);
    expect(error.maxError).toBeLessThan(2);
  });

  it('has the Annex K Huffman tables that jpeg-js writes', () => {
    const bytes = jpeg.encode({ data: new Uint8Array(64 * 4), width: 8, height: 8 }, 50).data;
    const tables = new Map<number, { counts: number[]; values: number[] }>();
    for (let at = markerIndex(bytes, 0xc4); at >= 0 && bytes[at + 1] === 0xc4; ) {
      const end = at + 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
      for (let p = at + 4; p < end; ) {
        const counts = [...bytes.subarray(p + 1, p + 17)];
        const total = counts.reduce((a, b) => a + b, 0);
        tables.set(bytes[p]!, { counts, values: [...bytes.subarray(p + 17, p + 17 + total)] });
        p += 17 + total;
      }
      at = end;
    }
    const ours = (spec: { counts: readonly number[]; values: Uint8Array }) => ({
      counts: [...spec.counts],
      values: [...spec.values],
    });

    expect(tables.get(0x00)).toEqual(ours(standardLuminanceDc));
    expect(tables.get(0x10)).toEqual(ours(standardLuminanceAc));
    expect(tables.get(0x01)).toEqual(ours(standardChrominanceDc));
    expect(tables.get(0x11)).toEqual(ours(standardChrominanceAc));
  });
});

describe('decodeJpegThumbnail keeps nothing of its input', () => {
  it('decodes a JPEG the same after the buffer it first came in was overwritten (its Huffman tables are cached as copies)', async () => {
    const bytes = await encodeImage(scene(160, 120), 160, 120, { format: 'jpeg' });
    const reused = Buffer.from(bytes); // a caller that reuses one buffer for every frame
    const first = decodeJpegThumbnail(reused);
    reused.fill(0xff);
    const again = decodeJpegThumbnail(Buffer.from(bytes));
    expect(again.pixels).toEqual(first.pixels);
  });
});

describe('decodeJpegThumbnail on rarer JPEG layouts', () => {
  // A flat quantisation step of 4 leaves the DC within a quarter level; rounding adds half.
  function expectExactDc(bytes: Uint8Array, rgb: Uint8Array, w: number, h: number): void {
    const error = thumbnailError(decodeJpegThumbnail(bytes), replicatedMeans(rgb, w, h));
    expect(error.maxError).toBeLessThanOrEqual(1);
    expect(error.meanAbsError).toBeLessThan(0.5);
  }

  it.each([1, 3, 7, 100])('resets the DC predictors at restart markers (interval %i, 4:2:0)', (interval) => {
    const { rgb, bytes } = testJpeg(37, 29, {
      sampling: [
        [2, 2],
        [1, 1],
        [1, 1],
      ],
      restartInterval: interval,
    });
    expect(markerIndex(bytes, 0xdd)).toBeGreaterThan(0);
    if (interval < 6) expect(markerIndex(bytes, 0xd0)).toBeGreaterThan(0);
    expectExactDc(bytes, rgb, 37, 29);
  });

  it('steps over 0xFF fill bytes before markers, restart markers included', () => {
    const { rgb, bytes } = testJpeg(37, 29, { restartInterval: 2, fillBytes: 3 });
    expect(markerIndex(bytes, 0xff)).toBeGreaterThan(0);
    expectExactDc(bytes, rgb, 37, 29);
  });

  type Sampling = readonly [number, number];
  const samplings: readonly (readonly [string, Sampling, Sampling, Sampling])[] = [
    ['4:2:2', [2, 1], [1, 1], [1, 1]],
    ['4:4:0', [1, 2], [1, 1], [1, 1]],
    ['4:1:1', [4, 1], [1, 1], [1, 1]],
    ['4x2 (10 blocks per MCU)', [4, 2], [1, 1], [1, 1]],
    ['3x1 (not a power of two)', [3, 1], [1, 1], [1, 1]],
    ['2x2 luma, 2x1 and 1x2 chroma', [2, 2], [2, 1], [1, 2]],
  ];

  it.each(samplings)('reads %s sampling', (_, luma, cb, cr) => {
    const { rgb, bytes } = testJpeg(53, 41, { sampling: [luma, cb, cr] });
    expectExactDc(bytes, rgb, 53, 41);
  });

  it('reads non-interleaved scans (one scan per component), with restart intervals', () => {
    const { rgb, bytes } = testJpeg(53, 41, {
      sampling: [
        [2, 2],
        [1, 1],
        [1, 1],
      ],
      interleaved: false,
      restartInterval: 5,
    });
    expect(scanHeaders(bytes).map((scan) => scan.componentIds)).toEqual([[1], [2], [3]]);
    expectExactDc(bytes, rgb, 53, 41);
  });

  it('reads a grayscale frame whose one component claims 2x2 sampling', () => {
    const { rgb, bytes } = testJpeg(29, 19, { color: 'gray', sampling: [[2, 2]] });
    expectExactDc(bytes, rgb, 29, 19);
  });

  it('spreads a luma block over 2x2 thumbnail pixels when chroma has the larger sampling factor', () => {
    // 16x16 tiles of flat colour, so each 8x8 block mean is its tile's colour.
    const [w, h] = [40, 24];
    const random = seededRandom(7);
    const tiles = Array.from({ length: 9 }, () => [0, 0, 0].map(() => Math.floor(random() * 256)));
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) rgb.set(tiles[(y >> 4) * 3 + (x >> 4)]!, 3 * (y * w + x));
    }
    const bytes = encodeTestJpeg({
      width: w,
      height: h,
      rgb,
      sampling: [
        [1, 1],
        [2, 2],
        [1, 1],
      ],
    });

    const thumbnail = decodeJpegThumbnail(bytes);

    expect(thumbnail).toMatchObject({ width: 5, height: 3 });
    expect(thumbnailError(thumbnail, blockMeans(lumaOfRgb(rgb, w, h), w, h)).maxError).toBeLessThanOrEqual(1);
  });

  it.each([
    ['an Adobe segment with transform 0', { adobeTransform: 0, jfif: false }],
    ['component ids R, G, B', { componentIds: [0x52, 0x47, 0x42], jfif: false }],
  ] as const)('weighs R, G and B for RGB JPEGs marked by %s', (_, marks) => {
    const { rgb, bytes } = testJpeg(37, 29, { color: 'rgb', ...marks });
    expectExactDc(bytes, rgb, 37, 29);
  });

  it('takes the first component as luma when a JFIF segment says the JPEG is YCbCr', () => {
    // An RGB JPEG mislabelled as JFIF: its first component (red) is read as luma.
    const { rgb, bytes } = testJpeg(37, 29, { color: 'rgb', componentIds: [0x52, 0x47, 0x42], jfif: true });
    const red = Float64Array.from({ length: 37 * 29 }, (_, i) => rgb[3 * i]!);
    const error = thumbnailError(decodeJpegThumbnail(bytes), blockMeans(red, 37, 29, 'replicated'));
    expect(error.maxError).toBeLessThanOrEqual(1);
  });

  it('reads 16-bit quantisation tables and scales the DC by Q[0]', () => {
    const step = 260;
    const { rgb, bytes } = testJpeg(37, 29, { quant16: true, quant: step });
    // What the encoder sends: the DC (8 x the level-shifted mean) quantised with the coarse step.
    const expected = replicatedMeans(rgb, 37, 29).map((mean) => {
      const value = (Math.round((8 * (mean - 128)) / step) * step) / 8 + 128;
      return Math.min(255, Math.max(0, Math.round(value)));
    });

    expect([...decodeJpegThumbnail(bytes).pixels]).toEqual([...expected]);
  });

  it.each([
    ['interleaved', true],
    ['one scan per component', false],
  ])('reads progressive DC scans (%s) with restart intervals, refined bit by bit', async (_, interleaved) => {
    const { rgb, bytes } = testJpeg(53, 41, {
      sampling: [
        [2, 2],
        [1, 1],
        [1, 1],
      ],
      interleaved,
      restartInterval: 3,
      progressive: { dcPointTransform: 2 },
    });
    const dcScans = scanHeaders(bytes).filter(
      (scan) => scan.spectralStart === 0 && scan.componentIds.includes(1),
    );
    expect(dcScans.map((scan) => [scan.high, scan.low])).toEqual([
      [0, 2],
      [2, 1],
      [1, 0],
    ]);
    expectExactDc(bytes, rgb, 53, 41);
    // The encoder is right too: libjpeg decodes its (AC-free) blocks to the same means.
    const decoded = await sharpLuma(bytes);
    const error = thumbnailError(decodeJpegThumbnail(bytes), blockMeans(decoded.luma, 53, 41, 'replicated'));
    expect(error.maxError).toBeLessThanOrEqual(1);
  });

  it('falls back on the unrefined DC of a progressive JPEG that ends (EOI) without refining it', () => {
    const { rgb, bytes } = testJpeg(37, 29, { progressive: { dcPointTransform: 3 } });
    const firstRefinement = scanHeaders(bytes).find((scan) => scan.spectralStart === 0 && scan.high !== 0)!;
    const unrefined = Uint8Array.from([...bytes.subarray(0, firstRefinement.at), 0xff, 0xd9]);

    // The DC is known to a multiple of 8 steps of 4, i.e. to 4 levels.
    const error = thumbnailError(decodeJpegThumbnail(unrefined), replicatedMeans(rgb, 37, 29));
    expect(error.maxError).toBeLessThanOrEqual(4.5);
    expect(error.maxError).toBeGreaterThan(1);
    // Without the EOI the rest of the file may still come: the frame is truncated.
    expect(decodeError(() => decodeJpegThumbnail(bytes.subarray(0, firstRefinement.at))).code).toBe(
      'TRUNCATED_IMAGE',
    );
  });

  it('uses the Annex K Huffman tables when a frame has none (Motion-JPEG)', () => {
    const { rgb, bytes } = testJpeg(37, 29, { omitHuffmanTables: true });
    expect(markerIndex(bytes, 0xc4)).toBe(-1);
    expectExactDc(bytes, rgb, 37, 29);
  });

  it('reads extended sequential frames (SOF1)', () => {
    const { rgb, bytes } = testJpeg(37, 29, { sofMarker: 0xc1 });
    expectExactDc(bytes, rgb, 37, 29);
  });
});
