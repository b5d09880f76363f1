/**
 * Entropy decoding of JPEG scans (ITU T.81 F.2 and G.1.2), reduced to what a DC thumbnail needs:
 * DC coefficients are decoded, AC coefficients are only skipped.
 *
 * The bit reader lives in local variables of each scan function: a left-aligned 32-bit buffer
 * refilled a byte at a time. Byte stuffing (0xFF00) is undone while refilling; at a marker (or the
 * end of the data) zero bytes are fed instead and counted, so that reading past the end of a
 * scan's data is detected afterwards instead of producing garbage silently.
 *
 * @packageDocumentation
 * @internal
 */

import { FrameDecodeError } from './frame-decode-error.js';
import { decodeSlow, FAST_BITS, type HuffmanTable } from './jpeg-huffman.js';

/** How one block of an MCU is decoded and where its DC goes. @internal */
export interface ScanBlock {
  /** The DC table (unused by refinement scans). */
  readonly dcTable: HuffmanTable;
  /** The AC table; `null` when the scan has no AC coefficients (progressive DC scans). */
  readonly acTable: HuffmanTable | null;
  /** The component's DC grid; `null` when the thumbnail does not use the component. */
  readonly grid: Int32Array | null;
  /** Index of the component within the scan, which selects its DC predictor. */
  readonly predictor: number;
  /** Grid index of this block = `mcuRow * rowStep + mcuColumn * columnStep + offset`. */
  readonly rowStep: number;
  readonly columnStep: number;
  readonly offset: number;
}

/** Everything a scan function needs. @internal */
export interface ScanPlan {
  readonly mcuColumns: number;
  readonly mcuRows: number;
  readonly blocks: readonly ScanBlock[];
  /** MCUs per restart interval; 0 when there are no restart markers. */
  readonly restartInterval: number;
  /** Successive approximation: the bit position of the DC bits this scan carries (`Al`). */
  readonly pointTransform: number;
}

/**
 * Index of the 0xFF that starts the next marker at or after `pos` (after any fill bytes), skipping
 * stuffed 0xFF00 pairs; `data.length` when there is none.
 *
 * @internal
 */
function findMarker(data: Uint8Array, pos: number): number {
  const end = data.length;
  for (;;) {
    const i = data.indexOf(0xff, pos);
    if (i < 0) return end;
    let j = i + 1;
    while (j < end && data[j] === 0xff) j++;
    if (j >= end) return end;
    if (data[j] !== 0) return j - 1;
    pos = j + 1;
  }
}

/**
 * Like {@link findMarker} but also steps over RSTn markers: the end of a scan whose data is not
 * decoded (progressive AC scans).
 *
 * @internal
 */
export function skipScan(data: Uint8Array, pos: number): number {
  for (;;) {
    const at = findMarker(data, pos);
    if (at >= data.length) return at;
    const code = data[at + 1]!;
    if (code < 0xd0 || code > 0xd7) return at;
    pos = at + 2;
  }
}

function readRestartMarker(data: Uint8Array, pos: number): number {
  const at = findMarker(data, pos);
  if (at + 1 >= data.length) {
    throw new FrameDecodeError('TRUNCATED_IMAGE', 'The JPEG ends in the middle of a scan.');
  }
  const code = data[at + 1]!;
  if (code < 0xd0 || code > 0xd7) {
    throw new FrameDecodeError(
      'CORRUPT_IMAGE',
      `The JPEG has marker 0xFF${code.toString(16).toUpperCase()} where a restart marker was due.`,
    );
  }
  return at + 2;
}

/** The error for entropy-coded data that ran out before the last block. */
function overrun(data: Uint8Array, pos: number): FrameDecodeError {
  if (pos + 1 >= data.length) {
    return new FrameDecodeError('TRUNCATED_IMAGE', 'The JPEG ends in the middle of a scan.');
  }
  return new FrameDecodeError(
    'CORRUPT_IMAGE',
    `The JPEG's entropy-coded data ends early, at the marker at byte ${pos}.`,
  );
}

function invalidCode(data: Uint8Array, pos: number, overran: boolean): FrameDecodeError {
  if (overran) return overrun(data, pos);
  return new FrameDecodeError('CORRUPT_IMAGE', `The JPEG has an invalid Huffman code before byte ${pos}.`);
}

/**
 * Decodes a sequential scan (every block's DC, AC skipped) or a progressive first DC scan
 * (`acTable` null), storing `DC << pointTransform` in the grids of the components kept.
 *
 * @returns The index of the marker that follows the scan.
 * @internal
 */
