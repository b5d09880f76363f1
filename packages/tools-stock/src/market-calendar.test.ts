import { describe, expect, it } from 'vitest';
import { isUsMarketOpen } from './is-us-market-open.js';
import { easterSunday, usMarketDay } from './market-calendar.js';
import { isForexMarketOpen } from './market-calendar-forex.js';

/** New York offset of a date: EDT (-04:00) from March to early November, EST (-05:00) otherwise, for the dates below. */
const offset = (date: string): string => {
  const month = Number(date.slice(5, 7));
  return month >= 4 && month <= 10
    ? '-04:00'
    : month === 3 && Number(date.slice(8)) >= 15
      ? '-04:00'
      : '-05:00';
};
const at = (date: string, clock: string): number => Date.parse(`${date}T${clock}:00${offset(date)}`);
const day = (date: string) => {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  return usMarketDay({ year, month, day: dayOfMonth });
};

// The NYSE's published calendars for 2025, 2026 and 2027 (holidays on weekdays only).
const HOLIDAYS: Record<string, string> = {
  '2025-01-01': "New Year's Day",
  '2025-01-09': 'National Day of Mourning for President Jimmy Carter',
  '2025-01-20': 'Martin Luther King Jr. Day',
  '2025-02-17': "Washington's Birthday",
  '2025-04-18': 'Good Friday',
  '2025-05-26': 'Memorial Day',
  '2025-06-19': 'Juneteenth',
  '2025-07-04': 'Independence Day',
  '2025-09-01': 'Labor Day',
  '2025-11-27': 'Thanksgiving Day',
  '2025-12-25': 'Christmas Day',
  '2026-01-01': "New Year's Day",
  '2026-01-19': 'Martin Luther King Jr. Day',
  '2026-02-16': "Washington's Birthday",
  '2026-04-03': 'Good Friday',
  '2026-05-25': 'Memorial Day',
  '2026-06-19': 'Juneteenth',
  '2026-07-03': 'Independence Day (observed)', // July 4 is a Saturday
  '2026-09-07': 'Labor Day',
  '2026-11-26': 'Thanksgiving Day',
  '2026-12-25': 'Christmas Day',
  '2027-01-01': "New Year's Day",
  '2027-01-18': 'Martin Luther King Jr. Day',
  '2027-02-15': "Washington's Birthday",
  '2027-03-26': 'Good Friday',
  '2027-05-31': 'Memorial Day',
  '2027-06-18': 'Juneteenth (observed)', // June 19 is a Saturday
  '2027-07-05': 'Independence Day (observed)', // July 4 is a Sunday
  '2027-09-06': 'Labor Day',
  '2027-11-25': 'Thanksgiving Day',
  '2027-12-24': 'Christmas Day (observed)', // December 25 is a Saturday
};

const EARLY_CLOSES: Record<string, string> = {
  '2025-07-03': 'the day before Independence Day',
  '2025-11-28': 'the day after Thanksgiving',
  '2025-12-24': 'Christmas Eve',
  '2026-11-27': 'the day after Thanksgiving',
  '2026-12-24': 'Christmas Eve',
  '2027-11-26': 'the day after Thanksgiving',
};

/** Weekdays next to holidays that trade a full day, where a wrong rule would close them. */
const FULL_DAYS = [
  '2025-01-02',
  '2025-04-17', // Thursday before Good Friday
  '2025-04-21', // Easter Monday
  '2026-07-02', // Thursday before the observed Independence Day: no early close
  '2026-12-31',
  '2027-07-02', // Friday before the observed Independence Day
  '2027-06-17',
  '2027-12-23',
  '2027-12-31', // New Year's Day 2028 is a Saturday: not observed on this Friday
];

describe('US equity market calendar', () => {
  it('closes on every NYSE holiday of 2025 to 2027, and says which', () => {
    for (const [date, name] of Object.entries(HOLIDAYS)) {
      expect(isUsMarketOpen(at(date, '11:00')), date).toBe(false);
      expect(day(date), date).toEqual({ closed: true, holiday: name, closeMinute: 960 });
    }
  });

  it('closes at 13:00 on the early-close days of 2025 to 2027', () => {
    for (const [date, why] of Object.entries(EARLY_CLOSES)) {
      expect(isUsMarketOpen(at(date, '09:30')), `${date} 9:30`).toBe(true);
      expect(isUsMarketOpen(at(date, '12:59')), `${date} 12:59`).toBe(true);
      expect(isUsMarketOpen(at(date, '13:00')), `${date} 13:00`).toBe(false);
      expect(isUsMarketOpen(at(date, '15:00')), `${date} 15:00`).toBe(false);
      expect(day(date), date).toEqual({ closed: false, closeMinute: 780, earlyClose: why });
    }
  });

  it('trades a full day on the weekdays next to them', () => {
    for (const date of FULL_DAYS) {
      expect(isUsMarketOpen(at(date, '15:59')), date).toBe(true);
      expect(isUsMarketOpen(at(date, '16:00')), date).toBe(false);
      expect(day(date), date).toEqual({ closed: false, closeMinute: 960 });
    }
  });

  it('finds Easter for Good Friday', () => {
    const easters = ['2019-04-21', '2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28', '2038-04-25'];
    for (const date of easters) {
      const year = Number(date.slice(0, 4));
      expect(easterSunday(year), date).toEqual({
        year,
        month: Number(date.slice(5, 7)),
        day: Number(date.slice(8)),
      });
    }
  });
});

describe('isForexMarketOpen', () => {
  it('is closed from Friday 17:00 to Sunday 17:00 New York time, winter and summer', () => {
    const cases: [string, string, boolean][] = [
      ['2025-01-10', '16:59', true], // Friday
      ['2025-01-10', '17:00', false],
      ['2025-01-11', '12:00', false], // Saturday
      ['2025-01-12', '16:59', false], // Sunday
      ['2025-01-12', '17:00', true],
      ['2025-01-13', '03:00', true], // Monday
      ['2025-07-11', '16:59', true], // Friday, daylight saving time
      ['2025-07-11', '17:00', false],
      ['2025-07-13', '17:00', true],
    ];
    for (const [date, clock, open] of cases)
      expect(isForexMarketOpen(at(date, clock)), `${date} ${clock}`).toBe(open);
    expect(isForexMarketOpen(Number.NaN)).toBe(false);
  });
});
