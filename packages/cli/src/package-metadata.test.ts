import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRoot, repoRoot } from '../test/support/cli-process.js';

const REPO = 'https://github.com/livetools-dev/livetools';

describe.each(['core', 'cli', 'tools-video'])('the published %s package', (name) => {
  const dir = join(repoRoot, 'packages', name);

  it('says where its repository, home page and issue tracker are', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: `packages/${name}` });
    expect(pkg.homepage).toBe(`${REPO}/tree/main/packages/${name}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
  });

  it('links from its README only to absolute addresses (the tarball holds no docs/)', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const relative = [...readme.matchAll(/\]\(([^)#\s]+)/g)]
      .map((m) => m[1] ?? '')
      .filter((target) => !/^(https?:|mailto:)/.test(target));
    expect(relative).toEqual([]);
  });
});

describe('the @livetools/cli tarball', () => {
  it('ships what its source maps point at, and no tests', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: cliRoot,
        encoding: 'utf8',
      }),
    ) as [{ files: { path: string }[] }];
    const files = packed.files.map((f) => f.path);
    expect(files).toContain('bin/livetools.js');
    expect(files.filter((f) => /\.test(-d)?\.|test-support|^test\//.test(f))).toEqual([]);
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(cliRoot, map), 'utf8')) as { sources: string[] };
      for (const source of sources)
        expect(files, `${map} → ${source}`).toContain(posix.join(posix.dirname(map), source));
    }
  });
});
