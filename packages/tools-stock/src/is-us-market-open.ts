import { type CalendarDay, US_OPEN_MINUTE, usMarketDay } from './market-calendar.js';

/** Made on first use, not when the package is imported. */
let newYorkClock: Intl.DateTimeFormat | undefined;

/** The largest distance from the epoch, in ms, that a `Date` can hold. */
const MAX_DATE_MS = 8.64e15;

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** A moment as a New York wall clock shows it. */
export interface NewYorkTime extends CalendarDay {
  /** 0 Sunday … 6 Saturday. */
  readonly weekday: number;
  /** Minutes since midnight, 0-1439. */
  readonly minute: number;
}

/**
 * `time` on the New York wall clock, daylight saving included; `undefined` for a time no `Date`
 * can hold (`NaN`, beyond ±8.64e15 ms). Never throws.
 *
 * @internal
 * @example
 * ```ts
 * newYorkTime(Date.parse('2024-03-05T15:00:00Z')); // { year: 2024, month: 3, day: 5, weekday: 2, minute: 600 }
 * ```
 */
export function newYorkTime(time: number): NewYorkTime | undefined {
  if (!(Math.abs(time) <= MAX_DATE_MS)) return undefined; // NaN too; formatToParts would throw a RangeError
  newYorkClock ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  let year = 0;
  let month = 0;
  let day = 0;
  let weekday = -1;
  let hour = 0;
  let minute = 0;
  for (const part of newYorkClock.formatToParts(time)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? -1;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  if (weekday < 0 || !(year > 0)) return undefined; // years BC, or a clock that names days otherwise
  return { year, month, day, weekday, minute: hour * 60 + minute };
}

/**
 * Whether the US equity regular session is open at `time`: 9:30 to 16:00 New York time on trading
 * days, 9:30 to 13:00 on early-close days; closed on weekends and exchange holidays (see
 * {@link usMarketDay} for the calendar).
 *
 * @param time - Epoch milliseconds.
 * @returns True during the regular session; false for a time no `Date` can hold (`NaN`, beyond
 *   ±8.64e15 ms, such as a time in nanoseconds). It never throws.
 *
 * @example
 * ```ts
 * isUsMarketOpen(Date.parse('2024-03-05T15:00:00Z')); // true  (10:00 in New York, a Tuesday)
 * isUsMarketOpen(Date.parse('2024-03-09T15:00:00Z')); // false (a Saturday)
 * isUsMarketOpen(Date.parse('2025-12-25T15:00:00Z')); // false (Christmas Day)
 * isUsMarketOpen(Date.parse('2025-12-24T18:30:00Z')); // false (13:30 on Christmas Eve, closed at 13:00)
 * ```
 */
export function isUsMarketOpen(time: number): boolean {
  // New York is a whole number of hours from UTC: the answer holds for the whole UTC minute
  const minute = Math.floor(time / 60_000);
  if (minute === lastMinute) return lastAnswer;
  const clock = newYorkTime(time);
  let open = false;
  if (clock !== undefined && clock.weekday !== 0 && clock.weekday !== 6 && clock.minute >= US_OPEN_MINUTE) {
    const day = usMarketDay(clock);
    open = !day.closed && clock.minute < day.closeMinute;
  }
  if (Number.isFinite(minute)) {
    lastMinute = minute;
    lastAnswer = open;
  }
  return open;
}

/** The last minute {@link isUsMarketOpen} answered for, and its answer: trades come in time order. */
let lastMinute = Number.NaN;
let lastAnswer = false;
