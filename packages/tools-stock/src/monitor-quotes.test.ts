import { createTestScheduler } from '@livetools/core/testing';
import { map, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { type MonitorQuotesOptions, monitorQuotes } from './monitor-quotes.js';
import type { PriceReport } from './price-report.js';
import type { QuoteFeedStatus, QuoteUpdate } from './quote-source.js';

const quote = (price: number, marketOpen = true): QuoteUpdate => ({
  type: 'quote',
  quote: { symbol: 'AAPL', price, time: 1_700_000_000_000, source: 'test', marketOpen },
});
const status = (value: QuoteFeedStatus, reason?: string): QuoteUpdate => ({
  type: 'status',
  status: value,
  symbol: 'AAPL',
  time: 1_700_000_000_500,
  ...(reason ? { reason } : {}),
});

/** Reports as short strings (`kind:price:scheduling`), so marble diagrams stay readable. */
const brief = (report: PriceReport): string =>
  `${report.kind}:${report.feedStatus ?? report.price}:${report.scheduling}${report.alert ? `:${report.alert.direction}` : ''}`;

function testScheduler(): TestScheduler {
  return createTestScheduler(expect);
}

/** Leaves reports whole, for expectations on their fields. */
const whole = (report: PriceReport): PriceReport => report;

/** Runs `monitorQuotes(options)` over a cold marble source and checks the (projected) reports. */
function run(
  marbles: string,
  values: Record<string, QuoteUpdate>,
  options: MonitorQuotesOptions,
  expected: string,
  expectedValues: Record<string, unknown>,
  project: (report: PriceReport) => unknown = brief,
): void {
  testScheduler().run(({ cold, expectObservable }) => {
    const reports: Observable<unknown> = cold(marbles, values).pipe(monitorQuotes(options), map(project));
    expectObservable(reports).toBe(expected, expectedValues);
  });
}

describe('monitorQuotes', () => {
  it('reports the first quote at once, then only moves of the threshold from the last reported price', () => {
    run(
      'a-b-c-d-e-f-g-h',
      {
        a: quote(100),
        b: quote(100.3),
        c: quote(100.49),
        d: quote(100.5), // +0.5 % from 100: reported
        e: quote(100.7), // +0.2 % from 100.5 (but +0.7 % from 100): not reported
        f: quote(101.01), // +0.507 % from 100.5
        g: quote(100.6), // -0.406 % from 101.01
        h: quote(100.5), // -0.505 % from 101.01
      },
      { thresholdPercent: 0.5, maxReportsPerMinute: Number.POSITIVE_INFINITY },
      'a-----d---f---h',
      {
        a: 'initial:100:WHEN_IDLE',
        d: 'move:100.5:WHEN_IDLE',
        f: 'move:101.01:WHEN_IDLE',
        h: 'move:100.5:WHEN_IDLE',
      },
    );
  });

  it('computes changes since the last report and since the start', () => {
    run(
      'a-b-c',
      { a: quote(100), b: quote(100.5), c: quote(101.01) },
      {},
      'a-b-c',
      {
        a: expect.objectContaining({ kind: 'initial', change: 0, changePercent: 0, changeSinceStart: 0 }),
        b: expect.objectContaining({
          kind: 'move',
          symbol: 'AAPL',
          source: 'test',
          marketOpen: true,
          change: 0.5,
          changePercent: 0.5,
          changeSinceStart: 0.5,
          changePercentSinceStart: 0.5,
        }),
        c: expect.objectContaining({
          change: 0.51,
          changePercent: 0.507,
          changeSinceStart: 1.01,
          changePercentSinceStart: 1.01,
        }),
      },
      whole,
    );
  });

  it('uses the default threshold of 0.5 %', () => {
    run('a-b-c', { a: quote(200), b: quote(200.9), c: quote(201) }, {}, 'a---c', {
      a: 'initial:200:WHEN_IDLE',
      c: 'move:201:WHEN_IDLE',
    });
  });

  it('reports every change with a threshold of 0', () => {
    run(
      'a-b-c-d',
      { a: quote(10), b: quote(10), c: quote(10.01), d: quote(10) },
      { thresholdPercent: 0 },
      'a---c-d',
      {
        a: 'initial:10:WHEN_IDLE',
        c: 'move:10.01:WHEN_IDLE',
        d: 'move:10:WHEN_IDLE',
      },
    );
  });

  it('fires an alert above once per crossing and re-arms after the hysteresis', () => {
    run(
      'a-b-c-d-e-f-g-h',
      {
        a: quote(100),
        b: quote(104),
        c: quote(105), // crosses 105: alert
        d: quote(106), // still above: nothing
        e: quote(104.95), // back below, but within 0.1 % of the level: not re-armed
        f: quote(105.2), // so no second alert
        g: quote(104.8), // below 104.895: re-armed
        h: quote(105), // crosses again: alert
      },
      { thresholdPercent: 10, alertAbove: 105 },
      'a---c---------h',
      {
        a: 'initial:100:WHEN_IDLE',
        c: 'alert:105:INTERRUPT:above',
        h: 'alert:105:INTERRUPT:above',
      },
    );
  });

  it('fires an alert below once per crossing', () => {
    run(
      'a-b-c-d-e',
      { a: quote(100), b: quote(95), c: quote(94), d: quote(96), e: quote(94.9) },
      { thresholdPercent: 10, alertBelow: 95 },
      'a-b-----e',
      {
        a: 'initial:100:WHEN_IDLE',
        b: 'alert:95:INTERRUPT:below',
        e: 'alert:94.9:INTERRUPT:below',
      },
    );
  });

  it('marks an alert level already passed on the initial report, and does not fire it again at once', () => {
    run(
      'a-b-c-d',
      { a: quote(110), b: quote(111), c: quote(99), d: quote(101) },
      { thresholdPercent: 50, alertAbove: 100 },
      'a-----d',
      {
        a: expect.objectContaining({ kind: 'initial', alert: { direction: 'above', level: 100 } }),
        d: expect.objectContaining({ kind: 'alert', price: 101, scheduling: 'INTERRUPT' }),
      },
      whole,
    );
  });

  it('resets the move baseline on an alert', () => {
    run(
      'a-b-c',
      { a: quote(100), b: quote(101), c: quote(101.4) },
      { thresholdPercent: 0.5, alertAbove: 101 },
      'a-b--',
      { a: 'initial:100:WHEN_IDLE', b: 'alert:101:INTERRUPT:above' },
    );
  });

  it('limits ordinary moves to one per minIntervalMs, coalesced to the newest price', () => {
    run(
      // 0 2  5    10   15   20   25
      'a-b--c---------d--e---------f',
      {
        a: quote(100),
        b: quote(101), // a move, but too soon after the initial report: held
        c: quote(102), // replaces the held move
        d: quote(103), // at 15: 5 ms after the last report: held until 20
        e: quote(102.1), // at 18: back within the threshold of 102: nothing to report
        f: quote(103), // at 28: more than 10 ms after the last report: at once
      },
      { thresholdPercent: 0.5, minIntervalMs: 10 },
      'a---------c-----------------f',
      {
        a: 'initial:100:WHEN_IDLE',
        c: 'move:102:WHEN_IDLE',
        f: 'move:103:WHEN_IDLE',
      },
    );
  });

  it('never holds an alert back, and an alert replaces a held move', () => {
    run(
      'a-b-c-----------d',
      { a: quote(100), b: quote(101), c: quote(101.6), d: quote(103) },
      { thresholdPercent: 0.5, minIntervalMs: 10, alertAbove: 101.5 },
      'a---c-----------d',
      { a: 'initial:100:WHEN_IDLE', c: 'alert:101.6:INTERRUPT:above', d: 'move:103:WHEN_IDLE' },
    );
  });

  it('reports feed status changes silently, once per change, and only after the first quote', () => {
    run(
      'r-a-s-s-x-l-b',
      {
        r: status('reconnecting'),
        a: quote(100),
        s: status('stale', 'no data for 30 s'),
        x: status('reconnecting'),
        l: status('live'),
        b: quote(100.1),
      },
      { maxReportsPerMinute: Number.POSITIVE_INFINITY },
      '--a-s---x-l--',
      {
        a: 'initial:100:WHEN_IDLE',
        s: 'feed-status:stale:SILENT',
        x: 'feed-status:reconnecting:SILENT',
        l: 'feed-status:live:SILENT',
      },
    );
  });

  it('carries the last price and the reason on a feed-status report', () => {
    run(
      'a-s',
      { a: quote(100), s: status('stale', 'no data for 30 s') },
      {},
      'a-s',
      {
        a: expect.objectContaining({ kind: 'initial' }),
        s: expect.objectContaining({
          kind: 'feed-status',
          price: 100,
          feedStatus: 'stale',
          reason: 'no data for 30 s',
          time: 1_700_000_000_500,
          scheduling: 'SILENT',
        }),
      },
      whole,
    );
  });

  it('keeps the baseline across feed-status reports', () => {
    run('a-b-s-c', { a: quote(100), b: quote(100.4), s: status('stale'), c: quote(100.5) }, {}, 'a---s-c', {
      a: 'initial:100:WHEN_IDLE',
      s: 'feed-status:stale:SILENT',
      c: 'move:100.5:WHEN_IDLE',
    });
  });

  it('reports a held move when the source completes, and passes errors through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const completing = cold('a-b|', { a: quote(100), b: quote(102) });
      expectObservable(completing.pipe(monitorQuotes({ minIntervalMs: 100 }), map(brief))).toBe('a--(b|)', {
        a: 'initial:100:WHEN_IDLE',
        b: 'move:102:WHEN_IDLE',
      });
      const failing = cold('a-b#', { a: quote(100), b: quote(102) }, new Error('feed down'));
      expectObservable(failing.pipe(monitorQuotes({ minIntervalMs: 100 }), map(brief))).toBe(
        'a--#',
        { a: 'initial:100:WHEN_IDLE' },
        new Error('feed down'),
      );
    });
  });

  it('reports whether the market is open', () => {
    run('a', { a: quote(100, false) }, {}, 'a', { a: expect.objectContaining({ marketOpen: false }) }, whole);
  });

  it('refuses nonsensical options', () => {
    expect(() => monitorQuotes({ thresholdPercent: -1 })).toThrow(RangeError);
    expect(() => monitorQuotes({ minIntervalMs: Number.NaN })).toThrow(RangeError);
    expect(() => monitorQuotes({ alertAbove: 0 })).toThrow(RangeError);
  });
});

