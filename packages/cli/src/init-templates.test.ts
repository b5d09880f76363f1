import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livetools, node, tempDir, tscBin, vitestBin } from '../test/support/cli-process.js';
import type { CheckReport } from './check-package.js';

describe('livetools init --template', () => {
  it.each([
    ['one-shot', 'convert_temperature', 4],
    ['polling', 'watch_json', 4],
    ['video', 'watch_for_changes', 3],
  ])(
    '%s: writes %s, whose own tests pass (%i) and which passes livetools check',
    async (template, tool, count) => {
      await using tmp = tempDir();
      const dir = join(tmp.path, `tools-${template}`);
      const init = await livetools([
        'init',
        dir,
        '--name',
        `@acme/tools-${template}`,
        '--template',
        template,
      ]);
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      expect(readFileSync(join(dir, 'src/index.ts'), 'utf8')).toContain(`name: '${tool}'`);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`npx livetools run . ${tool} --args`);
      const build = await node([tscBin, '-p', 'tsconfig.build.json'], { cwd: dir, timeoutMs: 120_000 });
      expect(build.stdout + build.stderr).toBe('');
      const typecheck = await node([tscBin, '-p', 'tsconfig.json', '--noEmit'], {
        cwd: dir,
        timeoutMs: 120_000,
      });
      expect(typecheck.stdout + typecheck.stderr).toBe('');
      const [check, tests] = await Promise.all([
        livetools(['check', dir, '--json']),
        node([vitestBin, 'run'], { cwd: dir, timeoutMs: 90_000 }),
      ]);
      const report = JSON.parse(check.stdout) as CheckReport;
      expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
      expect(check.code).toBe(0);
      expect(tests.stdout, tests.stderr).toMatch(new RegExp(`Tests +${count} passed \\(${count}\\)`));
      expect(tests.code).toBe(0);
    },
    // above the sum of the waits: init 30 s, tsc 120 s twice, check and the tests 90 s
    400_000,
  );

  it('timer is the default: init with and without --template timer writes the same files', async () => {
    await using tmp = tempDir();
    expect((await livetools(['init', 'a', '--name', 'tools-same'], { cwd: tmp.path })).code).toBe(0);
    expect(
      (await livetools(['init', 'b', '--name', 'tools-same', '--template', 'timer'], { cwd: tmp.path })).code,
    ).toBe(0);
    for (const file of ['package.json', 'README.md', 'src/index.ts', 'src/index.test.ts'])
      expect(readFileSync(join(tmp.path, 'b', file), 'utf8'), file).toBe(
        readFileSync(join(tmp.path, 'a', file), 'utf8'),
      );
    expect(readFileSync(join(tmp.path, 'a/src/index.ts'), 'utf8')).toContain("name: 'start_timer'");
  });

  it('refuses a template it does not have, naming those it has, and writes nothing', async () => {
    await using tmp = tempDir();
    const { code, stderr } = await livetools(['init', 'tools-x', '--template', 'webcam'], { cwd: tmp.path });
    expect(stderr).toContain(
      'livetools: --template must be one of timer, one-shot, polling, video, not "webcam".',
    );
    expect(code).toBe(2);
  });
});
