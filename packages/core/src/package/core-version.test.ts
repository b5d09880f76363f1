import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coreVersion } from './core-version.js';
import { isVersion } from './version-range.js';

describe('coreVersion', () => {
  it("equals package.json's version, so the two cannot drift", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(coreVersion).toBe(manifest.version);
    expect(isVersion(coreVersion)).toBe(true);
  });
});
