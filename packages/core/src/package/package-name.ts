/**
 * npm's rules for the name of a new package, checked in one place for core (tool package
 * manifests) and the CLI (`livetools init`, `livetools check`).
 *
 * @packageDocumentation
 */

/** What a scope may hold: npm checks only that it is URL-safe. */
const SCOPE_CHARACTERS = /^[a-z0-9-._~]+$/;

/**
 * What the name after the scope may hold: URL-safe, without the characters npm no longer takes
 * in new names (`~'!()*`).
 */
const NAME_CHARACTERS = /^[a-z0-9-._]+$/;

/** Names npm refuses besides Node.js's built-in modules. */
const RESERVED = new Set(['node_modules', 'favicon.ico']);

let builtins: ReadonlySet<string> | undefined;

/** Node.js's built-in module names (`http`, `fs`...), when the runtime can list them; read once. */
function builtinModuleNames(): ReadonlySet<string> {
  if (builtins) return builtins;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const nodeModule = proc?.getBuiltinModule?.('node:module') as { builtinModules?: unknown } | undefined;
  builtins = new Set(
    Array.isArray(nodeModule?.builtinModules) ? (nodeModule.builtinModules as string[]) : [],
  );
  return builtins;
}

/**
 * Why `name` cannot be published to npm as a new package, or `undefined` when it can: npm's rules
 * (at most 214 characters, lowercase, no leading `-`, an optional `@scope/`, a name after it with
 * only `a-z`, `0-9`, `-`, `.` and `_` that does not start with `.` or `_`, not a Node.js built-in
 * module name). The reason reads after "is not a valid npm package name: ".
 *
 * @example
 * ```ts
 * packageNameProblem('@acme/tools-clock'); // undefined
 * packageNameProblem('Tools'); // 'it has uppercase letters'
 * packageNameProblem('tools~x'); // 'it may only have lowercase letters, digits, "-", "." and "_"'
 * ```
 */
export function packageNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 214) return `it is ${name.length} characters long (at most 214)`;
  if (name.trim() !== name) return 'it has leading or trailing spaces';
  if (name !== name.toLowerCase()) return 'it has uppercase letters';
  if (name.startsWith('-')) return 'it cannot start with "-"';
  let bare = name;
  if (name.startsWith('@')) {
    const match = /^@([^/]+)\/([^/]+)$/.exec(name);
    if (!match) return 'a scoped name looks like @scope/name, with exactly one "/"';
    const scope = match[1]!;
    bare = match[2]!;
    if (!SCOPE_CHARACTERS.test(scope))
      return `the scope "${scope}" may only have lowercase letters, digits, "-", ".", "_" and "~"`;
    if (/^[._]/.test(scope)) return 'the scope cannot start with "." or "_"';
  } else if (RESERVED.has(name) || builtinModuleNames().has(name)) {
    return `"${name}" is reserved`;
  }
  if (/^[._]/.test(bare)) return 'it cannot start with "." or "_"';
  if (!NAME_CHARACTERS.test(bare)) return 'it may only have lowercase letters, digits, "-", "." and "_"';
  return undefined;
}
