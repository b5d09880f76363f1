import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/cli-process.js';
import { importEntry } from './load-package.js';

describe('importEntry', () => {
  it('fails with IMPORT_FAILED when the entry never finishes loading (a top-level await that never settles)', async () => {
    await using tmp = tempDir();
    mkdirSync(join(tmp.path, 'dist'));
    const js = join(tmp.path, 'dist/index.js');
    writeFileSync(js, 'await new Promise(() => {});\nexport const x = 1;\n');
    await expect(importEntry(tmp.path, { js, types: undefined }, 200)).rejects.toMatchObject({
      code: 'IMPORT_FAILED',
      message: `Importing ${js} did not finish within 0.2 s: a top-level await in the package (or a module it imports) never settles.`,
    });
  });
});
