import { checkErrorPattern } from '@livetools/core/testing';
import { describe, expect, it } from 'vitest';
import * as entry from './index.js';

/** Every error class `@livetools/tools-video` exports: the file that defines it and how to make one. */
const classes: Record<string, { file: string; make: (Class: never) => Error }> = {
  FrameDecodeError: {
    file: './decode/frame-decode-error.js',
    make: (C: typeof entry.FrameDecodeError) => new C('CORRUPT_IMAGE', 'm'),
  },
  VisionAnalysisError: {
    file: './gemini-analyzer-errors.js',
    make: (C: typeof entry.VisionAnalysisError) => new C('TIMEOUT', 'm', { status: 504 }),
  },
};

describe('tools-video errors: a stable code, and isInstance across copies of the package (issue 20)', () => {
  it('lists every exported error class, each recognised across copies and refusing lookalikes, hostile proxies and the others', async () => {
    const problems = await checkErrorPattern({
      entry,
      classes,
      importCopy: (file) => import(/* @vite-ignore */ `${file}?copy=2`),
    });
    expect(problems).toEqual([]);
  });
});
