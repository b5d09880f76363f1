import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livetools, repoRoot, tempDir } from '../test/support/cli-process.js';
import { goodPackageJson, toolSource, writeFixture } from '../test/support/fixture-package.js';
import type { CheckReport, CheckResult } from './check-package.js';

async function checkJson(dir: string): Promise<{ code: number | null; report: CheckReport }> {
  const { code, stdout, stderr } = await livetools(['check', dir, '--json']);
  if (!stdout.startsWith('{')) throw new Error(`no JSON report:\n${stdout}\n${stderr}`);
  return { code, report: JSON.parse(stdout) as CheckReport };
}

const failures = (report: CheckReport): CheckResult[] => report.results.filter((r) => r.status === 'fail');
const warnings = (report: CheckReport): CheckResult[] => report.results.filter((r) => r.status === 'warn');

describe('livetools check on the published tool packages', () => {
  it.each(['tools-stock', 'tools-video'])('passes %s with no warnings', async (name) => {
    const { code, stdout } = await livetools(['check', join(repoRoot, 'packages', name)]);
    expect(stdout).toMatch(/✔ \d+ passed, 0 warnings, 0 errors\n$/);
    expect(stdout).not.toMatch(/[✖⚠]/);
    expect(code).toBe(0);
  });

  it('reports what it checked, per group, as JSON', async () => {
    const { code, report } = await checkJson(join(repoRoot, 'packages/tools-stock'));
    expect(code).toBe(0);
    expect(report).toMatchObject({ name: '@livetools/tools-stock', version: '0.1.0', ok: true });
    expect([...new Set(report.results.map((r) => r.group))]).toEqual([
      'package.json',
      'build',
      'manifest',
      'tool monitor_stock_price',
      'tool get_stock_price',
    ]);
  });
});

