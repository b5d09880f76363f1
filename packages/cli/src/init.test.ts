import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livetools, node, tempDir, tscBin, vitestBin } from '../test/support/cli-process.js';
import type { CheckReport } from './check-package.js';

const FILES = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'vitest.config.ts',
  '.gitignore',
  '.changeset/config.json',
  '.changeset/README.md',
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
      // ws: the scaffold's tests start core's fake Live server, and ws is only an optional peer of core.
      expect.arrayContaining([
        '@livetools/core',
        '@google/genai',
        'rxjs',
        'zod',
        'typescript',
        'vitest',
        'ws',
      ]),
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
      node([vitestBin, 'run'], { cwd: dir, timeoutMs: 120_000 }),
    ]);
    const report = JSON.parse(check.stdout) as CheckReport;
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.counts.pass).toBeGreaterThan(15);
    expect(check.code).toBe(0);
    expect(tests.stdout, tests.stderr).toMatch(/Tests +4 passed \(4\)/);
    expect(tests.code).toBe(0);
  }, 300_000);

  it("its README's TypeScript compiles under the scaffold's own tsconfig", async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'tools-timer');
    expect((await livetools(['init', dir, '--name', '@acme/tools-timer'])).code).toBe(0);
    // The README imports the package by its name: build it so that name resolves (to itself).
    const build = await node([tscBin, '-p', 'tsconfig.build.json'], { cwd: dir, timeoutMs: 120_000 });
    expect(build.stdout + build.stderr).toBe('');
    const fences = [...readFileSync(join(dir, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(
      (m) => m[1] ?? '',
    );
    expect(fences.length).toBeGreaterThan(0);
    mkdirSync(join(dir, 'readme-check'));
    for (const [i, fence] of fences.entries())
      writeFileSync(join(dir, `readme-check/fence-${i}.ts`), `${fence}\nexport {};\n`);
    writeFileSync(
      join(dir, 'tsconfig.readme.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { rootDir: '.', noEmit: true },
        include: ['readme-check'],
      }),
    );
    const typecheck = await node([tscBin, '-p', 'tsconfig.readme.json'], { cwd: dir, timeoutMs: 120_000 });
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.code).toBe(0);
  }, 300_000);

  it("a tool that returns a ReadableStream type-checks under the scaffold's lib, with its chunk type", async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'tools-stream');
    expect((await livetools(['init', dir, '--name', 'tools-stream'])).code).toBe(0);
    writeFileSync(
      join(dir, 'src/stream-tool.ts'),
      `import { defineStreamingTool, type StreamingTool } from '@livetools/core';
import { z } from 'zod';

export const streamed = defineStreamingTool({
  name: 'stream_numbers',
  description: 'Streams numbers.',
  parameters: z.object({}),
  execute: () =>
    new ReadableStream<{ n: number }>({
      start(controller) {
        controller.enqueue({ n: 1 });
        controller.close();
      },
    }),
});
// The chunk type reaches the tool's output type.
export const typed: StreamingTool<z.ZodObject<{}>, { n: number } | undefined> = streamed;
`,
    );
    const typecheck = await node([tscBin, '-p', 'tsconfig.json', '--noEmit'], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.code).toBe(0);
  }, 240_000);

  it('keeps the name, version and core range in package.json only: a bump needs no change in src', async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'tools-bump');
    expect((await livetools(['init', dir, '--name', '@acme/tools-bump'])).code).toBe(0);
    const source = readFileSync(join(dir, 'src/index.ts'), 'utf8');
    expect(source).not.toContain("'0.1.0'");
    expect(source).not.toContain("'@acme/tools-bump'");
    const build = await node([tscBin, '-p', 'tsconfig.build.json'], { cwd: dir, timeoutMs: 120_000 });
    expect(build.stdout + build.stderr).toBe('');
    const pkgPath = join(dir, 'package.json');
    writeFileSync(pkgPath, readFileSync(pkgPath, 'utf8').replace('"version": "0.1.0"', '"version": "0.2.0"'));
    const check = await livetools(['check', dir, '--json']);
    const report = JSON.parse(check.stdout) as CheckReport;
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.results).toContainEqual({
      group: 'manifest',
      status: 'pass',
      message: 'name and version match package.json (@acme/tools-bump@0.2.0)',
    });
  }, 240_000);

  it('publishes neither tests nor test helpers', async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'tools-pack');
    expect((await livetools(['init', dir, '--name', 'tools-pack'])).code).toBe(0);
    mkdirSync(join(dir, 'src/test-support'));
    writeFileSync(join(dir, 'src/test-support/fake-clock.ts'), 'export const fakeNow = (): number => 0;\n');
    writeFileSync(
      join(dir, 'src/clock.test-d.ts'),
      "import { fakeNow } from '../test/support/fake-clock.js';\nfakeNow();\n",
    );
    const build = await node([tscBin, '-p', 'tsconfig.build.json'], { cwd: dir, timeoutMs: 120_000 });
    expect(build.stdout + build.stderr).toBe('');
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      }),
    ) as [{ files: { path: string }[] }];
    const files = packed.files.map((f) => f.path).sort();
    expect(files).toContain('dist/index.js');
    expect(files.filter((f) => /test/.test(f))).toEqual([]);
    // Every source map points at files that ship with it.
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[] };
      for (const source of sources)
        expect(files, `${map} → ${source}`).toContain(posix.join(posix.dirname(map), source));
    }
  }, 240_000);

  it('comes with changesets, a release script that runs check --pack, and a README that says how to release', async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'tools-release');
    expect((await livetools(['init', dir, '--name', '@acme/tools-release'])).code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['@changesets/cli']).toMatch(/^\^2\./);
    expect(pkg.scripts).toMatchObject({
      'check:pack': 'livetools check --pack',
      'version-packages': 'changeset version',
      release: 'npm run build && npm test && livetools check --pack && changeset publish',
    });
    const config = JSON.parse(readFileSync(join(dir, '.changeset/config.json'), 'utf8'));
    expect(config).toMatchObject({ access: 'public', baseBranch: 'main', commit: false });
    expect(readFileSync(join(dir, '.changeset/README.md'), 'utf8')).toContain('npx changeset');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('## Release');
    expect(readme).toContain('npm run check:pack         # livetools check --pack');
  });

  it('names the package after the directory by default', async () => {
    await using tmp = tempDir();
    const { code, stdout } = await livetools(['init', 'tools-clock'], { cwd: tmp.path });
    expect(code).toBe(0);
    expect(stdout).toContain('✔ Created tools-clock in tools-clock\n');
    expect(stdout).toContain('  cd tools-clock\n  npm install\n');
    expect(JSON.parse(readFileSync(join(tmp.path, 'tools-clock/package.json'), 'utf8')).name).toBe(
      'tools-clock',
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
