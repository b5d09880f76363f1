import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from './check-package.js';
import { messageOf } from './cli-error.js';
import { loadToolPackage } from './load-package.js';
import { contentsResults, parsePackJson } from './pack-contents.js';
import { exec, NPM, tail } from './pack-exec.js';
import { peerSource } from './pack-peers.js';
import { publintResults } from './pack-publint.js';
import { sampleArguments } from './pack-sample-args.js';
import { parseSmokeOutput, SMOKE_SCRIPT, type SmokePlan } from './pack-smoke.js';
import { type PackageJson, readPackageJson } from './resolve-package.js';

/** Options of {@link checkPack}. @internal */
export interface CheckPackOptions {
  /** Called with a line before each slow step. */
  readonly onProgress?: (line: string) => void;
  /** How long a tool's smoke call may take to answer (ms). Default 10 000. */
  readonly smokeTimeoutMs?: number;
}

const fail = (message: string, hint?: string): CheckResult =>
  hint === undefined
    ? { group: 'pack', status: 'fail', message }
    : { group: 'pack', status: 'fail', message, hint };
const pass = (message: string): CheckResult => ({ group: 'pack', status: 'pass', message });

/** The consumer's tsconfig: strict, exactOptionalPropertyTypes, and the package's types checked too. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'ESNext.Disposable', 'DOM', 'DOM.AsyncIterable'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    noEmit: true,
    types: [],
    skipLibCheck: false,
  },
  include: ['consumer.ts'],
};

/** The import specifiers of a package's exports that carry code: `name`, `name/testing`... */
function exportedSpecifiers(name: string, pkg: PackageJson): string[] {
  const exports = pkg.exports;
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) return [name];
  const keys = Object.keys(exports).filter((k) => k.startsWith('.'));
  if (keys.length === 0) return [name];
  return keys
    .filter((k) => !k.includes('*') && !k.endsWith('.json'))
    .map((k) => (k === '.' ? name : `${name}${k.slice(1)}`));
}

