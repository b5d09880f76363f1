/**
 * A small, slow baseline JPEG encoder for tests: it writes the variants cameras and browsers
 * rarely produce (restart intervals, non-interleaved scans, odd sampling factors, RGB, 16-bit
 * quantisation tables, fill bytes, frames without Huffman tables) so the decoder can be checked
 * against them. Quantisation tables are flat and Huffman tables are those of T.81 Annex K.
 */

import {
  type HuffmanSpec,
  standardChrominanceAc,
  standardChrominanceDc,
  standardLuminanceAc,
  standardLuminanceDc,
} from '../../../src/decode/jpeg-standard-tables.js';

/** What {@link encodeTestJpeg} writes. */
export interface TestJpegOptions {
  readonly width: number;
  readonly height: number;
  /** Packed RGB source. */
  readonly rgb: Uint8Array;
  /** Components: Y (`gray`), Y Cb Cr (default), R G B, or C M Y K (4 components). */
  readonly color?: 'ycbcr' | 'gray' | 'rgb' | 'cmyk';
  /** `[h, v]` sampling factors of each component (default 1x1 each). */
  readonly sampling?: readonly (readonly [number, number])[];
  /** Every step of the (flat) quantisation tables; default 4. */
  readonly quant?: number;
  /** Write the quantisation tables with 16-bit entries. */
  readonly quant16?: boolean;
  /** MCUs per restart interval; 0 (default) writes no DRI. */
  readonly restartInterval?: number;
  /** One scan for all components (default) or one scan per component. */
  readonly interleaved?: boolean;
  /** The SOFn marker's second byte (default 0xC0, or 0xC2 when `progressive`). */
  readonly sofMarker?: number;
  /** Sample precision written in the SOF (default 8; the data is 8-bit regardless). */
  readonly precision?: number;
  /** Write an Adobe APP14 segment with this transform flag. */
  readonly adobeTransform?: number;
  /** Write a JFIF APP0 segment (default true). */
  readonly jfif?: boolean;
  /** Component ids (default 1, 2, 3, 4). */
  readonly componentIds?: readonly number[];
  /** Leave the DHT segment out, as Motion-JPEG frames do. */
  readonly omitHuffmanTables?: boolean;
  /** Extra 0xFF fill bytes written before every marker after SOI. */
  readonly fillBytes?: number;
  /**
   * Write a progressive JPEG: a DC scan without the DC's
   * `dcPointTransform` low bits, an AC scan per component (all coefficients zero), then one DC
   * refinement scan per low bit.
   */
  readonly progressive?: { readonly dcPointTransform: number };
}

/** Natural (row-major) index of each zigzag position. */
const ZIGZAG: readonly number[] = (() => {
  const order: number[] = [];
  for (let s = 0; s < 15; s++) {
    const rows: number[] = [];
    for (let row = Math.max(0, s - 7); row <= Math.min(s, 7); row++) rows.push(row);
    if (s % 2 === 0) rows.reverse();
    for (const row of rows) order.push(row * 8 + (s - row));
  }
  return order;
})();

const COSINES: readonly number[] = Array.from({ length: 64 }, (_, i) => {
  const x = i >> 3;
  const u = i & 7;
  return Math.cos(((2 * x + 1) * u * Math.PI) / 16) * (u === 0 ? Math.SQRT1_2 : 1);
});

/** Forward DCT of one 8x8 block (values already level-shifted), T.81 A.3.3. */
function forwardDct(block: Float64Array, out: Float64Array): void {
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) sum += block[y * 8 + x]! * COSINES[x * 8 + u]! * COSINES[y * 8 + v]!;
      }
      out[v * 8 + u] = sum / 4;
    }
  }
}

class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private count = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.count === 8) {
        this.bytes.push(this.acc);
        if (this.acc === 0xff) this.bytes.push(0);
        this.acc = 0;
        this.count = 0;
      }
    }
  }

  /** Pads the last byte with 1 bits (F.1.2.3). */
  flush(): void {
    if (this.count > 0) this.write((1 << (8 - this.count)) - 1, 8 - this.count);
  }
}

interface Codes {
  readonly code: Int32Array;
  readonly length: Int32Array;
}

function huffmanCodes(spec: HuffmanSpec): Codes {
  const code = new Int32Array(256);
  const length = new Int32Array(256);
  let next = 0;
  let k = 0;
  for (let bits = 1; bits <= 16; bits++) {
    for (let i = 0; i < spec.counts[bits - 1]!; i++) {
      const symbol = spec.values[k++]!;
      code[symbol] = next++;
      length[symbol] = bits;
    }
    next <<= 1;
  }
  return { code, length };
}

function magnitude(value: number): [size: number, bits: number] {
  let size = 0;
  while (Math.abs(value) >= 1 << size) size++;
  return [size, value >= 0 ? value : value + (1 << size) - 1];
}

