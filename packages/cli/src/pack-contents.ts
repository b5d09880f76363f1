import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { CheckResult } from './check-package.js';
import { messageOf } from './cli-error.js';

/** One file `npm pack --json` lists. @internal */
export interface PackedFile {
  readonly path: string;
  readonly size: number;
}

/** What `npm pack --json` says about one tarball. @internal */
export interface PackInfo {
  readonly filename: string;
  readonly files: readonly PackedFile[];
  readonly size: number;
  readonly entryCount: number;
}

/** Paths that are tests or test helpers: `*.test.*`, `*.test-d.*`, `*.spec.*`, anything under `test-support/`, `__tests__/`, `__mocks__/`. @internal */
export const TEST_FILE =
  /(^|\/)(test-support|__tests__|__mocks__)\/|\.(test|test-d|spec)\.(d\.)?[cm]?[jt]sx?(\.map)?$/;
/(^|\/)(test-support|__tests__|__mocks__)\/|\.(test|test-d|spec)\.[cm]?[jt]sx?(\.map)?$|\.d\.(test|spec)\./;

/**
 * What is wrong with a tarball's contents: tests or test helpers in it, source maps whose
 * `sources` are not shipped, or nothing built at all. @internal
 */
export function contentsResults(dir: string, info: PackInfo): CheckResult[] {
  const files = info.files.map((f) => f.path);
  const shipped = new Set(files);
  const results: CheckResult[] = [];
  const tests = files.filter((f) => TEST_FILE.test(f));
  results.push(
    tests.length === 0
      ? { group: 'pack', status: 'pass', message: 'no tests or test helpers in the tarball' }
      : {
          group: 'pack',
          status: 'fail',
          message: `the tarball ships ${tests.length} test file${tests.length === 1 ? '' : 's'}: ${list(tests)}`,
          hint: 'exclude them in package.json "files" ("!dist/**/*.test.*", "!dist/**/test-support/**"...) and from tsconfig.build.json',
        },
  );
  const dangling: string[] = [];
  const maps = files.filter((f) => f.endsWith('.map'));
  for (const map of maps) {
    let sources: unknown;
    try {
      sources = (JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources?: unknown }).sources;
    } catch (error) {
      dangling.push(`${map} (unreadable: ${messageOf(error)})`);
      continue;
    }
    if (!Array.isArray(sources)) continue;
    for (const source of sources) {
      if (typeof source !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(source)) continue;
      const target = posix.normalize(posix.join(posix.dirname(map), source));
      if (!shipped.has(target)) dangling.push(`${map} → ${source}`);
    }
  }
  results.push(
    dangling.length === 0
      ? {
          group: 'pack',
          status: 'pass',
          message: `${maps.length} source map${maps.length === 1 ? '' : 's'}, every source shipped`,
        }
      : {
          group: 'pack',
          status: 'fail',
          message: `source maps point at files the tarball does not ship: ${list(dangling)}`,
          hint: 'ship the sources ("src" in "files", minus its tests) or build without maps (sourceMap/declarationMap false)',
        },
  );
  if (!files.some((f) => /\.(m?js|cjs)$/.test(f) && !TEST_FILE.test(f))) {
    results.push({
      group: 'pack',
      status: 'fail',
      message: 'the tarball has no JavaScript',
      hint: 'build first (npm run build) and list the output directory in "files"',
    });
  }
  if (files.some((f) => f === '.env' || f.endsWith('/.env') || f.startsWith('node_modules/'))) {
    results.push({
      group: 'pack',
      status: 'fail',
      message: 'the tarball ships .env or node_modules files',
      hint: 'list only what users need in package.json "files"',
    });
  }
  return results;
}

const list = (items: readonly string[]): string =>
  items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', ');

/** Parses `npm pack --json` output (npm 7 and later print an array). @internal */
export function parsePackJson(stdout: string): PackInfo | undefined {
  try {
    const start = stdout.indexOf('[');
    const parsed = JSON.parse(start >= 0 ? stdout.slice(start) : stdout) as unknown;
    const info = Array.isArray(parsed) ? parsed[0] : parsed;
    if (typeof info !== 'object' || info === null) return undefined;
    const i = info as Record<string, unknown>;
    if (typeof i.filename !== 'string' || !Array.isArray(i.files)) return undefined;
    return {
      filename: i.filename,
      files: i.files.filter(
        (f): f is PackedFile =>
          typeof f === 'object' && f !== null && typeof (f as PackedFile).path === 'string',
      ),
      size: typeof i.size === 'number' ? i.size : 0,
      entryCount: typeof i.entryCount === 'number' ? i.entryCount : i.files.length,
    };
  } catch {
    return undefined;
  }
}
