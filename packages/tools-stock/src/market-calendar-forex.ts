import { newYorkTime } from './is-us-market-open.js';

/** Minute of the New York day the forex week ends on Friday and starts on Sunday (17:00). */
const FOREX_ROLL_MINUTE = 17 * 60;

/**
 * Whether the spot forex market trades at `time`: around the clock from Sunday 17:00 to Friday
 * 17:00 New York time, closed over the weekend in between.
 *
 * @param time - Epoch milliseconds.
 * @returns False from Friday 17:00 to Sunday 17:00 New York time, and for a time no `Date` can
 *   hold; true otherwise. It never throws.
 *
 * @example
 * ```ts
 * isForexMarketOpen(Date.parse('2025-03-07T21:59:00Z')); // true  (Friday 16:59 in New York)
 * isForexMarketOpen(Date.parse('2025-03-08T12:00:00Z')); // false (Saturday)
 * ```
 */
export function isForexMarketOpen(time: number): boolean {
  // New York is a whole number of hours from UTC: the answer holds for the whole UTC minute
  const minute = Math.floor(time / 60_000);
  if (minute === lastMinute) return lastAnswer;
  const open = forexOpenAt(time);
  if (Number.isFinite(minute)) {
    lastMinute = minute;
    lastAnswer = open;
  }
  return open;
}

/** The last minute {@link isForexMarketOpen} answered for, and its answer: ticks come in time order. */
let lastMinute = Number.NaN;
let lastAnswer = false;

function forexOpenAt(time: number): boolean {
  const clock = newYorkTime(time);
  if (clock === undefined) return false;
  if (clock.weekday === 6) return false;
  if (clock.weekday === 5) return clock.minute < FOREX_ROLL_MINUTE;
  if (clock.weekday === 0) return clock.minute >= FOREX_ROLL_MINUTE;
  return true;
}
