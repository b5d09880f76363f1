import { ToolDefinitionError } from '../errors.js';
import type { AnyTool } from '../tool/define-tool.js';
import { manifestProblems } from './manifest-problems.js';

const marker = Symbol.for('livetools.tool-package');

/** A realtime input a tool reads from the session: `ctx.input.video$`, `audio$` or `text$`. */
export type ToolInputKind = 'video' | 'audio' | 'text';

/** Which realtime input each tool needs, by tool name. Tools that need none are left out. */
export type ToolInputs = Readonly<Record<string, readonly ToolInputKind[]>>;

/** A package's documented defaults: a plain JSON object (documentation, not configuration). */
export type ToolPackageDefaults = Readonly<Record<string, unknown>>;

/** What {@link defineToolPackage} takes. */
export interface ToolPackageDefinition<T extends readonly AnyTool[], D extends ToolPackageDefaults> {
  /** The package's npm name, as in its package.json (e.g. `@livetools/tools-stock`). */
  readonly name: string;
  /** The package's version, as in its package.json: read it from there (see the example of {@link defineToolPackage}). */
  readonly version: string;
  /** The range of `@livetools/core` versions the package was built for, e.g. `^0.1.0`. */
  readonly core: string;
  /** The tools, as given to `createLiveAgent({ tools })`. Names must be unique. */
  readonly tools: T;
  /** Which realtime input each tool needs, e.g. `{ monitor_video_stream: ['video'] }`. */
  readonly inputs?: ToolInputs;
  /**
   * The defaults the tools apply when the model leaves an argument out, for documentation and
   * tooling, by parameter name (`null`: none). `livetools check` checks each key that names a
   * tool's parameter: the parameter is optional and accepts the value.
   */
  readonly defaults?: D;
}

/**
 * A tool package manifest, made by {@link defineToolPackage}: a frozen description of a
 * published package of tools that tooling (the `livetools` CLI, {@link checkToolPackage}) can
 * read without running anything.
 */
export interface ToolPackage<
  T extends readonly AnyTool[] = readonly AnyTool[],
  D extends ToolPackageDefaults = ToolPackageDefaults,
> {
  /** Discriminant. */
  readonly kind: 'tool-package';
  /** The package's npm name. */
  readonly name: string;
  /** The package's version. */
  readonly version: string;
  /** The range of `@livetools/core` versions it was built for. */
  readonly core: string;
  /** Its tools (a frozen copy of the array given, named properties included). */
  readonly tools: T;
  /** Which realtime input each tool needs; tools that need none are absent. */
  readonly inputs: ToolInputs;
  /** Its documented defaults (`{}` when none were given). */
  readonly defaults: D;
}

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * Describes a package of tools: its npm name and version, its tools, the realtime input each
 * needs, its documented defaults and the `@livetools/core` versions it was built for. Export the
 * result as `toolPackage` from the package's entry point: `livetools check` and
 * {@link checkToolPackage} look for it, and applications take the tools with {@link toolsOf},
 * which first checks that the running core is one the package was built for.
 *
 * @param definition - The package's name, version, core range, tools, inputs and defaults.
 * @returns A frozen manifest.
 * @throws {@link ToolDefinitionError} when the definition is invalid (a name that npm rejects,
 * a version or range that is not semver, duplicate or invalid tool names, inputs naming unknown
 * tools or kinds, defaults that are not JSON). Core compatibility is not checked here.
 *
 * @example
 * ```ts
 * import { createRequire } from 'node:module';
 * import { defineToolPackage } from '@livetools/core';
 * import { countdown } from './countdown.js';
 *
 * // name, version and core range live in package.json only
 * const pkg = createRequire(import.meta.url)('../package.json') as {
 *   name: string;
 *   version: string;
 *   peerDependencies: { '@livetools/core': string };
 * };
 *
 * export const toolPackage = defineToolPackage({
 *   name: pkg.name,
 *   version: pkg.version,
 *   core: pkg.peerDependencies['@livetools/core'],
 *   tools: [countdown],
 *   defaults: { everySeconds: 1 }, // countdown's optional everySeconds
 * });
 * ```
 */
export function defineToolPackage<
  const T extends readonly AnyTool[],
  const D extends ToolPackageDefaults = Record<never, never>,
>(definition: ToolPackageDefinition<T, D>): ToolPackage<T, D> {
  const problems = manifestProblems(definition).map((issue) => issue.message);
  if (problems.length > 0) {
    if (problems.length === 1) throw new ToolDefinitionError(problems[0]!);
    const name = typeof definition?.name === 'string' ? definition.name : 'a tool package';
    throw new ToolDefinitionError(
      `defineToolPackage(${name}): ${problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}`,
    );
  }
  const tools = Object.freeze(Object.assign([...definition.tools], definition.tools)) as unknown as T;
  const inputs: ToolInputs = Object.freeze(
    Object.fromEntries(
      Object.entries(definition.inputs ?? {}).map(([tool, kinds]) => [tool, Object.freeze([...kinds])]),
    ),
  );
  const defaults = deepFreeze(structuredClone(definition.defaults ?? {})) as D;
  const manifest: ToolPackage<T, D> = {
    kind: 'tool-package',
    name: definition.name,
    version: definition.version,
    core: definition.core,
    tools,
    inputs,
    defaults,
  };
  Object.defineProperty(manifest, marker, { value: true });
  return Object.freeze(manifest);
}

/**
 * True when `value` is a manifest made by {@link defineToolPackage}, even by another copy of
 * `@livetools/core`.
 *
 * @example
 * ```ts
 * const module = await import('@livetools/tools-stock');
 * if (isToolPackage(module.toolPackage)) console.log(module.toolPackage.tools.map((t) => t.name));
 * ```
 */
export function isToolPackage(value: unknown): value is ToolPackage {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}
