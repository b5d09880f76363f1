import { DuplicateCallError } from '@livetools/core';
import { checkErrorPattern } from '@livetools/core/testing';
import { describe, expect, it } from 'vitest';
import * as entry from './index.js';

/** Every error class `@livetools/tools-stock` exports: the file that defines it and how to make one. */
const classes: Record<string, { file: string; make: (Class: never) => Error }> = {
  QuoteSourceError: {
    file: './quote-source-error.js',
    make: (C: typeof entry.QuoteSourceError) => new C('UNKNOWN_SYMBOL', 'm', { source: 's', symbol: 'X' }),
  },
  DuplicateWatchError: {
    file: './stock-tools-watches.js',
    make: (C: typeof entry.DuplicateWatchError) => new C('AAPL', 'function-call-1'),
  },
};

describe('tools-stock errors: a stable code, and isInstance across copies of the package (issue 20)', () => {
  it('lists every exported error class, each recognised across copies and refusing lookalikes, hostile proxies and the others', async () => {
    const problems = await checkErrorPattern({
      entry,
      classes,
      importCopy: (file) => import(/* @vite-ignore */ `${file}?copy=2`),
      others: [new DuplicateCallError('monitor_stock_price', ['function-call-1'])], // core's, not a watch
    });
    expect(problems).toEqual([]);
  });
});
