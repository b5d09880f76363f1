import { FrameDecodeError } from '../frame-decode-error.js';

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
