import { createTestScheduler } from '@livetools/core/testing';
import { createSimulatedSource, monitorQuotes, type PriceReport } from '@livetools/tools-stock';
import { first } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { alertLevels, moveWatchRequest, simulatorExamples } from '../src/simulator.js';

/** The console's offline settings (agent.ts): the simulated market at 240x, 0.3 % moves, 30 reports a minute. */
const offline = { speed: 240, thresholdPercent: 0.3, maxReportsPerMinute: 30 };

/**
 * Plays the first suggestion in virtual time: the symbol's path runs for `offsetMinutes` first (the
 * user watched it, or the console ran, before), then the model looks the price up and watches with
 * the levels it derives from it. Returns when the first INTERRUPT came, in ms after the watch started.
 */
function firstInterruptAfter(symbol: string, percent: number, seed: string | number, offsetMinutes: number) {
  const scheduler = createTestScheduler(expect);
  let at: number | undefined;
  let reports = 0;
  scheduler.run(() => {
    const source = createSimulatedSource({ scheduler, seed, speed: offline.speed });
    const before = source.watch(symbol).subscribe();
    scheduler.schedule(() => {
      before.unsubscribe();
      // the first update of a watch is the current quote, at once (a synchronous get_stock_price)
      source
        .watch(symbol)
        .pipe(first())
        .subscribe((update) => {
          if (update.type !== 'quote') return;
          const { quote } = update;
          const start = scheduler.now();
          const watch = source
            .watch(symbol)
            .pipe(
              monitorQuotes({
                thresholdPercent: offline.thresholdPercent,
                maxReportsPerMinute: offline.maxReportsPerMinute,
                scheduler,
                ...alertLevels(quote.price, percent),
              }),
            )
            .subscribe((report: PriceReport) => {
              reports++;
              if (report.scheduling === 'INTERRUPT' && at === undefined) {
                at = scheduler.now() - start;
                watch.unsubscribe();
              }
            });
          scheduler.schedule(() => watch.unsubscribe(), 60_000);
        });
    }, offsetMinutes * 60_000);
  });
  return { at, reports };
}

describe('the first suggestion', () => {
  it('is a watch with alert levels derived from the current price', () => {
    expect(simulatorExamples[0]).toBe(moveWatchRequest);
    expect(moveWatchRequest).toMatch(/^watch AAPL for a 0\.3% move$/);
    expect(alertLevels(230, 0.3)).toEqual({ alertAbove: 230.69, alertBelow: 229.31 });
    expect(alertLevels(0.1234, 0.3)).toEqual({ alertAbove: 0.1238, alertBelow: 0.123 });
    // rounding never puts a level on the price itself
    expect(alertLevels(1, 0.1)).toEqual({ alertAbove: 1.01, alertBelow: 0.99 });
  });

  it.each([
    ['AAPL', 0.3],
    ['MSFT', 0.3],
    ['KO', 0.3],
    ['BTC-USD', 0.3],
  ])(
    'alerts (INTERRUPT) within a minute for %s at ±%s percent, whatever the seed and when it is asked',
    (symbol, percent) => {
      const seeds = ['livetools', 1, 2, 3, 42, 'abc'];
      const offsets = [0, 1, 7.5, 30, 240];
      const worst = { ms: 0, seed: '' as string | number, offset: 0 };
      for (const seed of seeds) {
        for (const offset of offsets) {
          const { at, reports } = firstInterruptAfter(symbol, percent, seed, offset);
          expect(reports, `${symbol} seed ${seed} offset ${offset} min`).toBeGreaterThan(0);
          expect(at, `${symbol} seed ${seed} offset ${offset} min: no INTERRUPT in 60 s`).toBeDefined();
          if ((at ?? 0) > worst.ms) Object.assign(worst, { ms: at, seed, offset });
        }
      }
      expect(worst.ms).toBeLessThanOrEqual(60_000);
    },
  );
});
