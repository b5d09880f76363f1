import { LivetoolsError, ToolDefinitionError } from '../errors.js';
import type { AnyTool } from '../tool/define-tool.js';
import { assertFunctionName } from '../tool/function-name.js';
import { checkToolPackage } from './check-tool-package.js';
import { defineToolPackage, type ToolPackage } from './define-tool-package.js';

/** What {@link renameTools} takes: a prefix for every tool's name, new names for some tools, or both. */
export interface RenameToolsOptions {
  /** Put in front of every tool's name (after `rename`), e.g. `'kitchen_'`: `timer` → `kitchen_timer`. */
  readonly prefix?: string;
  /** New names by current name, e.g. `{ timer: 'kitchen_timer' }`. Tools not named keep their name. */
  readonly rename?: Readonly<Record<string, string>>;
}

/** A tool under another name: the same tool, its declaration under the new name. */
function renamed<T extends AnyTool>(tool: T, name: string): T {
  return {
    ...tool,
    name,
    execute: tool.execute,
    declaration: () => ({ ...tool.declaration(), name }),
  };
}

/**
 * Gives a tool package's tools other names, so that two packages with a tool of the same name
 * can be used in one session: `toolsOf(kitchen, renameTools(sport, { prefix: 'sport_' }))`. The
 * tools behave as before; the model sees the new names (each must be a valid Gemini function
 * name: a letter or `_` first, then letters, digits, `_`, `.`, `:` or `-`, at most 128 characters).
 * The package's other fields are kept, and its `inputs` follow the new names.
 *
 * @param pkg - The package's exported `toolPackage` (checked with {@link checkToolPackage} first).
 * @param options - A `prefix` for every name, new names in `rename`, or both (`rename` applies first).
 * @returns A new manifest with the renamed tools, for {@link toolsOf}.
 * @throws {@link IncompatiblePackageError} when `pkg` is not a usable tool package.
 * @throws {@link ToolDefinitionError} when `rename` names a tool the package does not have, or a
 * new name is not a valid function name, is `stop_streaming`, or is given to two tools.
 *
 * @example
 * ```ts
 * import { createLiveAgent, renameTools, toolsOf } from '@livetools/core';
 * import { toolPackage as kitchen } from '@acme/tools-kitchen';
 * import { toolPackage as sport } from '@other/tools-sport';
 *
 * // both have a `timer` tool: the model sees `timer` and `sport_timer`
 * const tools = toolsOf(kitchen, renameTools(sport, { prefix: 'sport_' }));
 * const agent = createLiveAgent({ ai, model, tools });
 * ```
 */
export function renameTools<P extends ToolPackage>(pkg: P, options: RenameToolsOptions): P {
  checkToolPackage(pkg);
  const label = `renameTools(${pkg.name})`;
  const prefix = options?.prefix ?? '';
  const rename = options?.rename ?? {};
  if (typeof prefix !== 'string')
    throw new ToolDefinitionError(`${label}: \`prefix\` must be a string, such as 'sport_'.`);
  const names = pkg.tools.map((t) => t.name);
  for (const [from, to] of Object.entries(rename)) {
    if (!names.includes(from))
      throw new ToolDefinitionError(
        `${label}: there is no tool named "${from}"; its tools are ${names.join(', ')}.`,
      );
    if (typeof to !== 'string')
      throw new ToolDefinitionError(`${label}: the new name of "${from}" must be a string.`);
  }
  const newName = (name: string): string => `${prefix}${Object.hasOwn(rename, name) ? rename[name] : name}`;
  for (const name of names) {
    try {
      assertFunctionName(newName(name));
    } catch (error) {
      const why = LivetoolsError.isInstance(error) ? error.message : String(error);
      throw new ToolDefinitionError(`${label}: renaming "${name}": ${why}`);
    }
  }
  const tools = pkg.tools.map((tool) => renamed(tool, newName(tool.name)));
  const inputs = Object.fromEntries(
    Object.entries(pkg.inputs).map(([tool, kinds]) => [newName(tool), kinds]),
  );
  try {
    return defineToolPackage({
      name: pkg.name,
      version: pkg.version,
      core: pkg.core,
      tools,
      inputs,
      defaults: pkg.defaults,
    }) as unknown as P;
  } catch (error) {
    const why = LivetoolsError.isInstance(error) ? error.message : String(error);
    throw new ToolDefinitionError(`${label}: ${why}`);
  }
}
