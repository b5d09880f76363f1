/**
 * Streaming tools that let a live agent watch stock prices. The tools arrive in a later release;
 * this entry point exists so the package layout is in place.
 *
 * @packageDocumentation
 */

/** The package's version, kept in step with `package.json`. */
export const version = '0.1.0';
