/**
 * The version of this copy of `@livetools/core`, kept in step with its `package.json` (a test
 * checks it). Tool packages declare the core versions they were built for; {@link checkToolPackage}
 * compares that range with this version.
 *
 * @example
 * ```ts
 * import { coreVersion } from '@livetools/core';
 * console.log(`running @livetools/core ${coreVersion}`);
 * ```
 */
export const coreVersion = '0.1.0';
