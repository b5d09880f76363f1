/** `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with up to nine fraction digits (nanoseconds). */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Longest time the pattern can match; anything longer is refused before the pattern runs. */
const MAX_LENGTH = 35;

/**
 * Epoch milliseconds of an RFC 3339 time as Alpaca sends it (`2021-02-22T15:51:45.335689322Z`,
 * nanoseconds truncated to the millisecond; a `±HH:MM` offset is applied), or `NaN` when the
 * value is not such a time: not a string, no offset, a day that does not exist, years before 0100.
 * A leap second (`:60`) is read as the first millisecond of the next minute. Never throws, and
 * costs one bounded pattern match: safe on hostile input and on the hot path.
 *
 * @internal
 * @example
 * ```ts
 * parseRfc3339('2021-02-22T15:51:45.335689322Z'); // 1614009105335
 * parseRfc3339('soon'); // NaN
 * ```
 */
export function parseRfc3339(value: unknown): number {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return Number.NaN;
  const match = RFC3339.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s, fraction, sign, offsetHours, offsetMinutes] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 60) return Number.NaN;
  let offset = 0;
  if (sign !== undefined) {
    const oh = Number(offsetHours);
    const om = Number(offsetMinutes);
    if (oh > 23 || om > 59) return Number.NaN;
    offset = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
