/**
 * The JPEG thumbnail decoder: the marker loop, the scan headers and the thumbnail built from the
 * luma's DC coefficients. Its rooms: `jpeg-headers.ts` reads the frame header and the tables,
 * `jpeg-scan.ts` entropy-decodes a scan, `jpeg-huffman.ts` builds the Huffman lookup tables.
 *
 * @packageDocumentation
 */

import { asFrameDecodeError, FrameDecodeError } from './frame-decode-error.js';
import {
  type Component,
  corrupt,
  type DecoderState,
  type Frame,
  hex,
  readFrame,
  readHuffmanTables,
  readQuantTables,
  readUint16,
  rejectUnsupportedMarker,
  truncated,
} from './jpeg-headers.js';
import { buildHuffmanTable, type HuffmanTable } from './jpeg-huffman.js';
import {
  decodeDcRefinementScan,
  decodeHuffmanScan,
  type ScanBlock,
  type ScanPlan,
  skipScan,
} from './jpeg-scan.js';
import {
  type HuffmanSpec,
  standardChrominanceAc,
  standardChrominanceDc,
  standardLuminanceAc,
  standardLuminanceDc,
} from './jpeg-standard-tables.js';
import { decodedByteLimit, type FrameDecodeOptions } from './limits.js';
import type { LumaThumbnail } from './luma-thumbnail.js';

/** How every JPEG starts: SOI and the 0xFF of the next marker. */
const SOI_PREFIX: readonly number[] = [0xff, 0xd8, 0xff];

let standardTables: readonly HuffmanTable[] | undefined;

/** The Annex K tables, built on first use: DC luma, DC chroma, AC luma, AC chroma. */
function standardTable(isAc: boolean, id: number): HuffmanTable | undefined {
  if (id > 1) return undefined;
  standardTables ??= [
    standardLuminanceDc,
    standardChrominanceDc,
    standardLuminanceAc,
    standardChrominanceAc,
  ].map((spec: HuffmanSpec, i) => buildHuffmanTable(spec.counts, spec.values, i >= 2));
  return standardTables[(isAc ? 2 : 0) + id];
}

/**
 * Decodes a JPEG frame into a {@link LumaThumbnail}, fast: only the DC coefficient of each luma
 * block is reconstructed (the block's mean), AC coefficients and chroma are entropy-decoded just
 * enough to skip them, and nothing is inverse-transformed.
 *
 * Supports baseline and extended sequential Huffman JPEGs (SOF0, SOF1) and progressive ones (SOF2,
 * where only the DC scans are read), 8-bit, grayscale, YCbCr (any sampling factors 1..4) or RGB,
 * with restart intervals. Motion-JPEG frames without Huffman tables use the standard tables of
 * T.81 Annex K. Decoding stops as soon as the luma is complete, so a missing EOI is not an error.
 *
 * The frame header is checked against `options.maxDecodedBytes` (default 64 MiB; a JPEG counts
 * width × height × components) before anything is allocated for the image.
 *
 * @param bytes - The JPEG file.
 * @param options - The decoded-size limit.
 * @returns One pixel per 8x8 block: `clamp(round(DC * Q[0] / 8 + 128))`.
 * @throws {@link FrameDecodeError} `UNSUPPORTED_FORMAT` when the bytes are not a JPEG;
 *   `UNSUPPORTED_JPEG` for CMYK/YCCK, arithmetic coding, lossless, hierarchical or 12-bit JPEGs;
 *   `CORRUPT_IMAGE`, `TRUNCATED_IMAGE`; `IMAGE_TOO_LARGE` over `maxDecodedBytes` or beyond
 *   16384 pixels a side.
 * @throws RangeError when `maxDecodedBytes` is not a whole number from 1 to 2^31-1.
 *
 * @example
 * ```ts
 * import { decodeJpegThumbnail } from '@livetools/tools-video';
 *
 * declare const jpeg: Uint8Array; // a 640x480 camera frame
 * const thumbnail = decodeJpegThumbnail(jpeg);
 * console.log(thumbnail.width, thumbnail.height); // 80 60
 * const topLeftBrightness = thumbnail.pixels[0];
 * ```
 */
export function decodeJpegThumbnail(bytes: Uint8Array, options?: FrameDecodeOptions): LumaThumbnail {
  const limit = decodedByteLimit(options);
  try {
    return decodeJpeg(bytes, limit);
  } catch (error) {
    throw asFrameDecodeError(error, 'JPEG');
  }
}

