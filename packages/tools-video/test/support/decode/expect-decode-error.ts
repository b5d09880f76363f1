import { expect } from 'vitest';
import { FrameDecodeError, type FrameDecodeErrorCode } from '../../../src/decode/frame-decode-error.js';
import type { LumaThumbnail } from '../../../src/decode/luma-thumbnail.js';

/** Runs `decode` and returns the {@link FrameDecodeError} it throws; fails on success or any other error. */
export function decodeError(decode: () => unknown): FrameDecodeError {
  try {
    decode();
  } catch (error) {
    if (FrameDecodeError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('Expected a FrameDecodeError, but decoding succeeded.');
}

/** What one decode did: returned a thumbnail, or threw (anything at all). */
export type DecodeOutcome =
  | { readonly kind: 'decoded'; readonly thumbnail: LumaThumbnail }
  | { readonly kind: 'threw'; readonly error: unknown };

/**
 * Runs `decode` and captures what it returned or threw, so the caller classifies and checks the
 * outcome outside any `catch`: none of the caller's assertions can be caught here.
 */
export function decodeOutcome(decode: () => LumaThumbnail): DecodeOutcome {
  let thumbnail: LumaThumbnail;
  try {
    thumbnail = decode();
  } catch (error) {
    return { kind: 'threw', error };
  }
  return { kind: 'decoded', thumbnail };
}

/** The widest or tallest frame the decoders accept, and the most pixels the default limit lets through. */
const MAX_SIDE = 16384;
const MAX_PIXELS = 64 * 1024 * 1024;

/**
 * What is wrong with a thumbnail the decoder returned, as sentences (empty when it is sane): the
 * source size must be whole, positive and within the decoders' limits, and the thumbnail must
 * hold one byte per 8x8 block of it, edge blocks included.
 */
export function thumbnailProblems(thumbnail: LumaThumbnail): string[] {
  const { sourceWidth, sourceHeight, width, height, pixels } = thumbnail;
  const problems: string[] = [];
  for (const [name, side] of [
    ['sourceWidth', sourceWidth],
    ['sourceHeight', sourceHeight],
  ] as const) {
    if (!Number.isInteger(side) || side < 1 || side > MAX_SIDE) problems.push(`${name} is ${side}`);
  }
  if (sourceWidth * sourceHeight > MAX_PIXELS) problems.push(`${sourceWidth}x${sourceHeight} is too large`);
  if (width !== Math.ceil(sourceWidth / 8) || height !== Math.ceil(sourceHeight / 8)) {
    problems.push(`a ${sourceWidth}x${sourceHeight} frame has a ${width}x${height} thumbnail`);
  }
  if (!(pixels instanceof Uint8Array)) problems.push('pixels are not a Uint8Array');
  else if (pixels.length !== width * height) {
    problems.push(`a ${width}x${height} thumbnail has ${pixels.length} pixels`);
  }
  return problems;
}

/** A thrown value read into plain data, to check in one `toEqual`. */
export interface ThrownDescription {
  /** Whether it is a {@link FrameDecodeError}. */
  readonly frameDecodeError: boolean;
  /** Its code, when it is one. */
  readonly code: FrameDecodeErrorCode | undefined;
  /** Its cause: only set when the decoder's safety net wrapped a raw exception, i.e. a check is missing. */
  readonly cause: unknown;
  /** What was thrown, when it is not a FrameDecodeError, so a failure shows it. */
  readonly other: string | undefined;
}

/** Reads what a decoder threw. */
export function describeThrown(error: unknown): ThrownDescription {
  if (FrameDecodeError.isInstance(error)) {
    return { frameDecodeError: true, code: error.code, cause: error.cause, other: undefined };
  }
  return {
    frameDecodeError: false,
    code: undefined,
    cause: undefined,
    other: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  };
}

/** Every {@link FrameDecodeErrorCode}: a code added to the type and not here fails type-checking. */
const codes: Record<FrameDecodeErrorCode, true> = {
  UNSUPPORTED_FORMAT: true,
  UNSUPPORTED_JPEG: true,
  CORRUPT_IMAGE: true,
  TRUNCATED_IMAGE: true,
  IMAGE_TOO_LARGE: true,
  INVALID_BASE64: true,
};

/** Every {@link FrameDecodeErrorCode}. */
export const frameDecodeErrorCodes = Object.keys(codes) as FrameDecodeErrorCode[];

/**
 * How a rejected fuzzed input must read through {@link describeThrown}: a {@link FrameDecodeError}
 * with a known code, raised by a check (no cause).
 */
export const checkedRejection: ThrownDescription = {
  frameDecodeError: true,
  code: expect.toBeOneOf(frameDecodeErrorCodes),
  cause: undefined,
  other: undefined,
};
