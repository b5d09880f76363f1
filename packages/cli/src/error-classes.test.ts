import { checkErrorPattern } from '@livetools/core/testing';
import { describe, expect, it } from 'vitest';
import * as entry from './index.js';

/** Every error class `@livetools/cli` exports: the file that defines it and how to make one. */
const classes: Record<string, { file: string; make: (Class: never) => Error }> = {
  CliError: { file: './cli-error.js', make: (C: typeof entry.CliError) => new C('ENTRY_NOT_FOUND', 'm') },
};

describe('cli errors: a stable code, and isInstance across copies of the package (issue 20)', () => {
  it('lists every exported error class, each recognised across copies and refusing lookalikes, hostile proxies and the others', async () => {
    const problems = await checkErrorPattern({
      entry,
      classes,
      importCopy: (file) => import(/* @vite-ignore */ `${file}?copy=2`),
    });
    expect(problems).toEqual([]);
  });
});
