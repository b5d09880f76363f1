import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from './check-package.js';
import { livetools, node, tempDir, tscBin, vitestBin } from './test-support/cli-process.js';

const FILES = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'vitest.config.ts',
  '.gitignore',
  'README.md',
  'src/index.ts',
  'src/index.test.ts',
];

describe('livetools init', () => {
  it('writes a tool package that passes livetools check and its own end-to-end tests', async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'tools-timer');
    const init = await livetools(['init', dir, '--name', '@acme/tools-timer']);
    expect(init.stderr).toBe('');
    expect(init.stdout).toContain('✔ Created @acme/tools-timer in ');
    expect(init.code).toBe(0);
    for (const file of FILES) expect(existsSync(join(dir, file)), file).toBe(true);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: '@acme/tools-timer',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      peerDependencies: { '@livetools/core': '^0.1.0', rxjs: '^7.8.0', zod: '^3.25.0 || ^4.0.0' },
      scripts: { build: 'tsc -p tsconfig.build.json', test: 'vitest run', check: 'livetools check' },
    });
    expect(Object.keys(pkg.devDependencies)).toEqual(
      expect.arrayContaining(['@livetools/core', '@google/genai', 'rxjs', 'zod', 'typescript', 'vitest']),
    );

    // Build and type-check with the repository's TypeScript: the scaffold resolves its
    // dependencies from the workspace's node_modules, as it would from its own after npm install.
    // A generous deadline: tsc is slow on a loaded machine, and a killed tsc prints nothing, so the
    // exit codes are checked as well as the output.
    const [build, typecheck] = await Promise.all([
      node([tscBin, '-p', 'tsconfig.build.json'], { cwd: dir, timeoutMs: 120_000 }),
      node([tscBin, '-p', 'tsconfig.json', '--noEmit'], { cwd: dir, timeoutMs: 120_000 }),
    ]);
    expect(build.stdout + build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.code).toBe(0);

    const [check, tests] = await Promise.all([
      livetools(['check', dir, '--json']),
      node([vitestBin, 'run'], { cwd: dir, timeoutMs: 60_000 }),
    ]);
    const report = JSON.parse(check.stdout) as CheckReport;
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.counts.pass).toBeGreaterThan(15);
    expect(check.code).toBe(0);
    expect(tests.stdout).toMatch(/Tests +4 passed \(4\)/);
    expect(tests.code).toBe(0);
  }, 240_000);

  it('names the package after the directory by default', async () => {
    await using tmp = tempDir();
    const { code, stdout } = await livetools(['init', 'tools-clock'], { cwd: tmp.path });
    expect(code).toBe(0);
    expect(stdout).toContain('✔ Created tools-clock in tools-clock\n');
    expect(stdout).toContain('  cd tools-clock\n  npm install\n');
    expect(readFileSync(join(tmp.path, 'tools-clock/src/index.ts'), 'utf8')).toContain(
      "name: 'tools-clock',",
    );
  });

  it('refuses a directory that is not empty, and writes nothing', async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const { code, stdout, stderr } = await livetools(['init', dir, '--name', 'tools-x']);
    expect(stderr).toBe(
      `✖ ${dir} is not empty (notes.txt): livetools init never overwrites files; choose a new directory or empty this one.\n`,
    );
    expect(stdout).toBe('');
    expect(code).toBe(1);
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
  });

  it('asks for --name when the directory name is not a package name', async () => {
    await using tmp = tempDir();
    const { code, stderr } = await livetools(['init', 'My Tools'], { cwd: tmp.path });
    expect(stderr).toBe(
      '✖ The directory name "My Tools" is not a valid npm package name (it has uppercase letters): pass one with --name @scope/tools-name.\n',
    );
    expect(code).toBe(1);
  });
});