describe.concurrent('livetools check on broken packages reports each problem', () => {
  it('passes the good fixture, so every other failure comes from its one change', async () => {
    await using tmp = tempDir();
    const { code, report } = await checkJson(writeFixture(tmp.path));
    expect(failures(report)).toEqual([]);
    expect(warnings(report)).toEqual([]);
    expect(code).toBe(0);
  });

  it('a name npm refuses', async () => {
    await using tmp = tempDir();
    const { code, report } = await checkJson(writeFixture(tmp.path, { packageJson: { name: 'Tools Tick' } }));
    expect(code).toBe(1);
    expect(failures(report).map((f) => f.message)).toEqual([
      'name "Tools Tick" is not a valid npm package name: it has uppercase letters.',
      'toolPackage.name is "@fixture/tools-tick" but package.json says "Tools Tick".',
    ]);
  });

  it('a name npm refuses in both package.json and a forged manifest: reported once, by the package.json check', async () => {
    await using tmp = tempDir();
    const source = `${toolSource()}
export const toolPackage = Object.freeze({ ...original, name: 'Tools Tick', [Symbol.for('livetools.tool-package')]: true });
`.replace('export const toolPackage', 'const original');
    const { code, report } = await checkJson(
      writeFixture(tmp.path, { source, packageJson: { name: 'Tools Tick' } }),
    );
    expect(code).toBe(1);
    expect(failures(report).map((f) => [f.group, f.message])).toEqual([
      ['package.json', 'name "Tools Tick" is not a valid npm package name: it has uppercase letters.'],
    ]);
  });

  it('a tool without a description (reported once, by the manifest check) and parameters without descriptions', async () => {
    await using tmp = tempDir();
    // A manifest made by hand (or by an older core) can hold a tool that defineStreamingTool would refuse.
    const source =
      `${toolSource({ parameters: 'z.object({ every: z.number(), label: z.string().describe("A label.") })' })}
export const toolPackage = Object.freeze({ ...original, tools: [{ ...tick, description: '' }], [Symbol.for('livetools.tool-package')]: true });
`.replace('export const toolPackage', 'const original');
    const { code, report } = await checkJson(writeFixture(tmp.path, { source }));
    expect(code).toBe(1);
    expect(failures(report).map((f) => [f.group, f.message])).toEqual([
      [
        'manifest',
        '@fixture/tools-tick: tool "tick" needs a description; the model reads it to decide when to call it.',
      ],
    ]);
    expect(warnings(report).map((w) => w.message)).toContain(
      'No description for every: the model guesses what to pass.',
    );
  });

  it('a tool without a description and no manifest: the tool check reports it, with a hint', async () => {
    await using tmp = tempDir();
    const source = `${toolSource()}
export const forged = { ...tick, name: 'tock', description: '' };
`.replace('export const toolPackage', 'const toolPackage');
    const { code, report } = await checkJson(writeFixture(tmp.path, { source }));
    expect(code).toBe(1);
    expect(failures(report).map((f) => [f.group, f.message, f.hint])).toEqual([
      [
        'manifest',
        'The entry does not export a tool package manifest.',
        "Add: export const toolPackage = defineToolPackage({ name, version, core: '^0.1.0', tools }).",
      ],
      [
        'tool tock',
        'The description is empty: the model reads it to decide when to call the tool.',
        'Say what it does and when to call it.',
      ],
    ]);
  });

  it('no types', async () => {
    await using tmp = tempDir();
    const { code, report } = await checkJson(
      writeFixture(tmp.path, { packageJson: { exports: { '.': './dist/index.js' } }, types: false }),
    );
    expect(code).toBe(1);
    expect(failures(report).map((f) => f.message)).toEqual([
      'exports["."] has no "types" condition: TypeScript users would get no types.',
    ]);
  });

  it('"types" after "import", and "files" without dist', async () => {
    await using tmp = tempDir();
    const { report } = await checkJson(
      writeFixture(tmp.path, {
        packageJson: {
          exports: { '.': { import: './dist/index.js', types: './dist/index.d.ts' } },
          files: ['README.md'],
        },
      }),
    );
    expect(failures(report).map((f) => f.message)).toEqual([
      '"types" is not the first condition in exports["."]: TypeScript picks the first matching condition.',
      '"files" does not include dist/index.js, dist/index.d.ts: users would install a package without it.',
    ]);
  });

  it('rxjs as a dependency instead of a peer', async () => {
    await using tmp = tempDir();
    const { code, report } = await checkJson(
      writeFixture(tmp.path, {
        packageJson: {
          dependencies: { rxjs: '^7.8.0' },
          peerDependencies: { '@livetools/core': '^0.1.0', zod: '^4.0.0' },
        },
      }),
    );
    expect(code).toBe(1);
    expect(failures(report)).toEqual([
      {
        group: 'package.json',
        status: 'fail',
        message: 'rxjs is in "dependencies": the application and your package would each get their own copy.',
        hint: 'Move it to "peerDependencies" (and "devDependencies" for your tests).',
      },
    ]);
  });

  it('a core range the running core does not satisfy', async () => {
    await using tmp = tempDir();
    const { code, report } = await checkJson(
      writeFixture(tmp.path, {
        packageJson: {
          peerDependencies: { ...goodPackageJson.peerDependencies, '@livetools/core': '^2.0.0' },
        },
        source: toolSource().replace("core: '^0.1.0'", "core: '^2.0.0'"),
      }),
    );
    expect(code).toBe(1);
    expect(failures(report).map((f) => f.message)).toEqual([
      'peerDependencies["@livetools/core"] is "^2.0.0", which @livetools/core 0.1.0 (this CLI\'s) does not satisfy.',
      '@fixture/tools-tick 1.0.0 was built for @livetools/core ^2.0.0 but 0.1.0 is running: upgrade @livetools/core to ^2.0.0 ' +
        '(npm install @livetools/core@"^2.0.0"), or install a release of @fixture/tools-tick built for @livetools/core 0.1.x.',
    ]);
  });

  it('a manifest version that drifted from package.json', async () => {
    await using tmp = tempDir();
    const { report } = await checkJson(writeFixture(tmp.path, { packageJson: { version: '1.1.0' } }));
    expect(failures(report).map((f) => f.message)).toEqual([
      'toolPackage.version is "1.0.0" but package.json says "1.1.0".',
    ]);
  });

  it('schemas the Live API rejects or ignores', async () => {
    await using tmp = tempDir();
    const parameters = `z.object({
      point: z.tuple([z.number(), z.number()]).describe('x and y.'),
      tree: Node.describe('A tree.'),
      kind: z.literal('fast').describe('Always fast.'),
    })`;
    const node = `const Node = z.object({
  name: z.string().describe('The name.'),
  get children() { return z.array(Node).describe('The children.'); },
});
export const tick`;
    const source = toolSource({ parameters }).replace('export const tick', node);
    const { code, report } = await checkJson(writeFixture(tmp.path, { source }));
    expect(code).toBe(1);
    const findings = report.results.filter((r) => r.group === 'tool tick' && r.status !== 'pass');
    expect(findings.map((f) => [f.status, f.message.split(' — ')[0]])).toEqual([
      ['fail', 'point: items: false (a fixed-length tuple)'],
      ['fail', 'tree.children: $ref "#/$defs/__schema0" refers back to itself'],
      ['warn', 'kind: const'],
    ]);
  });

  it('parameter types no JSON value can satisfy: an error each, naming the zod type and the fix', async () => {
    await using tmp = tempDir();
    const parameters = `z.object({
      since: z.date().describe('From.'),
      count: z.bigint().describe('How many.'),
      tags: z.set(z.string()).describe('Tags.'),
    })`;
    const { code, report } = await checkJson(writeFixture(tmp.path, { source: toolSource({ parameters }) }));
    expect(code).toBe(1);
    const findings = report.results.filter((r) => r.group === 'tool tick' && r.status !== 'pass');
    expect(findings.map((f) => [f.status, f.message.split(' — ')[0]])).toEqual([
      ['fail', 'since: z.date()'],
      ['fail', 'count: z.bigint()'],
      ['fail', 'tags: z.set()'],
    ]);
    expect(findings[1]?.message).toContain('z.number().int()');
  });

  it('dependencies of the wrong type: a failed check each, never a crash', async () => {
    await using tmp = tempDir();
    const { code, report } = await checkJson(
      writeFixture(tmp.path, { packageJson: { dependencies: 'rxjs', peerDependencies: 5 } }),
    );
    expect(code).toBe(1);
    expect(failures(report).map((f) => f.message)).toEqual(
      expect.arrayContaining([
        '"dependencies" is a string, not an object of package names and version ranges.',
        '"peerDependencies" is a number, not an object of package names and version ranges.',
      ]),
    );
  });

  it('a forged manifest, an export whose getters throw, and a thrown value String() cannot convert: clear failures', async () => {
    await using tmp = tempDir();
    const marker = "Symbol.for('livetools.tool-package')";
    const forged = writeFixture(join(tmp.path, 'forged'), {
      source: `export const toolPackage = { [${marker}]: true, name: '@fixture/x', version: '1.0.0', core: '^0.1.0', tools: [null] };\n`,
    });
    const forgedRun = await livetools(['check', forged]);
    expect(forgedRun.stdout).toContain(
      'The tool package manifest exported as "toolPackage" does not list its tools as an array of tools',
    );
    expect(forgedRun.stdout + forgedRun.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(forgedRun.code).toBe(1);
    const getters = writeFixture(join(tmp.path, 'getters'), {
      source: "export const tool = { get kind() { throw new Error('getter boom'); } };\n",
    });
    const gettersRun = await checkJson(getters);
    expect(failures(gettersRun.report).map((f) => f.message)).toContain('The package exports no tools.');
    const unprintable = writeFixture(join(tmp.path, 'unprintable'), {
      source: 'throw Object.create(null);\n',
    });
    const unprintableRun = await livetools(['check', unprintable]);
    expect(unprintableRun.stdout).toContain('failed: a thrown value that cannot be described');
    expect(unprintableRun.stdout + unprintableRun.stderr).not.toMatch(/\n\s+at /);
    expect(unprintableRun.code).toBe(1);
  });

  it('an exports target outside the package is refused as Node refuses it, and exports nested beyond reason do not overflow the stack', async () => {
    await using tmp = tempDir();
    mkdirSync(join(tmp.path, 'outside'));
    writeFileSync(join(tmp.path, 'outside/evil.js'), "console.log('OUTSIDE FILE IMPORTED');\n");
    const outside = writeFixture(join(tmp.path, 'escape'), {
      packageJson: { exports: { '.': { types: './dist/index.d.ts', import: '../outside/evil.js' } } },
    });
    const escaped = await livetools(['check', outside]);
    expect(escaped.stdout).not.toContain('OUTSIDE FILE IMPORTED');
    expect(escaped.stdout).toContain(`${outside}/package.json has no "." export to import.`);
    expect(escaped.code).toBe(1);
    const deep = writeFixture(join(tmp.path, 'deep'));
    const levels = 20_000; // written as text: JSON.stringify itself would overflow the stack
    const exportsText = `${'{"import":'.repeat(levels)}"./dist/index.js"${'}'.repeat(levels)}`;
    writeFileSync(
      join(deep, 'package.json'),
      `{"name":"@fixture/deep","version":"1.0.0","type":"module","exports":{".":${exportsText}}}`,
    );
    const deepRun = await livetools(['check', deep]);
    expect(deepRun.stdout + deepRun.stderr).not.toMatch(/RangeError|Maximum call stack/);
    expect(deepRun.code).toBe(1);
  });

  it('a package that was not built, and one that fails to import', async () => {
    await using tmp = tempDir();
    const unbuilt = writeFixture(join(tmp.path, 'unbuilt'), {
      packageJson: {
        exports: { '.': { types: './lib/index.d.ts', import: './lib/index.js' } },
        files: ['lib'],
      },
    });
    const { code, report } = await checkJson(unbuilt);
    expect(code).toBe(1);
    expect(failures(report).map((f) => f.message)).toEqual([
      'lib/index.d.ts does not exist.',
      `lib/index.js does not exist in ${unbuilt}: build the package first (npm run build).`,
    ]);
    const broken = writeFixture(join(tmp.path, 'broken'), { source: "throw new Error('boom');\n" });
    const second = await checkJson(broken);
    expect(failures(second.report).map((f) => f.message)).toEqual([
      `Importing ${join(broken, 'dist/index.js')} failed: boom`,
    ]);
  });

  it('a build older than its sources fails, naming the newer source; test files do not count', async () => {
    await using tmp = tempDir();
    const dir = writeFixture(tmp.path);
    mkdirSync(join(dir, 'src/test-support'), { recursive: true });
    const built = new Date('2026-01-01T10:00:00Z');
    const before = new Date('2026-01-01T09:00:00Z');
    const after = new Date('2026-01-01T11:00:00Z');
    for (const file of ['dist/index.js', 'dist/index.d.ts']) utimesSync(join(dir, file), built, built);
    const write = (file: string, at: Date): void => {
      writeFileSync(join(dir, file), 'export {};\n');
      utimesSync(join(dir, file), at, at);
    };
    write('src/index.ts', before);
    write('src/index.test.ts', after);
    write('src/test-support/fake.ts', after);
    const fresh = await checkJson(dir);
    expect(failures(fresh.report)).toEqual([]);
    expect(fresh.report.results).toContainEqual({
      group: 'build',
      status: 'pass',
      message: 'dist is newer than src',
    });

    write('src/tools.ts', after);
    const { code, report } = await checkJson(dir);
    expect(code).toBe(1);
    expect(failures(report)).toEqual([
      {
        group: 'build',
        status: 'fail',
        message: 'dist is older than its sources: src/tools.ts changed after the last build.',
        hint: 'Rebuild (npm run build) and check again: check loads what is built, not src.',
      },
    ]);
  });

  it('defaults are checked against the parameters they name', async () => {
    await using tmp = tempDir();
    const parameters = `z.object({
      every: z.number().positive().describe('Seconds.'),
      label: z.string().optional().describe('A label.'),
      limit: z.number().int().default(3).describe('At most.'),
    })`;
    const source = toolSource({
      parameters,
      manifest: "defaults: { every: 5, label: 42, limit: 3, source: 'simulated' },",
    });
    const { code, report } = await checkJson(writeFixture(tmp.path, { source }));
    expect(code).toBe(1);
    expect(failures(report).map((f) => [f.group, f.message, f.hint])).toEqual([
      [
        'manifest',
        'defaults.every is a default for a required parameter of tick: the model always sends it, so the default never applies.',
        'Make it optional in the schema (.optional(), or .default(5) to apply it there), or drop it from defaults.',
      ],
      [
        'manifest',
        'defaults.label is 42, which tick does not accept for label: Invalid input: expected string, received number.',
        'Give the value the parameter takes, or fix the schema.',
      ],
    ]);
    const good = toolSource({
      parameters,
      manifest: "defaults: { label: null, limit: 3, source: 'simulated' },",
    });
    const fine = await checkJson(writeFixture(join(tmp.path, 'good'), { source: good }));
    expect(failures(fine.report)).toEqual([]);
    expect(fine.report.results).toContainEqual({
      group: 'manifest',
      status: 'pass',
      message: 'defaults match the parameters they name (label, limit; source names no parameter)',
    });
  });

  it('every bad tool is reported, not only the first', async () => {
    await using tmp = tempDir();
    const tock = `export const tock = defineStreamingTool({
  name: 'tock',
  description: 'Tocks.',
  parameters: z.object({ at: z.map(z.string(), z.number()).describe('When.') }),
  execute: () => interval(1000),
});
export const toolPackage`;
    const source = toolSource({ parameters: "z.object({ since: z.date().describe('From.') })" })
      .replace('export const toolPackage', tock)
      .replace('tools: [tick]', 'tools: [tick, tock]');
    const { code, report } = await checkJson(writeFixture(tmp.path, { source }));
    expect(code).toBe(1);
    expect(failures(report).map((f) => [f.group, f.message.split(' — ')[0]])).toEqual([
      ['tool tick', 'since: z.date()'],
      ['tool tock', 'at: z.map()'],
    ]);
  });

  it('a manifest exported under another name is an error, with the fix', async () => {
    await using tmp = tempDir();
    const source = toolSource().replace('export const toolPackage', 'export const manifest');
    const { code, report } = await checkJson(writeFixture(tmp.path, { source }));
    expect(code).toBe(1);
    expect(failures(report)).toEqual([
      {
        group: 'manifest',
        status: 'fail',
        message:
          'The manifest is exported as "manifest", not "toolPackage": toolsOf users and livetools look for toolPackage.',
        hint: 'Export it as toolPackage: export const toolPackage = defineToolPackage({ ... }) (or export { manifest as toolPackage }).',
      },
    ]);
  });

  it('a tool definition refused while the entry loads: the hint says the next one shows after the fix', async () => {
    await using tmp = tempDir();
    const { code, report } = await checkJson(
      writeFixture(tmp.path, { source: toolSource({ name: 'tick tock' }) }),
    );
    expect(code).toBe(1);
    const [failure] = failures(report);
    expect(failure?.message).toContain('Tool name "tick tock" is not a valid Gemini function name');
    expect(failure?.hint).toBe(
      'A tool definition threw while the entry loaded, and a module stops at its first error: fix this one, rebuild and check again to see the next.',
    );
  });

  it('a directory without package.json', async () => {
    await using tmp = tempDir();
    const { code, stdout } = await livetools(['check', tmp.path]);
    expect(code).toBe(1);
    expect(stdout).toContain(`✖ There is no package.json in ${tmp.path}.`);
  });
});
