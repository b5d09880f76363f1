/**
 * The version of `@livetools/cli`, kept in step with its package.json (a test checks it).
 *
 * @example
 * ```ts
 * console.log(`livetools ${cliVersion}`);
 * ```
 */
export const cliVersion = '0.1.0';
