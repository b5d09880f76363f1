import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { CliError, messageOf } from './cli-error.js';

/** A previous version of a package, on disk for as long as the comparison needs it. */
export interface PreviousVersion extends AsyncDisposable {
  /** Its directory (with package.json and its built entry). */
  readonly dir: string;
  /** How it was found: the directory given, or the npm spec packed. */
  readonly source: string;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      command,
      [...args],
      { cwd, timeout: 120_000, maxBuffer: 16 << 20, shell: process.platform === 'win32' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr: stderr || (error && !stderr ? messageOf(error) : '') });
      },
    );
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The tarball name `npm pack --json` printed, or undefined when the output is not what npm prints. */
function packedFile(stdout: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(stdout);
    const first = Array.isArray(parsed) ? (parsed[0] as unknown) : undefined;
    const filename =
      typeof first === 'object' && first !== null ? (first as { filename?: unknown }).filename : undefined;
    return typeof filename === 'string' ? filename : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts the previous version of a package on disk for `livetools check --against`.
 *
 * - A directory (a previous build, or an unpacked tarball) is used where it is.
 * - Anything else (an npm spec such as `@scope/tools-clock@1.2.0`, a tarball path or URL) is
 *   fetched with `npm pack` and unpacked into a scratch directory under `dir/node_modules/.cache`,
 *   so that its imports of `@livetools/core`, `rxjs` and `zod` resolve to this package's own.
 *   The scratch directory goes when the result is disposed.
 *
 * @param spec - What `--against` was given.
 * @param dir - The package being checked.
 * @param cwd - Where a relative path is resolved from.
 * @throws {@link CliError} `PREVIOUS_VERSION_UNAVAILABLE` when npm cannot fetch or unpack it.
 *
 * @example
 * ```ts
 * await using previous = await fetchPreviousVersion('@livetools/tools-stock@0.1.0', '.', process.cwd());
 * const summary = await summarizePackage(previous.dir, process.cwd());
 * ```
 */
export async function fetchPreviousVersion(spec: string, dir: string, cwd: string): Promise<PreviousVersion> {
  if (spec.trim() === '' || spec.startsWith('-')) {
    throw new CliError(
      'PREVIOUS_VERSION_UNAVAILABLE',
      `--against ${JSON.stringify(spec)} is not a version to compare with: pass a directory, a tarball or an npm spec such as name@1.2.0.`,
    );
  }
  const asPath = resolve(cwd, spec);
  const looksLikePath = spec.startsWith('.') || isAbsolute(spec);
  if (isDirectory(asPath) && (looksLikePath || existsSync(join(asPath, 'package.json')))) {
    if (!existsSync(join(asPath, 'package.json'))) {
      throw new CliError(
        'PREVIOUS_VERSION_UNAVAILABLE',
        `--against ${spec}: there is no package.json in ${asPath}. Pass the previous version's package directory, or an npm spec such as name@1.0.0.`,
      );
    }
    return { dir: asPath, source: asPath, [Symbol.asyncDispose]: async () => {} };
  }
  const cache = join(dir, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, 'livetools-against-'));
  const dispose = async (): Promise<void> => rmSync(scratch, { recursive: true, force: true });
  try {
    // A tarball path is packed from where the user named it; a spec is resolved by npm.
    const target = looksLikePath || existsSync(asPath) ? asPath : spec;
    const packed = await run(
      'npm',
      ['pack', target, '--json', '--ignore-scripts', '--pack-destination', scratch],
      scratch,
    );
    const file = packed.code === 0 ? packedFile(packed.stdout) : undefined;
    if (file === undefined) {
      const why =
        packed.stderr.split('\n').find((line) => /npm (error|ERR!)/.test(line)) ?? packed.stderr.trim();
      throw new CliError(
        'PREVIOUS_VERSION_UNAVAILABLE',
        `--against ${spec}: npm pack could not fetch it${why ? ` (${why.slice(0, 300)})` : ''}. ` +
          'Pass a published version (name@1.2.0), a tarball, or the directory of a previous build.',
      );
    }
    const unpacked = await run('tar', ['-xzf', join(scratch, file), '-C', scratch], scratch);
    if (unpacked.code !== 0 || !existsSync(join(scratch, 'package', 'package.json'))) {
      throw new CliError(
        'PREVIOUS_VERSION_UNAVAILABLE',
        `--against ${spec}: unpacking ${file} failed (${unpacked.stderr.trim() || 'no package/package.json inside'}). Unpack it yourself and pass the directory.`,
      );
    }
    return { dir: join(scratch, 'package'), source: spec, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
