import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import {
  type AnyTool,
  checkToolPackage,
  coreVersion,
  IncompatiblePackageError,
  type LiveFunctionDeclaration,
  LivetoolsError,
  type PackageIssue,
  type ToolPackage,
} from '@livetools/core';
import {
  assertFunctionName,
  isVersion,
  isVersionRange,
  packageNameProblem,
  versionSatisfies,
} from '@livetools/core/internal';
import { checkDefaults } from './check-defaults.js';
import { CliError, messageOf } from './cli-error.js';
import { schemaType } from './info-schema.js';
import { lintToolParameters } from './lint-parameters.js';
import { importEntry, manifestOf, toolsExportedBy } from './load-package.js';
import {
  type PackageEntry,
  type PackageJson,
  readPackageJson,
  resolveEntry,
  rootExport,
} from './resolve-package.js';
import { undocumentedParameters } from './schema-rules.js';
import { compareBuild } from './stale-build.js';

/** The outcome of one check: passed, a warning (publishable, but worth fixing), or a failure. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One line of a {@link CheckReport}. */
export interface CheckResult {
  /** What was checked: `package.json`, `build`, `manifest` or `tool <name>`. */
  readonly group: string;
  /** How it went. */
  readonly status: CheckStatus;
  /** What was found, in one sentence. */
  readonly message: string;
  /** What to do about it (failures and warnings). */
  readonly hint?: string;
}

/** What {@link checkPackage} found. */
export interface CheckReport {
  /** The package's directory. */
  readonly dir: string;
  /** Its package.json name, when it has one. */
  readonly name: string | undefined;
  /** Its package.json version, when it has one. */
  readonly version: string | undefined;
  /** The `@livetools/core` version the package was checked against (the CLI's). */
  readonly coreVersion: string;
  /** Every check, in order. */
  readonly results: readonly CheckResult[];
  /** How many checks passed, warned and failed. */
  readonly counts: Readonly<Record<CheckStatus, number>>;
  /** True when nothing failed (warnings allowed). */
  readonly ok: boolean;
}

const CORE = '@livetools/core';
const PEERS = [CORE, 'rxjs', 'zod'];

