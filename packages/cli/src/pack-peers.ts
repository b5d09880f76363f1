import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { parsePackJson } from './pack-contents.js';
import { exec, NPM, tail } from './pack-exec.js';

/** Where a consumer gets one dependency from. @internal */
export interface PeerSource {
  /** The npm spec for the consumer's package.json: `file:/abs.tgz`, an exact version or a range. */
  readonly spec: string;
  /** For the progress line: `registry 7.8.2`, `local tarball`, `packed from /repo/packages/core`. */
  readonly from: string;
}

/** The directory `name` is installed in, looking up from `dir` as Node does, and the project it belongs to. */
function findInstalled(dir: string, name: string): { dir: string; project: string } | undefined {
  let at = resolve(dir);
  for (;;) {
    const candidate = join(at, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return { dir: candidate, project: at };
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/** The `resolved` of `name` in the project's `node_modules/.package-lock.json`, if any. */
function lockResolved(project: string, name: string): string | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(project, 'node_modules/.package-lock.json'), 'utf8')) as {
      packages?: Record<string, { resolved?: unknown }>;
    };
    const resolved = lock.packages?.[`node_modules/${name}`]?.resolved;
    return typeof resolved === 'string' ? resolved : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a strict consumer installs `name` from, so that it gets what the author built and tested
 * against: the copy installed for the package. A local tarball (`file:...tgz`) is used as it is; a
 * linked directory (a workspace, `npm link`) is packed into `work`; anything else is the registry's
 * copy of the installed version (npm's cache first). Not installed: `range` from the registry.
 * @internal
 */
export async function peerSource(
  dir: string,
  name: string,
  range: string,
  work: string,
): Promise<PeerSource> {
  const installed = findInstalled(dir, name);
  if (!installed) return { spec: range, from: `registry ${range}` };
  const resolvedLock = lockResolved(installed.project, name);
  if (resolvedLock?.startsWith('file:')) {
    const path = resolvedLock.slice('file:'.length);
    const tarball = isAbsolute(path) ? path : resolve(installed.project, path);
    if (/\.t(ar\.)?gz$/.test(tarball) && existsSync(tarball))
      return { spec: `file:${tarball}`, from: `local tarball ${tarball}` };
  }
  const real = realpathSync(installed.dir);
  if (!real.split(sep).includes('node_modules')) {
    const packed = await exec(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work, real], {
      cwd: work,
    });
    const info = packed.code === 0 ? parsePackJson(packed.stdout) : undefined;
    if (!info) throw new Error(`npm pack ${real} failed:\n${tail(packed.stderr || packed.stdout)}`);
    return { spec: `file:${join(work, info.filename)}`, from: `packed from ${real}` };
  }
  const version = (
    JSON.parse(readFileSync(join(installed.dir, 'package.json'), 'utf8')) as { version?: unknown }
  ).version;
  return typeof version === 'string'
    ? { spec: version, from: `registry ${version}` }
    : { spec: range, from: `registry ${range}` };
}
