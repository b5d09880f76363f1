// An agent process of the fault tests: a NATS quote source watching symbols, every update printed
// as a JSON line. Environment: NATS_URL, SYMBOLS (comma-separated), LEASE_MS (optional).
// Commands on stdin: `watch SYMBOL`, `unwatch SYMBOL`, `stats`, `quit`.
import type { Subscription } from 'rxjs';
import { createNatsQuoteSource } from '../../../src/index.js';
import { lineLogger, numberFrom, onCommands, report, required } from './stdio-commands.js';

const leaseMs = numberFrom('LEASE_MS');
const source = createNatsQuoteSource({
  servers: required('NATS_URL'),
  source: 'simulated',
  ...(leaseMs === undefined ? {} : { leaseMs }),
  logger: lineLogger,
});
const watches = new Map<string, Subscription>();

const watch = (symbol: string): void => {
  if (watches.has(symbol)) return;
  const subscription = source.watch(symbol).subscribe({
    next: (update) => {
      if (update.type === 'quote') {
        const { price, time, source: name } = update.quote;
        report('quote', { symbol: update.quote.symbol, price, time, source: name });
      } else {
        report('status', { symbol: update.symbol, status: update.status, reason: update.reason });
      }
    },
    error: (error: unknown) => {
      const { code, message } = error as { code?: unknown; message?: unknown };
      report('error', { symbol, code, message });
    },
    complete: () => report('complete', { symbol }),
  });
  watches.set(symbol, subscription);
};

onCommands({
  watch,
  unwatch: (symbol) => {
    watches.get(symbol)?.unsubscribe();
    watches.delete(symbol);
    report('unwatched', { symbol });
  },
  stats: () => report('stats', { stats: source.stats() }),
  quit: async () => {
    for (const subscription of watches.values()) subscription.unsubscribe();
    await source.close();
    report('closed');
    process.exit(0);
  },
});

for (const symbol of (process.env.SYMBOLS ?? '').split(',').filter(Boolean)) watch(symbol);
report('started', { pid: process.pid });
