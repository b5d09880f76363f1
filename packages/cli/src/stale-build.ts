import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** What {@link compareBuild} found: the newest source and the newest built file, with their times. */
export interface BuildAge {
  /** The newest source file (relative to the package), and when it changed (ms since the epoch). */
  readonly source: { readonly file: string; readonly mtimeMs: number };
  /** The newest file of the build output (relative to the package), and when it was written. */
  readonly built: { readonly file: string; readonly mtimeMs: number };
  /** True when a source changed after the last build. */
  readonly stale: boolean;
}

const SOURCE = /\.(?:[cm]?[jt]sx?|json)$/;
/** Tests and their helpers are not built (tsconfig.build.json leaves them out): their changes do not count. */
const NOT_BUILT =
  /(?:\.test(?:-d)?\.[cm]?[jt]sx?$)|(?:^|[\\/])(?:test-support|__tests__|__fixtures__)(?:[\\/]|$)/;

/** The newest file under `root` that `keep` accepts, skipping node_modules and dot folders. */
function newest(
  root: string,
  keep: (path: string) => boolean,
): { file: string; mtimeMs: number } | undefined {
  let best: { file: string; mtimeMs: number } | undefined;
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(path);
      } else if (entry.isFile() && keep(path)) {
        const { mtimeMs } = statSync(path);
        if (!best || mtimeMs > best.mtimeMs) best = { file: path, mtimeMs };
      }
    }
  };
  walk(root);
  return best;
}

/**
 * Compares a package's sources (`src/`, tests and test helpers left out) with its build output
 * (the folder the entry is in, such as `dist/`): the build is stale when a source changed after
 * the newest built file was written. Incremental builds rewrite only what changed, so the newest
 * built file, not the entry, tells when the last build ran.
 *
 * @param dir - The package's directory.
 * @param entry - The built entry's absolute path (`dist/index.js`).
 * @returns The comparison, or undefined when there is no `src/` or no build output to compare.
 *
 * @example
 * ```ts
 * const age = compareBuild('packages/tools-clock', 'packages/tools-clock/dist/index.js');
 * if (age?.stale) console.log(`${age.source.file} changed after the last build`);
 * ```
 */
export function compareBuild(dir: string, entry: string): BuildAge | undefined {
  const src = join(dir, 'src');
  const top = relative(dir, entry).split(sep)[0];
  if (!top || top === 'src' || top === '..' || !existsSync(src)) return undefined;
  const out = join(dir, top);
  if (!existsSync(out) || !statSync(out).isDirectory()) return undefined;
  const source = newest(src, (path) => SOURCE.test(path) && !NOT_BUILT.test(relative(src, path)));
  const built = newest(out, () => true);
  if (!source || !built) return undefined;
  return {
    source: { file: relative(dir, source.file), mtimeMs: source.mtimeMs },
    built: { file: relative(dir, built.file), mtimeMs: built.mtimeMs },
    stale: source.mtimeMs > built.mtimeMs,
  };
}
