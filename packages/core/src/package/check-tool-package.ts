import { coreVersion as runningCoreVersion } from './core-version.js';
import { isToolPackage, type ToolPackage } from './define-tool-package.js';
import { IncompatiblePackageError } from './incompatible-package-error.js';
import { manifestProblems, unreadableManifest } from './manifest-problems.js';
import type { PackageIssue } from './package-issue.js';
import { compareVersions, lowestOf, parseRange, parseVersion, versionSatisfies } from './version-range.js';

const CORE = '@livetools/core';

/** Options of {@link checkToolPackage}. */
export interface CheckToolPackageOptions {
  /** The core version to check against. Default: the running one (`coreVersion`). */
  readonly coreVersion?: string;
}

/** `0.1.x` for 0.x versions (where a minor is a breaking change), `2.x` from 1.0 on. */
function releaseLine(version: string): string {
  const v = parseVersion(version);
  if (!v) return version;
  return v.major === 0 ? `0.${v.minor}.x` : `${v.major}.x`;
}

/** The sentence that says a package was built for other core versions, and what to do about it. */
function rangeProblem(name: string, version: string, range: string, running: string): string {
  const head = `${name} ${version} was built for ${CORE} ${range} but ${running} is running`;
  const sets = parseRange(range);
  const current = parseVersion(running);
  const tooOld = sets && current ? compareVersions(current, lowestOf(sets)) < 0 : false;
  return tooOld
    ? `${head}: upgrade ${CORE} to ${range} (npm install ${CORE}@"${range}"), or install a release of ${name} built for ${CORE} ${releaseLine(running)}.`
    : `${head}: upgrade ${name} to a release built for ${CORE} ${releaseLine(running)} (npm install ${name}@latest), or install ${CORE}@"${range}".`;
}

/**
 * Checks that a tool package can be used with the running `@livetools/core`: it is a manifest
 * made by {@link defineToolPackage}, well formed (valid and unique tool names, known inputs), and
 * its `core` range is satisfied by {@link coreVersion}. Use {@link toolsOf} to check and take the
 * tools in one step.
 *
 * @param pkg - The package's exported `toolPackage`.
 * @param options - The core version to check against (default: the running one).
 * @throws {@link IncompatiblePackageError} listing every problem, each with what to do.
 *
 * @example
 * ```ts
 * import { checkToolPackage } from '@livetools/core';
 * import { toolPackage } from '@livetools/tools-stock';
 *
 * checkToolPackage(toolPackage); // throws if this core is not one the package was built for
 * ```
 */
export function checkToolPackage(
  pkg: unknown,
  options: CheckToolPackageOptions = {},
): asserts pkg is ToolPackage {
  const running = options.coreVersion ?? runningCoreVersion;
  let name: string | undefined;
  let version: string | undefined;
  let problems: PackageIssue[];
  try {
    const record = (typeof pkg === 'object' && pkg !== null ? pkg : {}) as Partial<Record<string, unknown>>;
    name = typeof record.name === 'string' ? record.name : undefined;
    version = typeof record.version === 'string' ? record.version : undefined;
    if (!isToolPackage(pkg)) {
      throw new IncompatiblePackageError(name, version, [
        {
          code: 'NOT_A_TOOL_PACKAGE',
          message: `${name ?? 'This value'} is not a tool package: export one made with defineToolPackage() from ${CORE}, as \`toolPackage\`.`,
        },
      ]);
    }
    problems = manifestProblems(pkg);
    if (problems.length === 0 && !versionSatisfies(running, pkg.core)) {
      problems.push({
        code: 'CORE_MISMATCH',
        message: rangeProblem(pkg.name, pkg.version, pkg.core, running),
      });
    }
  } catch (error) {
    if (IncompatiblePackageError.isInstance(error)) throw error;
    problems = [unreadableManifest(error)];
  }
  if (problems.length > 0) throw new IncompatiblePackageError(name, version, problems);
}

/** A tool-name prefix made from a package name: `@other/tools-sport` → `sport_`. */
function prefixFor(packageName: string): string {
  const base = (packageName.split('/').pop() ?? '').replace(/^tools?-/, '').replace(/[^A-Za-z0-9_]+/g, '_');
  return /^[A-Za-z_]/.test(base) && base.length <= 40 ? `${base}_` : 'pkg_';
}

/** The tools of several packages, as one array type. */
export type ToolsOf<P extends readonly ToolPackage[]> = P[number]['tools'][number][];

/**
 * Checks tool packages with {@link checkToolPackage} and returns all their tools in one array,
 * ready for `createLiveAgent({ tools })`. Fails when two packages have a tool of the same name:
 * give one package's tools other names with {@link renameTools} first.
 *
 * @param packages - The packages' exported `toolPackage` manifests.
 * @returns A new array with every package's tools, in order.
 * @throws {@link IncompatiblePackageError} when a package was built for other core versions, is
 * invalid, or names a tool that an earlier package already has.
 *
 * @example
 * ```ts
 * import { createLiveAgent, toolsOf } from '@livetools/core';
 * import { toolPackage as stock } from '@livetools/tools-stock';
 * import { toolPackage as video } from '@livetools/tools-video';
 *
 * const agent = createLiveAgent({ ai, model, tools: toolsOf(stock, video) });
 * ```
 */
export function toolsOf<const P extends readonly ToolPackage[]>(...packages: P): ToolsOf<P> {
  const owners = new Map<string, string>();
  const tools: ToolsOf<P> = [];
  for (const pkg of packages) {
    checkToolPackage(pkg);
    for (const tool of pkg.tools) {
      const owner = owners.get(tool.name);
      if (owner !== undefined) {
        const prefix = prefixFor(pkg.name);
        throw new IncompatiblePackageError(pkg.name, pkg.version, [
          {
            code: 'TOOL_NAME_CLASH',
            toolName: tool.name,
            message:
              `${pkg.name} and ${owner} both have a tool named "${tool.name}"; a session needs unique tool names: ` +
              `rename the tools of one package with renameTools(toolPackage, { prefix: '${prefix}' }), or just this one with ` +
              `{ rename: { ${tool.name}: '${prefix}${tool.name}' } }, and pass that to toolsOf.`,
          },
        ]);
      }
      owners.set(tool.name, pkg.name);
      tools.push(tool);
    }
  }
  return tools;
}
