import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/cli-process.js';
import { contentsResults, type PackInfo, parsePackJson, TEST_FILE } from './pack-contents.js';

const info = (paths: string[]): PackInfo => ({
  filename: 'x-0.1.0.tgz',
  files: paths.map((path) => ({ path, size: 1 })),
  size: 1,
  entryCount: paths.length,
});

describe('the tarball contents check', () => {
  it('flags tests, type tests and test helpers, and nothing else', () => {
    const flagged = [
      'dist/index.test.js',
      'dist/index.test.d.ts',
      'dist/types.test-d.js',
      'src/a.spec.ts',
      'dist/test-support/fake.js',
      'src/__tests__/x.ts',
      'dist/index.test.js.map',
    ];
    const kept = ['dist/index.js', 'dist/testing.js', 'dist/latest.js', 'src/contest.ts', 'README.md'];
    expect(flagged.filter((f) => !TEST_FILE.test(f))).toEqual([]);
    expect(kept.filter((f) => TEST_FILE.test(f))).toEqual([]);
  });

  it('fails a tarball with tests and source maps whose sources it does not ship, naming them', async () => {
    await using tmp = tempDir();
    mkdirSync(join(tmp.path, 'dist'));
    writeFileSync(join(tmp.path, 'dist/index.js.map'), JSON.stringify({ sources: ['../src/index.ts'] }));
    const results = contentsResults(
      tmp.path,
      info(['package.json', 'dist/index.js', 'dist/index.js.map', 'dist/index.test.js']),
    );
    expect(results.filter((r) => r.status === 'fail').map((r) => r.message)).toEqual([
      'the tarball ships 1 test file: dist/index.test.js',
      'source maps point at files the tarball does not ship: dist/index.js.map → ../src/index.ts',
    ]);
  });

  it('passes shipped sources, and says when a map cannot be read or there is no JavaScript', async () => {
    await using tmp = tempDir();
    mkdirSync(join(tmp.path, 'dist'));
    writeFileSync(join(tmp.path, 'dist/index.d.ts.map'), JSON.stringify({ sources: ['../src/index.ts'] }));
    writeFileSync(join(tmp.path, 'dist/broken.js.map'), '{not json');
    const ok = contentsResults(tmp.path, info(['dist/index.js', 'dist/index.d.ts.map', 'src/index.ts']));
    expect(ok.every((r) => r.status === 'pass')).toBe(true);
    const bad = contentsResults(tmp.path, info(['dist/broken.js.map', 'README.md']));
    expect(bad.filter((r) => r.status === 'fail').map((r) => r.message)).toEqual([
      expect.stringMatching(
        /^source maps point at files the tarball does not ship: dist\/broken\.js\.map \(unreadable: /,
      ),
      'the tarball has no JavaScript',
    ]);
  });

  it("reads npm pack --json, and refuses what is not npm's answer", () => {
    expect(
      parsePackJson(
        'npm notice\n[{"filename":"a.tgz","files":[{"path":"x.js","size":3}],"size":9,"entryCount":1}]',
      ),
    ).toEqual({ filename: 'a.tgz', files: [{ path: 'x.js', size: 3 }], size: 9, entryCount: 1 });
    expect(parsePackJson('npm error')).toBeUndefined();
    expect(parsePackJson('[{"files":[]}]')).toBeUndefined();
  });
});
