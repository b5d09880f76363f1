import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyTool, isToolPackage, type ToolPackage } from '@livetools/core';
import { CliError, messageOf } from './cli-error.js';
import {
  type PackageEntry,
  type PackageJson,
  readPackageJson,
  resolveEntry,
  resolvePackageDir,
} from './resolve-package.js';

/**
 * A tool package loaded from disk by {@link loadToolPackage}.
 */
export interface LoadedToolPackage {
  /** The package's directory. */
  readonly dir: string;
  /** Its package.json `name`, when it is a string. */
  readonly name: string | undefined;
  /** Its package.json `version`, when it is a string. */
  readonly version: string | undefined;
  /** The module its `"."` export resolves to, imported. */
  readonly module: Readonly<Record<string, unknown>>;
  /** Its manifest: the `toolPackage` export, else the first export that is one. */
  readonly manifest: ToolPackage | undefined;
  /** The name of the export that holds the manifest. */
  readonly manifestExport: string | undefined;
  /** The manifest's tools; without a manifest, every tool (or array of tools) the module exports. */
  readonly tools: readonly AnyTool[];
}

/** True when `value` looks like a tool made by `defineStreamingTool` or `defineTool` (any copy of core). @internal */
export function isTool(value: unknown): value is AnyTool {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  try {
    return (
      (v.kind === 'streaming' || v.kind === 'one-shot') &&
      typeof v.name === 'string' &&
      typeof v.declaration === 'function' &&
      typeof v.execute === 'function'
    );
  } catch {
    return false; // a getter or a Proxy trap that throws: not a tool this CLI can read
  }
}

/** Every tool a module exports, alone or in arrays, first of each name. @internal */
export function toolsExportedBy(module: Readonly<Record<string, unknown>>): AnyTool[] {
  const found = new Map<string, AnyTool>();
  for (const value of Object.values(module)) {
    const candidates = Array.isArray(value) ? value : [value];
    for (const candidate of candidates) {
      if (isTool(candidate) && !found.has(candidate.name)) found.set(candidate.name, candidate);
    }
  }
  return [...found.values()];
}

/** The manifest a module exports: `toolPackage` first, else any export that is one. @internal */
export function manifestOf(
  module: Readonly<Record<string, unknown>>,
): { readonly manifest: ToolPackage; readonly exportName: string } | undefined {
  if (isToolPackage(module.toolPackage)) return readable(module.toolPackage, 'toolPackage');
  for (const [exportName, value] of Object.entries(module)) {
    if (isToolPackage(value)) return readable(value, exportName);
  }
  return undefined;
}

/**
 * The manifest, once its `tools` are known to be an array of tools: an object can carry the
 * manifest's marker without having been made by `defineToolPackage`.
 */
function readable(
  manifest: ToolPackage,
  exportName: string,
): { readonly manifest: ToolPackage; readonly exportName: string } {
  let ok = false;
  try {
    const tools: unknown = manifest.tools;
    ok = Array.isArray(tools) && tools.every((tool) => isTool(tool));
  } catch {
    // a getter or a Proxy trap that throws: not readable
  }
  if (!ok) {
    throw new CliError(
      'INVALID_MANIFEST',
      `The tool package manifest exported as "${exportName}" does not list its tools as an array of tools ` +
        'made by defineTool or defineStreamingTool. Make it with defineToolPackage({ name, version, core, tools }).',
    );
  }
  return { manifest, exportName };
}

/**
 * How long importing a package's entry may take: its top-level code runs then. One that never
 * finishes (a top-level await that never settles) is an error, not a silent hang or exit.
 */
const IMPORT_TIMEOUT_MS = 30_000;

/** Imports a package's JavaScript entry, failing when that takes longer than `timeoutMs`. @internal */
export async function importEntry(
  dir: string,
  entry: PackageEntry,
  timeoutMs = IMPORT_TIMEOUT_MS,
): Promise<Readonly<Record<string, unknown>>> {
  if (entry.js === undefined) {
    throw new CliError('ENTRY_NOT_FOUND', `${dir}/package.json has no "." export to import.`);
  }
  if (!existsSync(entry.js)) {
    throw new CliError(
      'ENTRY_NOT_FOUND',
      `${relative(dir, entry.js) || entry.js} does not exist in ${dir}: build the package first (npm run build).`,
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CliError(
            'IMPORT_FAILED',
            `Importing ${entry.js} did not finish within ${timeoutMs / 1000} s: a top-level await in the package (or a module it imports) never settles.`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return (await Promise.race([import(pathToFileURL(entry.js).href), stalled])) as Record<string, unknown>;
  } catch (error) {
    if (CliError.isInstance(error)) throw error;
    throw new CliError('IMPORT_FAILED', `Importing ${entry.js} failed: ${messageOf(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loads a tool package the way an application would: resolves it (a directory, or a package name
 * resolved from `cwd`), imports its `"."` export and finds its manifest and tools.
 *
 * @param spec - A directory (`./tools-clock`, `/abs/path`) or a package name (`@livetools/tools-stock`).
 * @param cwd - Where relative paths and names are resolved from.
 * @throws {@link CliError} when the package cannot be found, is not built, or fails to import.
 *
 * @example
 * ```ts
 * const pkg = await loadToolPackage('@livetools/tools-stock', process.cwd());
 * console.log(pkg.tools.map((t) => t.name)); // ['monitor_stock_price', 'get_stock_price']
 * ```
 */
export async function loadToolPackage(spec: string, cwd: string): Promise<LoadedToolPackage> {
  const dir = resolvePackageDir(spec, cwd);
  const packageJson: PackageJson = readPackageJson(dir);
  const module = await importEntry(dir, resolveEntry(dir, packageJson));
  const found = manifestOf(module);
  return {
    dir,
    name: typeof packageJson.name === 'string' ? packageJson.name : undefined,
    version: typeof packageJson.version === 'string' ? packageJson.version : undefined,
    module,
    manifest: found?.manifest,
    manifestExport: found?.exportName,
    tools: found ? [...found.manifest.tools] : toolsExportedBy(module),
  };
}
