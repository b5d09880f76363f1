import type { AnyTool, JsonSchema } from '@livetools/core';
import { CliError, messageOf } from './cli-error.js';
import { type LoadedToolPackage, loadToolPackage } from './load-package.js';
import { readPackageJson } from './resolve-package.js';

/** One tool of a package, as `livetools info` and `check --against` see it. */
export interface ToolSummary {
  /** The function name. */
  readonly name: string;
  /** `streaming` or `one-shot`. */
  readonly kind: AnyTool['kind'];
  /** The description the model reads. */
  readonly description: string;
  /** The arguments' JSON Schema, as declared to the model. */
  readonly parameters: JsonSchema;
  /** The output contract's JSON Schema, when the tool declares one. */
  readonly output?: JsonSchema;
  /** The inputs (`audio`, `video`) the manifest says the tool reads. */
  readonly inputs: readonly string[];
}

/** A tool package, as `livetools info` and `check --against` see it. */
export interface PackageSummary {
  /** The package's directory. */
  readonly dir: string;
  /** Its package.json name, when it has one. */
  readonly name: string | undefined;
  /** Its package.json version, when it has one. */
  readonly version: string | undefined;
  /** The `@livetools/core` range its manifest declares (`toolPackage.core`), when it has a manifest. */
  readonly core: string | undefined;
  /** Its `peerDependencies["@livetools/core"]`, when it has one. */
  readonly peerCore: string | undefined;
  /** True when it exports a `toolPackage` manifest (else the tools are the ones it exports). */
  readonly hasManifest: boolean;
  /** Its tools, in manifest order. */
  readonly tools: readonly ToolSummary[];
}

function summarizeTool(tool: AnyTool, inputs: readonly string[]): ToolSummary {
  let declaration: ReturnType<AnyTool['declaration']>;
  try {
    declaration = tool.declaration();
  } catch (error) {
    throw new CliError(
      'IMPORT_FAILED',
      `Tool "${tool.name}" has parameters that do not convert to JSON Schema: ${messageOf(error)}. Run livetools check on it.`,
    );
  }
  const output = declaration.responseJsonSchema;
  return {
    name: tool.name,
    kind: tool.kind,
    description: tool.description,
    parameters: declaration.parametersJsonSchema,
    ...(output === undefined ? {} : { output }),
    inputs,
  };
}

/**
 * The summary of a loaded package: its name, version, core range and each tool's parameters and
 * output contract as JSON Schema.
 *
 * @example
 * ```ts
 * const summary = summarizeLoadedPackage(await loadToolPackage('.', process.cwd()));
 * ```
 */
export function summarizeLoadedPackage(pkg: LoadedToolPackage): PackageSummary {
  let peerCore: string | undefined;
  try {
    const peer = readPackageJson(pkg.dir).peerDependencies?.['@livetools/core'];
    peerCore = typeof peer === 'string' ? peer : undefined;
  } catch {
    peerCore = undefined;
  }
  const inputs = pkg.manifest?.inputs ?? {};
  return {
    dir: pkg.dir,
    name: pkg.name,
    version: pkg.version,
    core: pkg.manifest?.core,
    peerCore,
    hasManifest: pkg.manifest !== undefined,
    tools: pkg.tools.map((tool) => summarizeTool(tool, inputs[tool.name] ?? [])),
  };
}

/**
 * Loads a tool package (a directory, or an installed package name resolved from `cwd`) and
 * summarizes it for `livetools info`.
 *
 * @param spec - A directory (`.`, `./tools-clock`) or a package name (`@livetools/tools-stock`).
 * @param cwd - Where relative paths and names are resolved from.
 * @throws {@link CliError} when the package cannot be found, is not built, or fails to import.
 *
 * @example
 * ```ts
 * const { tools } = await summarizePackage('@livetools/tools-stock', process.cwd());
 * ```
 */
export async function summarizePackage(spec: string, cwd: string): Promise<PackageSummary> {
  return summarizeLoadedPackage(await loadToolPackage(spec, cwd));
}
