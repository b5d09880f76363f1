/**
 * Streaming tools that watch the user's camera stream. The tools arrive in a later release;
 * this entry point exists so the package layout is in place.
 *
 * @packageDocumentation
 */

/** The package's version, kept in step with `package.json`. */
export const version = '0.1.0';
