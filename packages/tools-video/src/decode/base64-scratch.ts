/**
 * Base64 decoding into one buffer reused from call to call (one per thread), for decoders that
 * read the bytes synchronously and keep none of them.
 *
 * @packageDocumentation
 */

/**
 * Made on first use with room for a 640x480 JPEG; grows (doubling) for larger frames and stays
 * grown, up to {@link MAX_KEPT_BYTES}.
 */
let scratch: Buffer | undefined;

/** The largest scratch buffer kept between frames: one huge frame must not pin its memory. */
const MAX_KEPT_BYTES = 8 * 1024 * 1024;

/**
 * The bytes of `base64`, in the thread's scratch buffer: no allocation per frame, so a stream of
 * frames does not churn the allocator. The bytes are valid until the next call on this thread.
 * A frame above 8 MiB gets a buffer of its own, freed with it.
 *
 * @internal
 */
export function scratchBytes(base64: string): Uint8Array {
  const needed = Buffer.byteLength(base64, 'base64');
  if (needed > MAX_KEPT_BYTES) return Buffer.from(base64, 'base64');
  if (scratch === undefined || needed > scratch.length) {
    scratch = Buffer.allocUnsafeSlow(
      Math.min(MAX_KEPT_BYTES, Math.max(needed, (scratch?.length ?? 32 * 1024) * 2)),
    );
  }
  const written = scratch.write(base64, 'base64');
  return scratch.subarray(0, written);
}
