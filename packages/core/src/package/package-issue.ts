/**
 * The structured problems of a tool package: what {@link IncompatiblePackageError.issues} lists.
 *
 * @packageDocumentation
 */

/**
 * What is wrong with a tool package, one stable code per kind of problem:
 * - `NOT_A_TOOL_PACKAGE`: the value is not a manifest made by `defineToolPackage`;
 * - `UNREADABLE_MANIFEST`: reading the manifest threw (a Proxy, a getter that throws);
 * - `PACKAGE_NAME`, `PACKAGE_VERSION`, `CORE_RANGE`: the manifest's `name` is not a valid npm
 *   package name, its `version` not an exact version, its `core` not a version range;
 * - `NO_TOOLS`: `tools` is not a non-empty array; `NOT_A_TOOL`: one entry of it is not a tool;
 * - `TOOL_NAME`: a tool's name is not a valid Gemini function name; `RESERVED_TOOL_NAME`: it is
 *   `stop_streaming`; `DUPLICATE_TOOL_NAME`: two tools of the package share it;
 * - `TOOL_DESCRIPTION`: a tool has no description;
 * - `INPUTS`: `inputs` is malformed, names a tool the package does not have, or lists an unknown
 *   or repeated input kind;
 * - `DEFAULTS`: `defaults` is not a plain JSON object;
 * - `CORE_MISMATCH`: the running `@livetools/core` is not in the package's `core` range;
 * - `TOOL_NAME_CLASH`: `toolsOf` got two packages with a tool of the same name.
 */
export type PackageIssueCode =
  | 'NOT_A_TOOL_PACKAGE'
  | 'UNREADABLE_MANIFEST'
  | 'PACKAGE_NAME'
  | 'PACKAGE_VERSION'
  | 'CORE_RANGE'
  | 'NO_TOOLS'
  | 'NOT_A_TOOL'
  | 'TOOL_NAME'
  | 'RESERVED_TOOL_NAME'
  | 'DUPLICATE_TOOL_NAME'
  | 'TOOL_DESCRIPTION'
  | 'INPUTS'
  | 'DEFAULTS'
  | 'CORE_MISMATCH'
  | 'TOOL_NAME_CLASH';

/**
 * One problem found in a tool package.
 *
 * @example
 * ```ts
 * const issue: PackageIssue = {
 *   code: 'TOOL_DESCRIPTION',
 *   message: '@acme/tools-clock: tool "countdown" needs a description; the model reads it to decide when to call it.',
 *   toolName: 'countdown',
 *   path: 'tools[0]',
 * };
 * ```
 */
export interface PackageIssue {
  /** What kind of problem it is (see {@link PackageIssueCode}). */
  readonly code: PackageIssueCode;
  /** One sentence that says what is wrong and what to do. */
  readonly message: string;
  /** The tool it is about, when it is about one tool with a string name. */
  readonly toolName?: string;
  /** Where in the manifest, e.g. `name`, `tools[2]`, `inputs.watch[0]`, `defaults.when`. */
  readonly path?: string;
}
