import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CliError } from './cli-error.js';

/** The fields of a package.json the CLI reads. @internal */
export interface PackageJson {
  readonly name?: unknown;
  readonly version?: unknown;
  readonly type?: unknown;
  readonly exports?: unknown;
  readonly main?: unknown;
  readonly types?: unknown;
  readonly typings?: unknown;
  readonly files?: unknown;
  readonly sideEffects?: unknown;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** Reads `dir/package.json`. @internal */
export function readPackageJson(dir: string): PackageJson {
  const file = join(dir, 'package.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError('PACKAGE_NOT_FOUND', `There is no package.json in ${dir}.`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as PackageJson;
  } catch (error) {
    throw new CliError('PACKAGE_NOT_FOUND', `${file} is not a JSON object: ${(error as Error).message}.`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The directory of a package given as a path (`.`, `./tools-x`, `/abs/dir`) or as a package name
 * resolved the way Node does from `cwd` (its own package, then `node_modules` up the tree).
 *
 * @internal
 */
export function resolvePackageDir(spec: string, cwd: string): string {
  const looksLikePath = spec.startsWith('.') || isAbsolute(spec) || spec.includes('\\');
  const asPath = resolve(cwd, spec);
  if (
    looksLikePath ||
    (!spec.startsWith('@') && isDirectory(asPath) && existsSync(join(asPath, 'package.json')))
  ) {
    if (!existsSync(join(asPath, 'package.json'))) {
      throw new CliError('PACKAGE_NOT_FOUND', `There is no package.json in ${asPath}.`);
    }
    return asPath;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const own = join(dir, 'package.json');
    if (existsSync(own)) {
      try {
        if (readPackageJson(dir).name === spec) return dir;
      } catch {
        // not a readable package.json: keep looking
      }
    }
    const installed = join(dir, 'node_modules', spec);
    if (existsSync(join(installed, 'package.json'))) return realpathSync(installed);
    if (dirname(dir) === dir) break;
  }
  throw new CliError(
    'PACKAGE_NOT_FOUND',
    `Cannot find the package "${spec}" from ${cwd}: install it (npm install ${spec}) or pass its directory (./path/to/it).`,
  );
}

const IMPORT_CONDITIONS = ['import', 'node', 'default'];

/** The `"."` entry of an exports map, or `undefined`. @internal */
export function rootExport(exports: unknown): unknown {
  if (typeof exports === 'string' || Array.isArray(exports)) return exports;
  if (typeof exports !== 'object' || exports === null) return undefined;
  const keys = Object.keys(exports);
  if (keys.some((k) => k.startsWith('.'))) return (exports as Record<string, unknown>)['.'];
  return exports; // a conditions object for "."
}

/**
 * How deep conditions may nest in an exports map: real packages use two or three levels, and a
 * package.json nested thousands of levels deep must not overflow the stack.
 */
const MAX_CONDITION_DEPTH = 32;

/**
 * True for an exports target Node accepts: `./` then a path with no `.`, `..` or `node_modules`
 * segment, so that it stays inside the package (Node refuses others as invalid targets).
 */
function isPackageTarget(target: string): boolean {
  if (!target.startsWith('./')) return false;
  return target
    .slice(2)
    .split(/[/\\]/)
    .every((segment) => segment !== '..' && segment !== '.' && segment.toLowerCase() !== 'node_modules');
}

function pickTarget(entry: unknown, conditions: readonly string[], depth = 0): string | undefined {
  if (typeof entry === 'string') return isPackageTarget(entry) ? entry : undefined;
  if (depth >= MAX_CONDITION_DEPTH) return undefined;
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const target = pickTarget(item, conditions, depth + 1);
      if (target) return target;
    }
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  for (const [condition, value] of Object.entries(entry)) {
    if (conditions.includes(condition)) {
      const target = pickTarget(value, conditions, depth + 1);
      if (target) return target;
    }
  }
  return undefined;
}

/** What a package's `"."` export resolves to, as Node (import) and TypeScript (types) see it. @internal */
export interface PackageEntry {
  /** The JavaScript file `import('<name>')` loads, absolute; `undefined` when nothing resolves. */
  readonly js: string | undefined;
  /** The declaration file, absolute; `undefined` when there is none. */
  readonly types: string | undefined;
}

/** Resolves a package's `"."` entry from its exports map (or `main`/`types` without one). @internal */
export function resolveEntry(dir: string, pkg: PackageJson): PackageEntry {
  const root = rootExport(pkg.exports);
  const js =
    pkg.exports === undefined
      ? typeof pkg.main === 'string'
        ? pkg.main
        : 'index.js'
      : pickTarget(root, IMPORT_CONDITIONS);
  const types =
    pkg.exports === undefined
      ? typeof pkg.types === 'string'
        ? pkg.types
        : typeof pkg.typings === 'string'
          ? pkg.typings
          : undefined
      : findTypes(root);
  return {
    js: js === undefined ? undefined : resolve(dir, js),
    types: types === undefined ? undefined : resolve(dir, types),
  };
}

function findTypes(entry: unknown, depth = 0): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  if (depth >= MAX_CONDITION_DEPTH) return undefined;
  for (const [condition, value] of Object.entries(entry)) {
    if (condition === 'types' && typeof value === 'string') return isPackageTarget(value) ? value : undefined;
    if (condition === 'types' || condition === 'import' || condition === 'node' || condition === 'default') {
      const nested = findTypes(value, depth + 1);
      if (nested) return nested;
    }
  }
  return undefined;
}