export function decodeHuffmanScan(data: Uint8Array, start: number, plan: ScanPlan): number {
  const end = data.length;
  const { blocks, mcuColumns, mcuRows, restartInterval, pointTransform } = plan;
  const blockCount = blocks.length;
  const predictors = new Int32Array(4);
  let pos = start;
  let buf = 0;
  let bits = 0;
  let fake = 0;
  let toRestart = restartInterval;
  for (let my = 0; my < mcuRows; my++) {
    for (let mx = 0; mx < mcuColumns; mx++) {
      if (restartInterval !== 0) {
        if (toRestart === 0) {
          if (fake * 8 > bits) throw overrun(data, pos);
          pos = readRestartMarker(data, pos);
          buf = 0;
          bits = 0;
          fake = 0;
          predictors.fill(0);
          toRestart = restartInterval;
        }
        toRestart--;
      }
      for (let b = 0; b < blockCount; b++) {
        const block = blocks[b]!;
        const grid = block.grid;
        // DC: a Huffman-coded magnitude category, then that many bits of difference (F.2.2.1).
        while (bits <= 24) {
          if (pos < end && data[pos] !== 0xff) buf |= data[pos++]! << (24 - bits);
          else if (pos + 1 < end && data[pos + 1] === 0) {
            buf |= 0xff << (24 - bits);
            pos += 2;
          } else fake++;
          bits += 8;
        }
        let entry = block.dcTable.fast[buf >>> (32 - FAST_BITS)]!;
        if (entry === 0) {
          entry = decodeSlow(block.dcTable, buf);
          if (entry === 0) throw invalidCode(data, pos, fake * 8 > bits);
        }
        const length = entry & 31;
        const size = entry >> 5;
        buf <<= length;
        bits -= length;
        if (size !== 0) {
          while (bits <= 24) {
            if (pos < end && data[pos] !== 0xff) buf |= data[pos++]! << (24 - bits);
            else if (pos + 1 < end && data[pos + 1] === 0) {
              buf |= 0xff << (24 - bits);
              pos += 2;
            } else fake++;
            bits += 8;
          }
          if (grid !== null) {
            let diff = buf >>> (32 - size);
            if (diff < 1 << (size - 1)) diff -= (1 << size) - 1;
            predictors[block.predictor] = predictors[block.predictor]! + diff;
          }
          buf <<= size;
          bits -= size;
        }
        if (grid !== null) {
          grid[my * block.rowStep + mx * block.columnStep + block.offset] =
            predictors[block.predictor]! << pointTransform;
        }
        // AC: skipped one run/size step per lookup (F.2.2.2), never dequantised.
        const acTable = block.acTable;
        if (acTable === null) continue;
        const acFast = acTable.fast;
        let k = 1;
        while (k < 64) {
          while (bits <= 24) {
            if (pos < end && data[pos] !== 0xff) buf |= data[pos++]! << (24 - bits);
            else if (pos + 1 < end && data[pos + 1] === 0) {
              buf |= 0xff << (24 - bits);
              pos += 2;
            } else fake++;
            bits += 8;
          }
          const step = acFast[buf >>> (32 - FAST_BITS)]!;
          if (step !== 0) {
            const total = step & 31;
            buf <<= total;
            bits -= total;
            const advance = step >> 5;
            if (advance === 0) break;
            k += advance;
            continue;
          }
          const slow = decodeSlow(acTable, buf);
          if (slow === 0) throw invalidCode(data, pos, fake * 8 > bits);
          const codeLength = slow & 31;
          buf <<= codeLength;
          bits -= codeLength;
          const symbol = slow >> 5;
          const acSize = symbol & 15;
          if (acSize !== 0) {
            while (bits <= 24) {
              if (pos < end && data[pos] !== 0xff) buf |= data[pos++]! << (24 - bits);
              else if (pos + 1 < end && data[pos + 1] === 0) {
                buf |= 0xff << (24 - bits);
                pos += 2;
              } else fake++;
              bits += 8;
            }
            buf <<= acSize;
            bits -= acSize;
            k += (symbol >> 4) + 1;
          } else if (symbol === 0xf0) k += 16;
          else break;
        }
        if (k > 64) {
          if (fake * 8 > bits) throw overrun(data, pos);
          throw new FrameDecodeError(
            'CORRUPT_IMAGE',
            `The JPEG has a block with over 64 coefficients before byte ${pos}.`,
          );
        }
      }
    }
    // Stop early (instead of decoding zeros to the end) when the data ran out in this row.
    if (fake * 8 > bits) throw overrun(data, pos);
  }
  return findMarker(data, pos);
}

/**
 * Decodes a progressive DC refinement scan (G.1.2.1): one raw bit per block, OR-ed into the DC at
 * bit `pointTransform`.
 *
 * @returns The index of the marker that follows the scan.
 * @internal
 */
export function decodeDcRefinementScan(data: Uint8Array, start: number, plan: ScanPlan): number {
  const end = data.length;
  const { blocks, mcuColumns, mcuRows, restartInterval, pointTransform } = plan;
  const blockCount = blocks.length;
  const bit = 1 << pointTransform;
  let pos = start;
  let buf = 0;
  let bits = 0;
  let fake = 0;
  let toRestart = restartInterval;
  for (let my = 0; my < mcuRows; my++) {
    for (let mx = 0; mx < mcuColumns; mx++) {
      if (restartInterval !== 0) {
        if (toRestart === 0) {
          if (fake * 8 > bits) throw overrun(data, pos);
          pos = readRestartMarker(data, pos);
          buf = 0;
          bits = 0;
          fake = 0;
          toRestart = restartInterval;
        }
        toRestart--;
      }
      for (let b = 0; b < blockCount; b++) {
        const block = blocks[b]!;
        while (bits <= 24) {
          if (pos < end && data[pos] !== 0xff) buf |= data[pos++]! << (24 - bits);
          else if (pos + 1 < end && data[pos + 1] === 0) {
            buf |= 0xff << (24 - bits);
            pos += 2;
          } else fake++;
          bits += 8;
        }
        const set = buf < 0;
        buf <<= 1;
        bits -= 1;
        const grid = block.grid;
        if (set && grid !== null) {
          const index = my * block.rowStep + mx * block.columnStep + block.offset;
          grid[index] = grid[index]! | bit;
        }
      }
    }
    if (fake * 8 > bits) throw overrun(data, pos);
  }
  return findMarker(data, pos);
}
