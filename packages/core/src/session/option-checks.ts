import { LivetoolsError } from '../errors.js';

/** The longest delay a timer can wait: Node (and browsers) fire a longer one at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * @internal
 * Checks a duration option: a number of milliseconds from `min` to {@link MAX_TIMER_MS}, or
 * `undefined` (the default applies). Throws an `INVALID_OPTION` {@link LivetoolsError} naming it.
 */
export function checkDuration(name: string, value: unknown, min = 0): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= MAX_TIMER_MS) return;
  throw new LivetoolsError(
    'INVALID_OPTION',
    `createLiveAgent: ${name} must be a number of milliseconds from ${min} to ${MAX_TIMER_MS} (about 24.8 days), ` +
      `got ${describe(value)}. Timers cannot wait longer: Node would fire a longer one at once.`,
  );
}

/** @internal Checks a count option: an integer of at least `min`, or `undefined`. */
export function checkCount(name: string, value: unknown, min = 1): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return;
  throw new LivetoolsError(
    'INVALID_OPTION',
    `createLiveAgent: ${name} must be a whole number of at least ${min}, got ${describe(value)}.`,
  );
}

function describe(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' ? `${value}` : typeof value;
}
