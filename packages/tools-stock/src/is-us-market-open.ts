/** Made on first use, not when the package is imported. */
let newYorkClock: Intl.DateTimeFormat | undefined;

const OPEN_MINUTE = 9 * 60 + 30;
const CLOSE_MINUTE = 16 * 60;
/** The largest distance from the epoch, in ms, that a `Date` can hold. */
const MAX_DATE_MS = 8.64e15;

/**
 * Whether the US equity regular session (Monday to Friday, 9:30 to 16:00 New York time) is open at
 * `time`. Exchange holidays and early closes are not taken into account.
 *
 * @param time - Epoch milliseconds.
 * @returns True during the regular session; false for a time no `Date` can hold (`NaN`, beyond
 *   ±8.64e15 ms, such as a time in nanoseconds). It never throws.
 *
 * @example
 * ```ts
 * isUsMarketOpen(Date.parse('2024-03-05T15:00:00Z')); // true  (10:00 in New York, a Tuesday)
 * isUsMarketOpen(Date.parse('2024-03-09T15:00:00Z')); // false (a Saturday)
 * ```
 */
export function isUsMarketOpen(time: number): boolean {
  if (!(Math.abs(time) <= MAX_DATE_MS)) return false; // NaN too; formatToParts would throw a RangeError
  let weekday = '';
  let hour = 0;
  let minute = 0;
  newYorkClock ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const part of newYorkClock.formatToParts(time)) {
    if (part.type === 'weekday') weekday = part.value;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  if (weekday === 'Sat' || weekday === 'Sun') return false;
  const minutes = hour * 60 + minute;
  return minutes >= OPEN_MINUTE && minutes < CLOSE_MINUTE;
}