function segment(marker: number, body: readonly number[], fill: number): number[] {
  const length = body.length + 2;
  return [...new Array<number>(fill).fill(0xff), 0xff, marker, length >> 8, length & 0xff, ...body];
}

function append(out: number[], items: readonly number[]): void {
  for (const item of items) out.push(item);
}

interface Plane {
  readonly data: Float64Array;
  readonly width: number;
  readonly height: number;
}

function colourPlanes(options: TestJpegOptions): Float64Array[] {
  const { rgb, width, height } = options;
  const n = width * height;
  const color = options.color ?? 'ycbcr';
  const count = color === 'gray' ? 1 : color === 'cmyk' ? 4 : 3;
  const planes = Array.from({ length: count }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i]!;
    const g = rgb[3 * i + 1]!;
    const b = rgb[3 * i + 2]!;
    const values =
      color === 'rgb'
        ? [r, g, b]
        : color === 'cmyk'
          ? [255 - r, 255 - g, 255 - b, 0]
          : [
              0.299 * r + 0.587 * g + 0.114 * b,
              -0.168736 * r - 0.331264 * g + 0.5 * b + 128,
              0.5 * r - 0.418688 * g - 0.081312 * b + 128,
            ];
    for (let c = 0; c < count; c++) planes[c]![i] = values[c]!;
  }
  return planes;
}

