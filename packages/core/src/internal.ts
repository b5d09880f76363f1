/**
 * `@livetools/core/internal`: plumbing that livetools' own packages (the CLI, the tool packages)
 * share with core. It is **not part of the public API and not covered by semver**: any release may
 * change or remove what is here. Applications and tool packages import from `@livetools/core`
 * (and tests from `@livetools/core/testing`) instead.
 *
 * What is here: the version helpers the CLI checks manifests with, the function-name and
 * JSON Schema conversions it lints tools with, npm package-name checks, the structured problems
 * of a tool package manifest, the error-marker helpers every livetools error class uses, and the
 * shapes of the `@google/genai` callbacks the session hands to the SDK.
 *
 * @packageDocumentation
 */

export { errorMarker, hasErrorMarker, markError } from './error-marker.js';
export { packageNameProblem } from './package/package-name.js';
export { isVersion, isVersionRange, versionSatisfies } from './package/version-range.js';
export type { WireCallbacks, WireCloseEvent } from './protocol/genai-like.js';
export { assertFunctionName } from './tool/function-name.js';
export { toParametersJsonSchema } from './tool/schema.js';
