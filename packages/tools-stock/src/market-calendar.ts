/**
 * The US equity exchange calendar (NYSE and Nasdaq share it): full-day holidays and 13:00 early
 * closes, computed from the exchanges' rules rather than read from a list that runs out.
 */

/**
 * A calendar day, as a wall clock in New York shows it.
 *
 * @example
 * ```ts
 * const christmas: CalendarDay = { year: 2025, month: 12, day: 25 };
 * ```
 */
export interface CalendarDay {
  /** The year, e.g. 2025. */
  readonly year: number;
  /** The month, 1 (January) to 12. */
  readonly month: number;
  /** The day of the month, 1 to 31. */
  readonly day: number;
}

/**
 * One trading day of the US equity market, as {@link usMarketDay} describes it.
 *
 * @example
 * ```ts
 * const day: UsMarketDay = { closed: false, closeMinute: 13 * 60, earlyClose: 'Christmas Eve' };
 * ```
 */
export interface UsMarketDay {
  /** True on weekends and exchange holidays. */
  readonly closed: boolean;
  /** The holiday's name, when the exchanges are closed for one. */
  readonly holiday?: string;
  /** Minute of the New York day the regular session ends: 960 (16:00), or 780 (13:00) on an early close. */
  readonly closeMinute: number;
  /** Why the session ends at 13:00, on an early-close day. */
  readonly earlyClose?: string;
}

/** Minute of the New York day the regular session opens (9:30). */
export const US_OPEN_MINUTE = 9 * 60 + 30;
/** Minute of the New York day the regular session closes (16:00). */
export const US_CLOSE_MINUTE = 16 * 60;
/** Minute of the New York day the session closes on an early-close day (13:00). */
export const US_EARLY_CLOSE_MINUTE = 13 * 60;

/**
 * Closures decreed for one day only, which no rule yields (e.g. national days of mourning).
 * Keyed `YYYY-MM-DD`.
 */
const SPECIAL_CLOSURES: Readonly<Record<string, string>> = {
  '2025-01-09': 'National Day of Mourning for President Jimmy Carter',
};

/**
 * How the US equity market trades on a New York calendar day: closed on Saturdays, Sundays and
 * exchange holidays (New Year's Day, Martin Luther King Jr. Day, Washington's Birthday, Good
 * Friday, Memorial Day, Juneteenth, Independence Day, Labor Day, Thanksgiving, Christmas), with a
 * holiday on a Sunday observed the Monday after and one on a Saturday the Friday before, except
 * New Year's Day, which is then not observed at all (the Friday before ends the year). The
 * session ends at 13:00 on the day before Independence Day, the day after Thanksgiving and
 * Christmas Eve, when those are trading days.
 *
 * @param date - The day in New York.
 * @returns Whether the market opens that day, and when it closes.
 *
 * @example
 * ```ts
 * usMarketDay({ year: 2026, month: 7, day: 3 }); // { closed: true, holiday: 'Independence Day (observed)', closeMinute: 960 }
 * usMarketDay({ year: 2025, month: 11, day: 28 }).closeMinute; // 780 (13:00, the day after Thanksgiving)
 * ```
 */
export function usMarketDay(date: CalendarDay): UsMarketDay {
  const weekday = weekdayOf(date);
  if (weekday === 0 || weekday === 6) return { closed: true, closeMinute: US_CLOSE_MINUTE };
  const holiday = holidayOn(date);
  if (holiday !== undefined) return { closed: true, holiday, closeMinute: US_CLOSE_MINUTE };
  const earlyClose = earlyCloseOn(date, weekday);
  return earlyClose === undefined
    ? { closed: false, closeMinute: US_CLOSE_MINUTE }
    : { closed: false, closeMinute: US_EARLY_CLOSE_MINUTE, earlyClose };
}

/** The holiday the exchanges close for on a weekday `date`, if any. */
function holidayOn(date: CalendarDay): string | undefined {
  const { year, month, day } = date;
  const special = SPECIAL_CLOSURES[keyOf(date)];
  if (special !== undefined) return special;
  const on = (m: number, d: number): boolean => month === m && day === d;
  // fixed-date holidays, moved off weekends (New Year's Day only to the Monday)
  const newYear = observed({ year, month: 1, day: 1 }, false);
  if (newYear && on(newYear.month, newYear.day) && newYear.year === year) return "New Year's Day";
  if (year >= 2022) {
    const juneteenth = observed({ year, month: 6, day: 19 }, true);
    if (juneteenth && on(juneteenth.month, juneteenth.day)) return named('Juneteenth', juneteenth, 19);
  }
  const july4 = observed({ year, month: 7, day: 4 }, true);
  if (july4 && on(july4.month, july4.day)) return named('Independence Day', july4, 4);
  const christmas = observed({ year, month: 12, day: 25 }, true);
  if (christmas && on(christmas.month, christmas.day)) return named('Christmas Day', christmas, 25);
  // Monday and Thursday holidays
  if (year >= 1998 && on(1, nthWeekday(year, 1, 1, 3))) return 'Martin Luther King Jr. Day';
  if (on(2, nthWeekday(year, 2, 1, 3))) return "Washington's Birthday";
  if (on(5, lastWeekday(year, 5, 1))) return 'Memorial Day';
  if (on(9, nthWeekday(year, 9, 1, 1))) return 'Labor Day';
  if (on(11, nthWeekday(year, 11, 4, 4))) return 'Thanksgiving Day';
  const easter = easterSunday(year);
  const goodFriday = addDays(easter, -2);
  if (on(goodFriday.month, goodFriday.day)) return 'Good Friday';
  return undefined;
}

/** Why the session ends at 13:00 on the trading day `date` (weekday 1-5), if it does. */
function earlyCloseOn(date: CalendarDay, weekday: number): string | undefined {
  const { year, month, day } = date;
  // July 3 on Monday to Thursday (on a Friday it is the observed holiday itself)
  if (month === 7 && day === 3 && weekday <= 4) return 'the day before Independence Day';
  if (month === 11 && day === nthWeekday(year, 11, 4, 4) + 1) return 'the day after Thanksgiving';
  if (month === 12 && day === 24 && weekday <= 4) return 'Christmas Eve';
  return undefined;
}

/** The day a fixed-date holiday is observed: Sunday → Monday; Saturday → Friday, or none. */
function observed(date: CalendarDay, saturdayToFriday: boolean): CalendarDay | undefined {
  const weekday = weekdayOf(date);
  if (weekday === 0) return addDays(date, 1);
  if (weekday === 6) return saturdayToFriday ? addDays(date, -1) : undefined;
  return date;
}

function named(name: string, observedDay: CalendarDay, actualDay: number): string {
  return observedDay.day === actualDay ? name : `${name} (observed)`;
}

/** Day of the month of the `n`-th `weekday` (0 Sunday … 6 Saturday) of `month`. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = weekdayOf({ year, month, day: 1 });
  return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
}

/** Day of the month of the last `weekday` of `month`. */
function lastWeekday(year: number, month: number, weekday: number): number {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = weekdayOf({ year, month, day: days });
  return days - ((last - weekday + 7) % 7);
}

/**
 * Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm), which Good Friday
 * follows.
 *
 * @internal
 * @example
 * ```ts
 * easterSunday(2026); // { year: 2026, month: 4, day: 5 }
 * ```
 */
export function easterSunday(year: number): CalendarDay {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

function weekdayOf(date: CalendarDay): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function addDays(date: CalendarDay, days: number): CalendarDay {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function keyOf(date: CalendarDay): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