/** Resamples a full-size plane to a component's size by box averaging (A.1.1). */
function subsample(
  source: Float64Array,
  options: TestJpegOptions,
  h: number,
  v: number,
  maxH: number,
  maxV: number,
) {
  const { width, height } = options;
  const cw = Math.ceil((width * h) / maxH);
  const ch = Math.ceil((height * v) / maxV);
  const data = new Float64Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    const y0 = Math.floor((y * maxV) / v);
    const y1 = Math.min(height, Math.max(y0 + 1, Math.floor(((y + 1) * maxV) / v)));
    for (let x = 0; x < cw; x++) {
      const x0 = Math.floor((x * maxH) / h);
      const x1 = Math.min(width, Math.max(x0 + 1, Math.floor(((x + 1) * maxH) / h)));
      let sum = 0;
      for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += source[sy * width + sx]!;
      data[y * cw + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return { data, width: cw, height: ch };
}

/** Encodes `options.rgb` as a JPEG. */
export function encodeTestJpeg(options: TestJpegOptions): Uint8Array {
  const { width, height } = options;
  const fill = options.fillBytes ?? 0;
  const quant = options.quant ?? 4;
  const restartInterval = options.restartInterval ?? 0;
  const sources = colourPlanes(options);
  const count = sources.length;
  const sampling = options.sampling ?? sources.map(() => [1, 1] as const);
  const ids = options.componentIds ?? [1, 2, 3, 4];
  const maxH = Math.max(...sampling.map((s) => s[0]));
  const maxV = Math.max(...sampling.map((s) => s[1]));
  const mcuColumns = Math.ceil(width / (8 * maxH));
  const mcuRows = Math.ceil(height / (8 * maxV));
  const planes: Plane[] = sources.map((source, c) =>
    subsample(source, options, sampling[c]![0], sampling[c]![1], maxH, maxV),
  );

  const out: number[] = [0xff, 0xd8];
  if (options.jfif ?? true) {
    out.push(...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0], fill));
  }
  if (options.adobeTransform !== undefined) {
    out.push(
      ...segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, options.adobeTransform], fill),
    );
  }
  const dqt: number[] = [];
  for (let table = 0; table < 2; table++) {
    dqt.push(((options.quant16 ? 1 : 0) << 4) | table);
    for (let i = 0; i < 64; i++) {
      if (options.quant16) dqt.push(quant >> 8, quant & 0xff);
      else dqt.push(quant);
    }
  }
  out.push(...segment(0xdb, dqt, fill));
  const sof = [options.precision ?? 8, height >> 8, height & 0xff, width >> 8, width & 0xff, count];
  for (let c = 0; c < count; c++)
    sof.push(ids[c]!, (sampling[c]![0] << 4) | sampling[c]![1], c === 0 ? 0 : 1);
  out.push(...segment(options.sofMarker ?? (options.progressive ? 0xc2 : 0xc0), sof, fill));
  const specs = [standardLuminanceDc, standardChrominanceDc, standardLuminanceAc, standardChrominanceAc];
  if (!options.omitHuffmanTables) {
    const dht: number[] = [];
    specs.forEach((spec, i) => {
      dht.push(((i >> 1) << 4) | (i & 1), ...spec.counts, ...spec.values);
    });
    out.push(...segment(0xc4, dht, fill));
  }
  if (restartInterval !== 0) out.push(...segment(0xdd, [restartInterval >> 8, restartInterval & 0xff], fill));

  const codes = specs.map(huffmanCodes);
  const components = sources.map((_, c) => c);
  const groups = (options.interleaved ?? true) ? [components] : components.map((c) => [c]);

  // Quantised coefficients (zigzag order) of each block, by component and block position.
  const cache = new Map<string, number[]>();
  const block = new Float64Array(64);
  const coefficients = new Float64Array(64);
  const quantisedBlock = (c: number, bx: number, by: number): number[] => {
    const key = `${c}:${bx}:${by}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const plane = planes[c]!;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const sx = Math.min(bx * 8 + x, plane.width - 1);
        const sy = Math.min(by * 8 + y, plane.height - 1);
        block[y * 8 + x] = plane.data[sy * plane.width + sx]! - 128;
      }
    }
    forwardDct(block, coefficients);
    const quantised = ZIGZAG.map((natural) => Math.round(coefficients[natural]! / quant));
    cache.set(key, quantised);
    return quantised;
  };

  /** Writes one scan; `encode` writes one block and may use the scan's DC predictors. */
  const writeScan = (
    scan: readonly number[],
    selection: readonly [start: number, end: number, high: number, low: number],
    encode: (writer: BitWriter, c: number, quantised: number[], predictors: number[]) => void,
  ): void => {
    const [start, end, high, low] = selection;
    const sos = [scan.length];
    for (const c of scan) sos.push(ids[c]!, c === 0 ? 0x00 : 0x11);
    sos.push(start, end, (high << 4) | low);
    out.push(...segment(0xda, sos, fill));
    const interleaved = scan.length > 1;
    const first = planes[scan[0]!]!;
    const columns = interleaved ? mcuColumns : Math.ceil(first.width / 8);
    const rows = interleaved ? mcuRows : Math.ceil(first.height / 8);
    const predictors = [0, 0, 0, 0];
    let writer = new BitWriter();
    let restarts = 0;
    for (let mcu = 0; mcu < columns * rows; mcu++) {
      if (restartInterval !== 0 && mcu !== 0 && mcu % restartInterval === 0) {
        writer.flush();
        append(out, writer.bytes);
        out.push(...new Array<number>(fill).fill(0xff), 0xff, 0xd0 + (restarts++ % 8));
        writer = new BitWriter();
        predictors.fill(0);
      }
      const mx = mcu % columns;
      const my = Math.floor(mcu / columns);
      for (const c of scan) {
        const [h, v] = interleaved ? sampling[c]! : [1, 1];
        for (let by = 0; by < v; by++) {
          for (let bx = 0; bx < h; bx++)
            encode(writer, c, quantisedBlock(c, mx * h + bx, my * v + by), predictors);
        }
      }
    }
    writer.flush();
    append(out, writer.bytes);
  };

  const writeDc = (writer: BitWriter, c: number, dc: number, predictors: number[]): void => {
    const table = codes[c === 0 ? 0 : 1]!;
    const [size, bits] = magnitude(dc - predictors[c]!);
    predictors[c] = dc;
    writer.write(table.code[size]!, table.length[size]!);
    writer.write(bits, size);
  };

  const progressive = options.progressive;
  if (progressive === undefined) {
    for (const scan of groups) {
      writeScan(scan, [0, 63, 0, 0], (writer, c, quantised, predictors) => {
        writeDc(writer, c, quantised[0]!, predictors);
        const ac = codes[c === 0 ? 2 : 3]!;
        let run = 0;
        for (let k = 1; k < 64; k++) {
          const value = quantised[k]!;
          if (value === 0) {
            run++;
            continue;
          }
          for (; run > 15; run -= 16) writer.write(ac.code[0xf0]!, ac.length[0xf0]!);
          const [size, bits] = magnitude(value);
          const symbol = (run << 4) | size;
          writer.write(ac.code[symbol]!, ac.length[symbol]!);
          writer.write(bits, size);
          run = 0;
        }
        if (run > 0) writer.write(ac.code[0]!, ac.length[0]!);
      });
    }
  } else {
    // DC without its low bits, then (empty) AC bands, then one refinement scan per DC bit.
    const low = progressive.dcPointTransform;
    for (const scan of groups) {
      writeScan(scan, [0, 0, 0, low], (writer, c, quantised, predictors) =>
        writeDc(writer, c, quantised[0]! >> low, predictors),
      );
    }
    for (const c of components) {
      writeScan([c], [1, 63, 0, 0], (writer, component) => {
        const ac = codes[component === 0 ? 2 : 3]!;
        writer.write(ac.code[0]!, ac.length[0]!); // EOB: every AC coefficient is zero
      });
    }
    for (let bit = low - 1; bit >= 0; bit--) {
      for (const scan of groups) {
        writeScan(scan, [0, 0, bit + 1, bit], (writer, _, quantised) =>
          writer.write((quantised[0]! >> bit) & 1, 1),
        );
      }
    }
  }
  out.push(...new Array<number>(fill).fill(0xff), 0xff, 0xd9);
  return Uint8Array.from(out);
}
