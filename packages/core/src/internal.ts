/**
 * `@livetools/core/internal`: plumbing that livetools' own packages (the CLI, the tool packages)
 * share with core. It is **not part of the public API and not covered by semver**: any release may
 * change or remove what is here. Applications and tool packages import from `@livetools/core`
 * (and tests from `@livetools/core/testing`) instead.
 *
 * What is here: the version helpers the CLI checks manifests with, the function-name and
 * JSON Schema conversions it lints tools with (`tool.declaration()` gives users the same schemas),
 * npm package-name checks, the model-name normalisation behind `resolveModelProfile` (whose
 * `normalizedModel` gives users its result), and the shapes of the `@google/genai` callbacks the
 * session hands to the SDK. The error-marker helpers are public: `@livetools/core` exports them.
 *
 * @packageDocumentation
 */

export { packageNameProblem } from './package/package-name.js';
export { isVersion, isVersionRange, versionSatisfies } from './package/version-range.js';
export { normalizeModelName } from './profiles/model-name.js';
export type { WireCallbacks, WireCloseEvent } from './protocol/genai-like.js';
export { assertFunctionName } from './tool/function-name.js';
export { toOutputJsonSchema } from './tool/output-contract.js';
export { toParametersJsonSchema } from './tool/schema.js';