function decodeJpeg(data: Uint8Array, limit: number): LumaThumbnail {
  const end = data.length;
  if (end < 3 || data[0] !== 0xff || data[1] !== 0xd8) {
    if (end < 3 && data.every((byte, i) => byte === SOI_PREFIX[i])) throw truncated();
    throw new FrameDecodeError(
      'UNSUPPORTED_FORMAT',
      'The frame is not a JPEG: it does not start with FF D8.',
    );
  }
  const state: DecoderState = {
    limit,
    frame: undefined,
    quantDc: [],
    dcTables: [],
    acTables: [],
    restartInterval: 0,
    sawJfif: false,
    adobeTransform: -1,
    weighed: false,
  };
  let pos = 2;
  for (;;) {
    if (pos >= end) throw truncated();
    if (data[pos] !== 0xff) {
      throw corrupt(`expected a marker at byte ${pos}, found 0x${data[pos]!.toString(16).padStart(2, '0')}`);
    }
    while (pos < end && data[pos] === 0xff) pos++;
    if (pos >= end) throw truncated();
    const code = data[pos++]!;
    if (code === 0xd9) return finishAtEoi(state);
    // Markers without a segment: TEM and stray restart markers are ignored.
    if (code === 0x01 || (code >= 0xd0 && code <= 0xd7)) continue;
    if (code === 0x00 || code === 0xd8) throw corrupt(`unexpected marker ${hex(code)} at byte ${pos - 2}`);
    if (pos + 2 > end) throw truncated();
    const segmentEnd = pos + readUint16(data, pos);
    if (segmentEnd < pos + 2) throw corrupt(`segment ${hex(code)} has a length below 2`);
    if (segmentEnd > end) throw truncated();
    const body = pos + 2;
    switch (code) {
      case 0xc0:
      case 0xc1:
      case 0xc2:
        readFrame(state, data, body, segmentEnd, code === 0xc2);
        break;
      case 0xc4:
        readHuffmanTables(state, data, body, segmentEnd);
        break;
      case 0xdb:
        readQuantTables(state, data, body, segmentEnd);
        break;
      case 0xdd:
        if (segmentEnd - body !== 2) throw corrupt('the DRI segment does not have length 4');
        state.restartInterval = readUint16(data, body);
        break;
      case 0xda: {
        pos = readScan(state, data, body, segmentEnd);
        if (lumaComplete(state)) return buildThumbnail(state.frame!);
        continue;
      }
      case 0xe0:
        if (segmentEnd - body >= 5 && String.fromCharCode(...data.subarray(body, body + 5)) === 'JFIF\0') {
          state.sawJfif = true;
        }
        break;
      case 0xee:
        if (segmentEnd - body >= 12 && String.fromCharCode(...data.subarray(body, body + 5)) === 'Adobe') {
          state.adobeTransform = data[body + 11]!;
        }
        break;
      default:
        rejectUnsupportedMarker(code);
      // APPn, COM, JPGn, DNL and reserved segments are skipped.
    }
    pos = segmentEnd;
  }
}

/** Chooses which components make up the thumbnail's luma (T.81 leaves the colour space to JFIF/Adobe). */
function weighComponents(state: DecoderState, frame: Frame): void {
  state.weighed = true;
  const [first, second, third] = frame.components;
  if (second === undefined || third === undefined) {
    first!.weight = 1;
    return;
  }
  const rgb = state.sawJfif
    ? false
    : state.adobeTransform >= 0
      ? state.adobeTransform === 0
      : first!.id === 0x52 && second.id === 0x47 && third.id === 0x42; // 'R', 'G', 'B'
  if (rgb) {
    first!.weight = 0.299;
    second.weight = 0.587;
    third.weight = 0.114;
  } else {
    first!.weight = 1;
  }
}

type ScanKind = 'sequential' | 'dc-first' | 'dc-refine';

