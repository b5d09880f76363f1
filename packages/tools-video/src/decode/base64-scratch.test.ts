import { describe, expect, it } from 'vitest';
import { sceneFrame } from '../../test/support/frames.js';
import { scratchBytes } from './base64-scratch.js';
import { decodeLumaThumbnail } from './decode-luma-thumbnail.js';

describe('scratchBytes', () => {
  it('decodes base64 exactly as Buffer.from does, growing for a frame larger than the buffer', () => {
    for (const size of [0, 1, 2, 3, 1000, 64 * 1024, 200_000]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 131 + 7) & 255;
      const base64 = bytes.toString('base64');
      expect(Buffer.from(scratchBytes(base64)).equals(bytes)).toBe(true);
    }
  });

  it('does not keep a buffer grown for one huge frame: frames above 8 MiB get a buffer of their own', () => {
    const huge = Buffer.alloc(20 * 1024 * 1024, 7);
    const bytes = scratchBytes(huge.toString('base64'));
    expect(Buffer.from(bytes).equals(huge)).toBe(true);
    const small = scratchBytes(Buffer.from([1, 2, 3]).toString('base64'));
    expect([...small]).toEqual([1, 2, 3]);
    expect(small.buffer.byteLength).toBeLessThanOrEqual(8 * 1024 * 1024);
  });

  it('leaves nothing of one frame in the thumbnail of the next: thumbnails never share the scratch bytes', async () => {
    const a = await sceneFrame({ width: 320, height: 240, backdrop: 'room' }, 0);
    const b = await sceneFrame({ width: 320, height: 240, backdrop: [20, 20, 20] }, 1000, { format: 'png' });
    const first = decodeLumaThumbnail(scratchBytes(a.data), a.mimeType);
    const kept = Uint8Array.from(first.pixels);
    const second = decodeLumaThumbnail(scratchBytes(b.data), b.mimeType);
    expect(first.pixels).toEqual(kept);
    expect(second.pixels).not.toEqual(kept);
    expect(decodeLumaThumbnail(Buffer.from(a.data, 'base64'), a.mimeType).pixels).toEqual(kept);
  });
});