class Results {
  readonly list: CheckResult[] = [];
  #group: string;
  constructor(group: string) {
    this.#group = group;
  }
  in(group: string): this {
    this.#group = group;
    return this;
  }
  pass(message: string): void {
    this.list.push({ group: this.#group, status: 'pass', message });
  }
  warn(message: string, hint?: string): void {
    this.list.push({ group: this.#group, status: 'warn', message, ...(hint ? { hint } : {}) });
  }
  fail(message: string, hint?: string): void {
    this.list.push({ group: this.#group, status: 'fail', message, ...(hint ? { hint } : {}) });
  }
}

/** The first key of every conditions object where `types` is not first, as `exports` paths. */
function typesNotFirst(entry: unknown, path: string): string[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [];
  const keys = Object.keys(entry);
  const here = keys.includes('types') && keys[0] !== 'types' ? [path] : [];
  return [
    ...here,
    ...keys.flatMap((k) =>
      typesNotFirst((entry as Record<string, unknown>)[k], `${path}[${JSON.stringify(k)}]`),
    ),
  ];
}

function checkPackageJson(r: Results, pkg: PackageJson, dir: string, entry: PackageEntry): void {
  r.in('package.json');
  const name = pkg.name;
  const nameProblem = typeof name === 'string' ? packageNameProblem(name) : 'it is missing';
  if (nameProblem)
    r.fail(
      `name ${JSON.stringify(name) ?? ''} is not a valid npm package name: ${nameProblem}.`,
      'Use a lowercase name such as "@scope/tools-clock".',
    );
  else r.pass(`name "${name}" is a valid npm package name`);

  if (typeof pkg.version === 'string' && isVersion(pkg.version)) r.pass(`version ${pkg.version}`);
  else
    r.fail(
      `version ${JSON.stringify(pkg.version) ?? '(missing)'} is not a semantic version.`,
      'Use "0.1.0" or similar.',
    );

  if (pkg.type === 'module') r.pass('"type": "module"');
  else
    r.fail(
      `"type" is ${JSON.stringify(pkg.type) ?? 'missing'}: livetools packages are ES modules.`,
      'Add "type": "module".',
    );

  const root = rootExport(pkg.exports);
  const example = '"exports": { ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js" } }';
  if (pkg.exports === undefined) {
    r.fail('There is no "exports" map.', `Add ${example}.`);
  } else if (root === undefined) {
    r.fail('"exports" has no "." entry.', `Add ${example}.`);
  } else if (typeof root === 'string' || entry.types === undefined) {
    r.fail('exports["."] has no "types" condition: TypeScript users would get no types.', `Use ${example}.`);
  } else {
    const misplaced = typesNotFirst(root, 'exports["."]');
    if (misplaced.length > 0) {
      r.fail(
        `"types" is not the first condition in ${misplaced.join(', ')}: TypeScript picks the first matching condition.`,
        'Move "types" first.',
      );
    } else if (entry.js === undefined) {
      r.fail('exports["."] has no "import" or "default" target.', `Use ${example}.`);
    } else {
      r.pass(`exports["."] has "types" first, then ${relative(dir, entry.js)}`);
    }
  }

  const files = Array.isArray(pkg.files)
    ? pkg.files.filter((f): f is string => typeof f === 'string')
    : undefined;
  const targets = [entry.js, entry.types].filter((t): t is string => t !== undefined);
  if (!files) {
    r.fail(
      'There is no "files" list: npm would publish what .gitignore leaves, usually without dist.',
      'Add "files": ["dist"].',
    );
  } else {
    const included = (target: string): boolean =>
      files.some((f) => {
        if (f.startsWith('!')) return false;
        const base = resolve(dir, f.replace(/\/\*\*?(\/\*)?$/, ''));
        return target === base || target.startsWith(base + sep);
      });
    const missing = targets.filter((t) => !included(t)).map((t) => relative(dir, t));
    if (missing.length > 0) {
      r.fail(
        `"files" does not include ${missing.join(', ')}: users would install a package without it.`,
        'Add "dist" to "files".',
      );
    } else {
      r.pass(
        `"files" includes ${[...new Set(targets.map((t) => relative(dir, t).split(sep)[0]))].join(', ') || 'the entry'}`,
      );
    }
  }

  const deps = dependencyMap(r, pkg, 'dependencies');
  const peers = dependencyMap(r, pkg, 'peerDependencies');
  for (const peer of PEERS) {
    if (peer in deps) {
      r.fail(
        `${peer} is in "dependencies": the application and your package would each get their own copy.`,
        `Move it to "peerDependencies" (and "devDependencies" for your tests).`,
      );
    }
  }
  const coreRange = peers[CORE];
  if (coreRange === undefined) {
    if (!(CORE in deps)) r.fail(`${CORE} is not in "peerDependencies".`, `Add "${CORE}": "^${coreVersion}".`);
  } else if (!isVersionRange(coreRange)) {
    r.fail(`peerDependencies["${CORE}"] is "${coreRange}", not a version range.`, `Use "^${coreVersion}".`);
  } else if (!versionSatisfies(coreVersion, coreRange)) {
    r.fail(
      `peerDependencies["${CORE}"] is "${coreRange}", which ${CORE} ${coreVersion} (this CLI's) does not satisfy.`,
      `Build against the released core: "^${coreVersion}", or use a livetools CLI of a matching version.`,
    );
  } else {
    r.pass(`peerDependencies["${CORE}"] "${coreRange}" accepts ${CORE} ${coreVersion}`);
  }
  for (const peer of ['rxjs', 'zod']) {
    if (peer in peers) r.pass(`${peer} is a peer dependency`);
    else if (!(peer in deps))
      r.warn(
        `${peer} is not in "peerDependencies".`,
        `Tools return RxJS Observables with zod schemas: add "${peer}" as a peer.`,
      );
  }
  if (pkg.sideEffects === false) r.pass('"sideEffects": false');
  else
    r.warn(
      '"sideEffects" is not false: bundlers cannot drop the tools an application does not use.',
      'Add "sideEffects": false.',
    );
}

/**
 * Checks the manifest as core will when the package is loaded. Returns the problems core listed
 * (each with its code): they already cover each tool's name and description.
 */
function checkManifest(
  r: Results,
  manifest: ToolPackage,
  exportName: string,
  pkg: PackageJson,
): readonly PackageIssue[] {
  r.in('manifest');
  if (exportName === 'toolPackage')
    r.pass(
      `toolPackage found: ${manifest.tools.length} tool${manifest.tools.length === 1 ? '' : 's'}, built for ${CORE} ${manifest.core}`,
    );
  else
    r.fail(
      `The manifest is exported as "${exportName}", not "toolPackage": toolsOf users and livetools look for toolPackage.`,
      `Export it as toolPackage: export const toolPackage = defineToolPackage({ ... }) (or export { ${exportName} as toolPackage }).`,
    );
  let listed: readonly PackageIssue[] = [];
  // A bad name shared with package.json was reported there, by npm's full rules: not again here.
  const nameReported =
    manifest.name === pkg.name &&
    (typeof pkg.name !== 'string' || packageNameProblem(pkg.name) !== undefined);
  try {
    checkToolPackage(manifest);
    r.pass(`compatible with the running ${CORE} ${coreVersion}`);
  } catch (error) {
    if (IncompatiblePackageError.isInstance(error)) {
      for (const issue of error.issues)
        if (!(nameReported && issue.code === 'PACKAGE_NAME')) r.fail(issue.message);
      listed = error.issues;
    } else {
      r.fail(messageOf(error));
    }
  }
  if (manifest.name !== pkg.name) {
    r.fail(
      `toolPackage.name is "${manifest.name}" but package.json says ${JSON.stringify(pkg.name)}.`,
      'Make them equal.',
    );
  }
  if (manifest.version !== pkg.version) {
    r.fail(
      `toolPackage.version is "${manifest.version}" but package.json says ${JSON.stringify(pkg.version)}.`,
      "Read them from package.json once: createRequire(import.meta.url)('../package.json').version (livetools init does).",
    );
  } else if (manifest.name === pkg.name) {
    r.pass(`name and version match package.json (${manifest.name}@${manifest.version})`);
  }
  const defaults = checkDefaults(manifest);
  for (const problem of defaults.problems) r.fail(problem.message, problem.hint);
  if (defaults.problems.length === 0 && defaults.checked.length + defaults.unmatched.length > 0) {
    const unmatched = defaults.unmatched.length
      ? `${defaults.checked.length ? '; ' : ''}${defaults.unmatched.join(', ')} name${defaults.unmatched.length === 1 ? 's' : ''} no parameter`
      : '';
    r.pass(`defaults match the parameters they name (${defaults.checked.join(', ')}${unmatched})`);
  }
  const peer = pkg.peerDependencies?.[CORE];
  if (peer !== undefined && peer !== manifest.core) {
    r.warn(
      `toolPackage.core is "${manifest.core}" but peerDependencies["${CORE}"] is "${peer}".`,
      'Use the same range in both.',
    );
  }
  return listed;
}

/**
 * Checks one tool, the `index`-th of the manifest. `listed`: the problems core listed for the
 * manifest; a bad name or an empty description it listed for this tool is not reported again.
 */
function checkTool(r: Results, tool: AnyTool, index: number, listed: readonly PackageIssue[]): void {
  r.in(`tool ${typeof tool.name === 'string' ? tool.name : '(unnamed)'}`);
  const coreListed = (code: PackageIssue['code']) =>
    listed.some((issue) => issue.code === code && issue.path === `tools[${index}]`);
  try {
    assertFunctionName(tool.name);
    r.pass('valid Gemini function name');
  } catch (error) {
    if (!coreListed('TOOL_NAME')) r.fail(messageOf(error));
  }
  if (typeof tool.description === 'string' && tool.description.trim() !== '') r.pass('has a description');
  else if (!coreListed('TOOL_DESCRIPTION'))
    r.fail(
      'The description is empty: the model reads it to decide when to call the tool.',
      'Say what it does and when to call it.',
    );

  let declaration: LiveFunctionDeclaration;
  try {
    declaration = tool.declaration();
  } catch (error) {
    r.fail(`Its parameters do not convert to JSON Schema: ${messageOf(error)}`, 'Use a zod object schema.');
    return;
  }
  const schema = declaration.parametersJsonSchema;
  if (typeof schema !== 'object' || schema === null || schema.type !== 'object') {
    r.fail('Its parameters JSON Schema is not an object schema.', 'Use z.object({...}).');
    return;
  }
  const count =
    typeof schema.properties === 'object' && schema.properties !== null
      ? Object.keys(schema.properties).length
      : 0;
  r.pass(`parameters convert to JSON Schema (${count} parameter${count === 1 ? '' : 's'})`);

  const findings = lintToolParameters(tool.parameters, schema);
  for (const f of findings) {
    if (f.severity === 'error') r.fail(f.message);
    else r.warn(f.message);
  }
  if (findings.length === 0) r.pass('the schema uses only what the Live API accepts');

  const undocumented = undocumentedParameters(schema);
  if (undocumented.length === 0) {
    if (count > 0) r.pass('every parameter has a description');
  } else {
    r.warn(
      `No description for ${undocumented.join(', ')}: the model guesses what to pass.`,
      "Document each field with .describe('...').",
    );
  }
  checkOutputContract(r, tool, declaration);
}

/** Shows a tool's output contract (the `output` schema it declares), when it has one. */
function checkOutputContract(r: Results, tool: AnyTool, declaration: LiveFunctionDeclaration): void {
  if (tool.output === undefined) return;
  const contract = declaration.responseJsonSchema;
  if (typeof contract !== 'object' || contract === null) {
    r.warn(
      'It has an output schema, but its declaration carries no responseJsonSchema: it was built with an older @livetools/core.',
      'Rebuild against the current @livetools/core.',
    );
    return;
  }
  r.pass(`output contract: ${schemaType(contract)}`);
}

function report(dir: string, pkg: PackageJson | undefined, results: readonly CheckResult[]): CheckReport {
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const result of results) counts[result.status] += 1;
  return {
    dir,
    name: typeof pkg?.name === 'string' ? pkg.name : undefined,
    version: typeof pkg?.version === 'string' ? pkg.version : undefined,
    coreVersion,
    results,
    counts,
    ok: counts.fail === 0,
  };
}

/**
 * Checks everything that would make a tool package fail for its users: package.json (name,
 * version, ESM, exports with types first, files, peer dependencies), the built entry (it exists
 * and imports), the `toolPackage` manifest (found, compatible with the running core, in step with
 * package.json) and each tool (name, description, a parameters schema the Live API accepts,
 * documented parameters). Never throws for a broken package: every problem is a failed check.
 *
 * @param dir - The package's directory (build it first).
 * @returns The report: every check, counts, and `ok` when nothing failed.
 *
 * @example
 * ```ts
 * const report = await checkPackage('packages/tools-clock');
 * if (!report.ok) console.log(formatCheckReport(report));
 * ```
 */
export async function checkPackage(dir: string): Promise<CheckReport> {
  const r = new Results('package.json');
  let pkg: PackageJson;
  try {
    pkg = readPackageJson(dir);
  } catch (error) {
    r.fail(messageOf(error), 'Run livetools check in a package directory, or pass one.');
    return report(dir, undefined, r.list);
  }
  const entry = resolveEntry(dir, pkg);
  checkPackageJson(r, pkg, dir, entry);

  r.in('build');
  if (entry.types !== undefined) {
    if (existsSync(entry.types)) r.pass(`${relative(dir, entry.types)} exists`);
    else r.fail(`${relative(dir, entry.types)} does not exist.`, 'Build the package (npm run build).');
  }
  if (entry.js !== undefined && existsSync(entry.js)) {
    let age: ReturnType<typeof compareBuild>;
    try {
      age = compareBuild(dir, entry.js);
    } catch (error) {
      r.warn(`Could not compare the build with src: ${messageOf(error)}`);
    }
    const out = relative(dir, entry.js).split(sep)[0];
    if (age?.stale)
      r.fail(
        `${out} is older than its sources: ${age.source.file} changed after the last build.`,
        'Rebuild (npm run build) and check again: check loads what is built, not src.',
      );
    else if (age) r.pass(`${out} is newer than src`);
  }
  let module: Readonly<Record<string, unknown>>;
  try {
    module = await importEntry(dir, entry);
    r.pass(`${relative(dir, entry.js!)} imports`);
  } catch (error) {
    const code = CliError.isInstance(error) ? error.code : undefined;
    const cause = error instanceof Error ? error.cause : undefined;
    const refusedTool = LivetoolsError.isInstance(cause) && cause.code === 'TOOL_DEFINITION';
    r.fail(
      messageOf(error),
      code === 'ENTRY_NOT_FOUND'
        ? undefined
        : refusedTool
          ? 'A tool definition threw while the entry loaded, and a module stops at its first error: fix this one, rebuild and check again to see the next.'
          : 'Fix the error, rebuild and check again.',
    );
    return report(dir, pkg, r.list);
  }

  let found: ReturnType<typeof manifestOf>;
  try {
    found = manifestOf(module);
  } catch (error) {
    r.in('manifest');
    r.fail(messageOf(error), 'Fix the manifest, rebuild and check again.');
    return report(dir, pkg, r.list);
  }
  let tools: readonly AnyTool[];
  let listed: readonly PackageIssue[] = [];
  if (found) {
    listed = checkManifest(r, found.manifest, found.exportName, pkg);
    tools = found.manifest.tools;
  } else {
    r.in('manifest');
    r.fail(
      'The entry does not export a tool package manifest.',
      `Add: export const toolPackage = defineToolPackage({ name, version, core: '^${coreVersion}', tools }).`,
    );
    tools = toolsExportedBy(module);
  }
  if (tools.length === 0) {
    r.in('tools').fail(
      'The package exports no tools.',
      'Define them with defineStreamingTool() or defineTool().',
    );
  }
  for (const [index, tool] of tools.entries()) checkTool(r, tool, index, listed);
  return report(dir, pkg, r.list);
}

/** `pkg[field]` when it is an object of names (what npm reads); otherwise `{}`, failed as such when present. */
function dependencyMap(
  r: Results,
  pkg: PackageJson,
  field: 'dependencies' | 'peerDependencies',
): Record<string, string | undefined> {
  const value: unknown = pkg[field];
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, string | undefined>;
  }
  r.fail(
    `"${field}" is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not an object of package names and version ranges.`,
    `Write it as { "name": "range" }, e.g. "${field}": { "rxjs": "^7.8.0" }.`,
  );
  return {};
}
