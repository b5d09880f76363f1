import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livetools, node, tempDir, tscBin } from '../test/support/cli-process.js';
import type { CheckReport } from './check-package.js';

describe('livetools check --pack', () => {
  it('fails a package that ships its tests, maps to unshipped sources and has a tool that errors, saying what to fix', async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'tools-leaky');
    expect((await livetools(['init', dir, '--name', 'tools-leaky'])).code).toBe(0);
    // Tests compiled into dist and shipped; src not shipped, so the maps point nowhere.
    writeFileSync(join(dir, 'tsconfig.build.json'), '{ "extends": "./tsconfig.json" }\n');
    const pkgPath = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { files: string[] };
    pkg.files = ['dist', 'README.md'];
    writeFileSync(pkgPath, JSON.stringify(pkg, null, 2));
    // A second tool that fails on every call.
    const indexPath = join(dir, 'src/index.ts');
    writeFileSync(
      indexPath,
      readFileSync(indexPath, 'utf8')
        .replace('import { defineStreamingTool,', 'import { defineTool, defineStreamingTool,')
        .replace('tools: [startTimer]', 'tools: [startTimer, lookUp]')
        .replace(
          'export const toolPackage',
          `/** Always fails. */
export const lookUp = defineTool({
  name: 'look_up',
  description: 'Looks something up.',
  parameters: z.object({ key: z.string().min(3).describe('What to look up.') }),
  execute: async ({ key }) => {
    throw new Error(\`no such key: \${key}\`);
  },
});

export const toolPackage`,
        ),
    );
    const build = await node([tscBin, '-p', 'tsconfig.build.json'], { cwd: dir, timeoutMs: 120_000 });
    expect(build.stdout + build.stderr).toBe('');

    const check = await livetools(['check', dir, '--pack', '--json'], { timeoutMs: 400_000 });
    const report = JSON.parse(check.stdout) as CheckReport;
    const pack = report.results.filter((r) => r.group === 'pack');
    expect(pack.filter((r) => r.status === 'fail').map((r) => r.message)).toEqual([
      expect.stringMatching(/^the tarball ships \d+ test files: dist\/index\.test\.d\.ts/),
      expect.stringMatching(
        /^source maps point at files the tarball does not ship: dist\/index\.d\.ts\.map → \.\.\/src\/index\.ts/,
      ),
      expect.stringMatching(
        /^smoke run: look_up \{"key":"abcd"\} failed: answered with an error: .*no such key: abcd/,
      ),
    ]);
    expect(pack.map((r) => r.message)).toEqual(
      expect.arrayContaining([
        'publint (strict): clean',
        'a strict TypeScript consumer type-checks against the published types (skipLibCheck off)',
        expect.stringMatching(/^smoke run: start_timer \{"seconds":1\} answered over the fake Live server/),
      ]),
    );
    expect(pack.find((r) => r.message.startsWith('smoke run: look_up'))?.hint).toContain(
      `npx livetools run . look_up --args '{"key":"abcd"}'`,
    );
    // Progress lines on stderr while it works.
    for (const step of ['publint', 'npm pack', 'npm install', 'tsc', 'smoke run'])
      expect(check.stderr).toMatch(new RegExp(`\\[pack +[\\d.]+s\\] ${step}`));
    expect(check.code).toBe(1);
  }, 600_000);

  it('does not pack a package whose other checks fail, and says so', async () => {
    await using tmp = tempDir();
    const dir = join(tmp.path, 'tools-unbuilt');
    expect((await livetools(['init', dir, '--name', 'tools-unbuilt'])).code).toBe(0);
    const check = await livetools(['check', dir, '--pack']);
    expect(check.stdout).toContain('⚠ not packed: the checks above failed');
    expect(check.stderr).not.toContain('[pack');
    expect(check.code).toBe(1);
  });
});