describe('monitorQuotes: the cap on reports a minute', () => {
  it('sends 3 at once, then merges the rest into one with the newest price, sent when the cap allows', () => {
    // 6 alert crossings in a row at 0..5 ms, then quiet; the cap is 6 a minute: one each 10 s
    run(
      'abcdef',
      { a: quote(100), b: quote(106), c: quote(99), d: quote(107), e: quote(98), f: quote(108) },
      { thresholdPercent: 50, alertAbove: 105, alertBelow: 99.5 },
      'abc 9997ms f',
      {
        a: 'initial:100:1',
        b: 'alert:106:1',
        c: 'alert:99:1',
        f: 'alert:108:3', // the alerts at 3..5 ms: one report at 10 s, with the newest price
      },
      (r) => `${r.kind}:${r.price}:${r.coalesced ?? 1}`,
    );
  });

  it('also caps feed status, and drops a held status the feed has undone', () => {
    const stale = status('stale');
    const live = status('live');
    run(
      'a-b-c-s-l',
      { a: quote(100), b: quote(102), c: quote(104), s: stale, l: live },
      { thresholdPercent: 1 },
      'a-b-c----',
      { a: 'initial:100:WHEN_IDLE', b: 'move:102:WHEN_IDLE', c: 'move:104:WHEN_IDLE' },
    );
  });

  it('drops a held move the price has undone, and sends what is held when the source completes', () => {
    // 100, 102, 104 use the burst of 3; 106 at 3 ms is over the cap
    const rising = { a: quote(100), b: quote(102), c: quote(104), d: quote(106) };
    const burst = { a: 'initial:100:WHEN_IDLE', b: 'move:102:WHEN_IDLE', c: 'move:104:WHEN_IDLE' };
    const held = { ...burst, d: 'move:106:WHEN_IDLE' };
    // at 10 s 106 is still a move from 104: sent then
    run('abcd', rising, { thresholdPercent: 1 }, 'abc 9997ms d', held);
    // back to 104.1 before the cap allows it: the move is undone, nothing more is sent
    run('abcde', { ...rising, e: quote(104.1) }, { thresholdPercent: 1 }, 'abc', burst);
    // the source completes while 106 is held: sent at once, before the completion
    run('abcd|', rising, { thresholdPercent: 1 }, 'abc-(d|)', held);
  });

  it('sends what the cap holds before the error when the source fails: a held alert is never lost', () => {
    // regression: the error dropped the held report, so the model never heard of the alert at 3 ms
    run(
      'abcd#',
      { a: quote(100), b: quote(102), c: quote(104), d: quote(106) },
      { thresholdPercent: 1, alertAbove: 105 },
      'abc-(d#)',
      {
        a: 'initial:100:WHEN_IDLE',
        b: 'move:102:WHEN_IDLE',
        c: 'move:104:WHEN_IDLE',
        d: 'alert:106:INTERRUPT:above',
      },
    );
  });

  it('refuses a cap below 1', () => {
    expect(() => monitorQuotes({ maxReportsPerMinute: 0 })).toThrow(RangeError);
    expect(() => monitorQuotes({ maxReportsPerMinute: Number.NaN })).toThrow(RangeError);
  });
});