function consumerSource(name: string, pkg: PackageJson, manifestExport: string | undefined): string {
  const lines = exportedSpecifiers(name, pkg).map(
    (spec, i) => `import * as entry${i} from ${JSON.stringify(spec)};\nexport { entry${i} };`,
  );
  if (manifestExport !== undefined) {
    lines.unshift("import { type AnyTool, toolsOf } from '@livetools/core';");
    lines.push(
      `import { ${manifestExport} as manifest } from ${JSON.stringify(name)};`,
      'export const tools: readonly AnyTool[] = toolsOf(manifest);',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The TypeScript compiler to check with: the package's own, else the one next to this CLI. */
function findTsc(dir: string): string | undefined {
  for (const from of [join(dir, 'package.json'), import.meta.url]) {
    try {
      return createRequire(from).resolve('typescript/bin/tsc');
    } catch {
      // next place
    }
  }
  return undefined;
}

/**
 * `livetools check --pack`: what publishing would give users, checked the way they meet it. Lints
 * package.json with publint (strict), packs the package and checks the tarball (no tests or test
 * helpers, every source map's sources shipped), installs the tarball in a scratch project outside
 * the package with its peers, type-checks a strict consumer against it (`strict`,
 * `exactOptionalPropertyTypes`, `skipLibCheck: false`), and calls each tool once over the fake Live
 * server with the real `@google/genai` client. The scratch project is removed afterwards.
 *
 * @param dir - The package's directory; build it first.
 * @param options - Progress lines and the smoke calls' deadline.
 * @returns One result per check, in group `pack`.
 * @internal
 */
export async function checkPack(dir: string, options: CheckPackOptions = {}): Promise<CheckResult[]> {
  const progress = options.onProgress ?? (() => {});
  const results: CheckResult[] = [];
  progress('publint (strict): linting package.json and the files it points at');
  results.push(...(await publintResults(dir)));

  const work = mkdtempSync(join(tmpdir(), 'livetools-pack-'));
  try {
    progress('npm pack: building the tarball users would get');
    const packed = await exec(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: dir,
    });
    const info = packed.code === 0 ? parsePackJson(packed.stdout) : undefined;
    if (!info) {
      results.push(fail(`npm pack failed:\n${tail(packed.stderr || packed.stdout)}`));
      return results;
    }
    const pkg = readPackageJson(dir);
    const name = typeof pkg.name === 'string' ? pkg.name : '(unnamed)';
    results.push(
      pass(`npm pack: ${info.filename}, ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB`),
      ...contentsResults(dir, info),
    );

    let loaded: Awaited<ReturnType<typeof loadToolPackage>>;
    try {
      loaded = await loadToolPackage(dir, dir);
    } catch (error) {
      results.push(fail(`the package does not load, so nothing was installed: ${messageOf(error)}`));
      return results;
    }

    const peers = {
      ...(pkg.peerDependencies as Record<string, string> | undefined),
    };
    const optional = ((pkg as { peerDependenciesMeta?: unknown }).peerDependenciesMeta ?? {}) as Record<
      string,
      { optional?: boolean } | undefined
    >;
    const wanted = Object.entries(peers).filter(([peer]) => optional[peer]?.optional !== true);
    if (!wanted.some(([peer]) => peer === '@google/genai')) wanted.push(['@google/genai', '^3.3.0']);
    // The smoke run starts core's fake Live server, which needs ws (an optional peer of core).
    if (!wanted.some(([peer]) => peer === 'ws')) wanted.push(['ws', '^8.23.0']);
    const dependencies: Record<string, string> = { [name]: `file:${join(work, info.filename)}` };
    const from: string[] = [];
    for (const [peer, range] of wanted) {
      try {
        const source = await peerSource(dir, peer, range, work);
        dependencies[peer] = source.spec;
        from.push(`${peer} (${source.from})`);
      } catch (error) {
        results.push(fail(`could not prepare ${peer} for the consumer: ${messageOf(error)}`));
        return results;
      }
    }
    const app = join(work, 'consumer');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'livetools-pack-consumer', private: true, type: 'module', dependencies }, null, 2)}\n`,
    );
    progress(`npm install: the tarball in a scratch project, with ${from.join(', ')}`);
    const installed = await exec(
      NPM,
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
      { cwd: app },
    );
    if (installed.code !== 0) {
      results.push(
        fail(
          `installing the tarball with its peers failed:\n${tail(installed.stderr || installed.stdout)}`,
          'check peerDependencies: every peer must be published (or installed from a local tarball)',
        ),
      );
      return results;
    }
    results.push(pass(`installs in a scratch project with its peers (${wanted.map(([p]) => p).join(', ')})`));

    progress('tsc: type-checking a strict consumer (exactOptionalPropertyTypes, skipLibCheck off)');
    writeFileSync(join(app, 'tsconfig.json'), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
    writeFileSync(join(app, 'consumer.ts'), consumerSource(name, pkg, loaded.manifestExport));
    const tsc = findTsc(dir);
    if (tsc === undefined) {
      results.push(fail('no TypeScript found to type-check a consumer', 'npm install --save-dev typescript'));
    } else {
      const typed = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
      results.push(
        typed.code === 0
          ? pass('a strict TypeScript consumer type-checks against the published types (skipLibCheck off)')
          : fail(
              `a strict TypeScript consumer does not type-check against the published types:\n${tail(typed.stdout + typed.stderr, 20)}`,
              'fix the exported types (they must compile under strict, exactOptionalPropertyTypes and skipLibCheck: false)',
            ),
      );
    }

    const calls = loaded.tools.map((tool) => {
      let args: Record<string, unknown> = {};
      try {
        args = sampleArguments(tool.declaration().parametersJsonSchema);
      } catch {
        // check reports an unusable schema; the call then shows what the tool says
      }
      return { tool: tool.name, args };
    });
    if (calls.length === 0) {
      results.push(fail('no tools to smoke-run', 'export a toolPackage manifest with defineToolPackage'));
      return results;
    }
    progress(`smoke run: ${calls.map((c) => c.tool).join(', ')} over the fake Live server`);
    const plan: SmokePlan = {
      name,
      manifestExport: loaded.manifestExport,
      calls,
      timeoutMs: options.smokeTimeoutMs ?? 10_000,
    };
    writeFileSync(join(app, 'smoke-plan.json'), JSON.stringify(plan));
    writeFileSync(join(app, 'smoke.mjs'), SMOKE_SCRIPT);
    const smoke = await exec(process.execPath, ['smoke.mjs'], {
      cwd: app,
      timeoutMs: plan.timeoutMs * (2 * calls.length + 2) + 30_000,
    });
    const outcomes = parseSmokeOutput(smoke.stdout);
    if (!outcomes) {
      results.push(fail(`the smoke run failed before its end:\n${tail(smoke.stderr || smoke.stdout)}`));
      return results;
    }
    for (const o of outcomes) {
      const call = calls.find((c) => c.tool === o.tool);
      const what = `${o.tool} ${JSON.stringify(call?.args ?? {})}`;
      results.push(
        o.ok
          ? pass(
              `smoke run: ${what} answered over the fake Live server (${o.responses} response${o.responses === 1 ? '' : 's'}): ${o.detail}`,
            )
          : fail(
              `smoke run: ${what} failed: ${o.detail}`,
              `reproduce with: npx livetools run . ${o.tool} --args '${JSON.stringify(call?.args ?? {})}'; give parameters defaults or examples (.meta({ examples: [...] })) the smoke run can use`,
            ),
      );
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
