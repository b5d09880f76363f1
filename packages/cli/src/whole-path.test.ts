// The whole path of a tool author, as the publishing guide walks it: `livetools init`, install
// (@livetools/core and @livetools/cli from tarballs packed from this checkout, the rest from the
// registry or npm's cache), build, the scaffold's own tests, `livetools check --pack`, then the
// packed tool package installed in a strict consumer and one of its tools run over the fake Live
// server with the real @google/genai client. Needs packages/core and packages/cli built (`npm test`
// builds them first).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, childEnv, cliRoot, repoRoot } from '../test/support/cli-process.js';
import { parsePackJson } from './pack-contents.js';
import { exec, type Finished, NPM, tail } from './pack-exec.js';

// Outside the repository: nothing resolves from its node_modules.
const work = mkdtempSync(join(tmpdir(), 'livetools-whole-path-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const started = performance.now();

async function step(what: string, command: string, args: readonly string[], cwd: string): Promise<Finished> {
  console.log(
    `[whole path ${((performance.now() - started) / 1000).toFixed(1)}s] ${what}: ${command} ${args.join(' ')}`,
  );
  const done = await exec(command, args, { cwd, env: childEnv(), timeoutMs: 300_000 });
  if (done.code !== 0) {
    throw new Error(
      `${what} failed (exit ${done.code}):\n${tail(done.stdout, 30)}\n${tail(done.stderr, 30)}`,
    );
  }
  return done;
}

async function pack(dir: string, into: string): Promise<string> {
  const packed = await step(
    `pack ${dir}`,
    NPM,
    ['pack', '--json', '--ignore-scripts', '--pack-destination', into],
    dir,
  );
  const info = parsePackJson(packed.stdout);
  if (!info) throw new Error(`npm pack printed no JSON: ${packed.stdout}`);
  return join(into, info.filename);
}

const editJson = (file: string, edit: (value: Record<string, Record<string, string>>) => void): void => {
  const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  edit(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};

describe('the tool-author path, end to end', () => {
  it('init → install → build → test → check --pack → a strict consumer runs a tool over the fake Live server', async () => {
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const core = await pack(join(repoRoot, 'packages/core'), tarballs);
    const cli = await pack(cliRoot, tarballs);

    const tool = join(work, 'tools-timer');
    await step('scaffold', process.execPath, [bin, 'init', tool, '--name', '@acme/tools-timer'], work);
    // What `npm install @livetools/core @livetools/cli` would give once they are on the registry.
    editJson(join(tool, 'package.json'), (pkg) => {
      pkg.devDependencies = {
        ...pkg.devDependencies,
        '@livetools/core': `file:${core}`,
        '@livetools/cli': `file:${cli}`,
      };
    });
    await step('install the scaffold', NPM, INSTALL, tool);
    await step('build', NPM, ['run', 'build'], tool);
    const tests = await step("the scaffold's own tests", NPM, ['test'], tool);
    expect(tests.stdout).toMatch(/Tests +\d+ passed/);

    const checked = await step('check --pack', NPM, ['exec', '--', 'livetools', 'check', '--pack'], tool);
    console.log(checked.stderr.trim());
    expect(checked.stdout).toMatch(/✔ \d+ passed, 0 warnings, 0 errors/);
    expect(checked.stdout).toContain('✔ a strict TypeScript consumer type-checks');
    expect(checked.stdout).toMatch(/✔ smoke run: start_timer .* answered over the fake Live server/);

    const toolTarball = await pack(tool, tarballs);
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'strict-app',
        private: true,
        type: 'module',
        dependencies: {
          '@acme/tools-timer': `file:${toolTarball}`,
          '@livetools/core': `file:${core}`,
          '@google/genai': '^3.3.0',
          rxjs: '^7.8.2',
          zod: '^4.1.0',
        },
      }),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'ESNext.Disposable', 'DOM'],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          types: [],
          outDir: 'out',
        },
        include: ['app.ts'],
      }),
    );
    writeFileSync(
      join(app, 'app.ts'),
      `import { GoogleGenAI } from '@google/genai';
import { createLiveAgent, toolsOf } from '@livetools/core';
import { createFakeLiveServer } from '@livetools/core/testing';
import { toolPackage } from '@acme/tools-timer';

await using server = await createFakeLiveServer({ timeoutMs: 10_000 });
const ai = new GoogleGenAI({ apiKey: 'whole-path', httpOptions: { baseUrl: server.url } });
const agent = createLiveAgent({ ai, model: 'gemini-live-test', tools: toolsOf(toolPackage) });
const connected = server.waitForConnection();
const session = await agent.connect();
const conn = await connected;
const id = conn.callTool('start_timer', { seconds: 1, label: 'tea' });
const last = await conn.waitForToolResponse(id, (r) => r.willContinue === false);
await session.close();
console.log(JSON.stringify(conn.toolResponses(id).map((r) => [r.output, r.scheduling])), JSON.stringify(last.output));
`,
    );
    await step('install the packed tool package in a strict app', NPM, [...INSTALL, '--ignore-scripts'], app);
    await step(
      'type-check the app (strict, exactOptionalPropertyTypes, skipLibCheck off) and compile it',
      process.execPath,
      [join(tool, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      app,
    );
    const ran = await step(
      'run start_timer over the fake Live server',
      process.execPath,
      ['out/app.js'],
      app,
    );
    const [responses, final] = ran.stdout
      .trim()
      .split(' ')
      .map((text) => JSON.parse(text) as unknown);
    expect(responses).toEqual([
      [{ label: 'tea', event: 'started', secondsLeft: 1, endsAt: expect.any(String) }, 'SILENT'],
      [{ label: 'tea', event: 'done', secondsLeft: 0 }, 'INTERRUPT'],
      [{ status: 'completed', results: 2 }, 'SILENT'],
    ]);
    expect(final).toEqual({ status: 'completed', results: 2 });
  }, 900_000);
});