/** Reads an SOS header and decodes the scan when the thumbnail needs it; returns the next marker's index. */
function readScan(state: DecoderState, data: Uint8Array, body: number, end: number): number {
  const frame = state.frame;
  if (frame === undefined) throw corrupt('a scan (SOS) comes before the frame header (SOF)');
  if (!state.weighed) weighComponents(state, frame);
  const count = data[body]!;
  if (count < 1 || count > 4 || end - body !== 4 + 2 * count)
    throw corrupt('a scan header (SOS) is malformed');
  const members: { component: Component; dcTable: number; acTable: number }[] = [];
  for (let i = 0; i < count; i++) {
    const p = body + 1 + 2 * i;
    const component = frame.components.find((c) => c.id === data[p]);
    if (component === undefined)
      throw corrupt(`a scan uses component ${data[p]}, which the frame does not have`);
    if (members.some((m) => m.component === component)) throw corrupt('a scan lists a component twice');
    members.push({ component, dcTable: data[p + 1]! >> 4, acTable: data[p + 1]! & 15 });
  }
  const spectralStart = data[end - 3]!;
  const spectralEnd = data[end - 2]!;
  const high = data[end - 1]! >> 4;
  const low = data[end - 1]! & 15;

  let kind: ScanKind;
  let pointTransform = 0;
  if (!frame.progressive) {
    kind = 'sequential';
  } else if (spectralStart !== 0) {
    return skipScan(data, end); // An AC scan: nothing for the thumbnail.
  } else {
    if (spectralEnd !== 0) throw corrupt('a progressive scan mixes DC and AC coefficients');
    if (low > 13) throw corrupt(`a DC scan has successive approximation bit ${low}`);
    kind = high === 0 ? 'dc-first' : 'dc-refine';
    pointTransform = low;
  }
  const needed = (c: Component): boolean =>
    c.weight !== 0 && (kind === 'dc-refine' ? c.lowBit > pointTransform : c.lowBit === -1);
  if (!members.some((m) => needed(m.component))) return skipScan(data, end);

  const interleaved = count > 1;
  if (interleaved && members.reduce((sum, m) => sum + m.component.h * m.component.v, 0) > 10) {
    throw corrupt('an interleaved scan has more than 10 blocks per MCU');
  }
  const blocks: ScanBlock[] = [];
  members.forEach((member, predictor) => {
    const c = member.component;
    let grid: Int32Array | null = null;
    if (needed(c)) {
      if (c.grid === null) {
        const quantDc = state.quantDc[c.quantTable];
        if (quantDc === undefined)
          throw corrupt(`quantisation table ${c.quantTable} is used but never defined`);
        c.quantDc = quantDc;
        c.grid = new Int32Array(c.gridWidth * c.gridHeight);
      }
      grid = c.grid;
    }
    const dcTable = kind === 'dc-refine' ? emptyTable() : resolveTable(state, false, member.dcTable);
    const acTable = kind === 'sequential' ? resolveTable(state, true, member.acTable) : null;
    const blocksPerMcu = interleaved ? c.h * c.v : 1;
    for (let i = 0; i < blocksPerMcu; i++) {
      const h = i % c.h;
      const v = (i - h) / c.h;
      blocks.push({
        dcTable,
        acTable,
        grid,
        predictor,
        rowStep: interleaved ? c.v * c.gridWidth : c.gridWidth,
        columnStep: interleaved ? c.h : 1,
        offset: v * c.gridWidth + h,
      });
    }
  });
  const only = members[0]!.component;
  const plan: ScanPlan = {
    mcuColumns: interleaved ? frame.mcuColumns : only.blocksWide,
    mcuRows: interleaved ? frame.mcuRows : only.blocksHigh,
    blocks,
    restartInterval: state.restartInterval,
    pointTransform,
  };
  const next =
    kind === 'dc-refine' ? decodeDcRefinementScan(data, end, plan) : decodeHuffmanScan(data, end, plan);
  for (const { component } of members) if (needed(component)) component.lowBit = pointTransform;
  return next;
}

let empty: HuffmanTable | undefined;

function emptyTable(): HuffmanTable {
  empty ??= buildHuffmanTable(new Uint8Array(16), new Uint8Array(0), false);
  return empty;
}

function resolveTable(state: DecoderState, isAc: boolean, id: number): HuffmanTable {
  const table = (isAc ? state.acTables : state.dcTables)[id] ?? standardTable(isAc, id);
  if (table === undefined)
    throw corrupt(`a scan uses ${isAc ? 'AC' : 'DC'} Huffman table ${id}, which is not defined`);
  return table;
}

function lumaComplete(state: DecoderState): boolean {
  return state.frame?.components.every((c) => c.weight === 0 || c.lowBit === 0) ?? false;
}

/** At EOI: a progressive JPEG whose DC was never refined to bit 0 still has a usable (coarser) DC. */
function finishAtEoi(state: DecoderState): LumaThumbnail {
  const frame = state.frame;
  if (frame === undefined || !state.weighed || frame.components.some((c) => c.weight !== 0 && c.lowBit < 0)) {
    throw corrupt('it ends (EOI) before the image data of its luma');
  }
  return buildThumbnail(frame);
}

function buildThumbnail(frame: Frame): LumaThumbnail {
  const { width: sourceWidth, height: sourceHeight, maxH, maxV } = frame;
  const width = Math.ceil(sourceWidth / 8);
  const height = Math.ceil(sourceHeight / 8);
  const pixels = new Uint8Array(width * height);
  const used = frame.components.filter((c) => c.weight !== 0);
  const single = used[0]!;
  if (used.length === 1 && single.h === maxH && single.v === maxV) {
    // The usual case: one luma block per thumbnail pixel.
    const grid = single.grid!;
    const scale = single.quantDc / 8;
    for (let y = 0; y < height; y++) {
      const row = y * single.gridWidth;
      const out = y * width;
      for (let x = 0; x < width; x++) {
        const value = grid[row + x]! * scale + 128;
        pixels[out + x] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
      }
    }
  } else {
    // Components sampled below the maximum cover several thumbnail pixels per block.
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let value = 128;
        for (const c of used) {
          const bx = Math.min(Math.floor((x * c.h) / maxH), c.blocksWide - 1);
          const by = Math.min(Math.floor((y * c.v) / maxV), c.blocksHigh - 1);
          value += c.grid![by * c.gridWidth + bx]! * ((c.weight * c.quantDc) / 8);
        }
        pixels[y * width + x] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
      }
    }
  }
  return { width, height, pixels, sourceWidth, sourceHeight };
}
