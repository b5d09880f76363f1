/**
 * `value` as a record when it is a plain JSON object (not `null`, not an array), else `undefined`:
 * the first check on every object a provider sends. Reads nothing on the value, so never throws.
 *
 * @internal
 * @example
 * ```ts
 * recordOf({ c: 1 })?.c; // 1
 * recordOf([1, 2]); // undefined
 * ```
 */
export function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
