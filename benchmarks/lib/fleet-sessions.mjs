// The sessions of the fleet benchmark, shared by its agent processes and its single-process run:
// each session is a core ToolRunner (what a live session runs its tool calls on, without the
// socket) running one `monitor_stock_price` call. The tool reports every quote (threshold 0, no cap
// on reports a minute), so that each quote the process receives is one emission per session
// watching its symbol, and each emission is one latency sample.
//
// Latency: the quote's `time` is its publish time (the relay's simulated source stamps it with the
// sub-millisecond wall clock, performance.timeOrigin + performance.now(), just before the relay
// publishes it). A tap on the source keeps each symbol's newest quote; the tool is wrapped so that
// each emission is timed as it leaves the tool, and matched to that quote by price and time. The
// emission arrives synchronously with the quote that caused it, so the match is exact; emissions
// that do not match (none expected) are counted.
import { defineStreamingTool, isScheduledEmission, ToolRunner } from '@livetools/core';
import { createStockTools } from '@livetools/tools-stock';
import { from, map, NEVER, tap } from 'rxjs';
import { wallNow } from './stats.mjs';

/**
 * Starts `sessions` sessions on `source`, session i watching `symbols[(first + i) % symbols.length]`.
 * Returns `{ take(), counts, stop() }`: `take()` hands over the latency samples so far (ms) and
 * starts a new list.
 */
export function startSessions({ source, symbols, sessions, first = 0 }) {
  const newest = new Map();
  const tapped = {
    name: source.name,
    watch: (symbol) =>
      source.watch(symbol).pipe(
        tap((update) => {
          if (update.type !== 'quote') return;
          const seen = newest.get(symbol);
          if (seen?.time === update.quote.time) return;
          newest.set(symbol, {
            time: update.quote.time,
            price: update.quote.price,
            iso: new Date(update.quote.time).toISOString(),
          });
        }),
      ),
    quote: (symbol, options) => source.quote(symbol, options),
  };
  const counts = { emissions: 0, matched: 0, unmatched: 0, errors: 0, responses: 0, firstError: undefined };
  let samples = [];
  const timed = (value) => {
    const at = wallNow();
    counts.emissions++;
    const report = isScheduledEmission(value) ? value.value : value;
    const quote = newest.get(report.symbol);
    if (quote && quote.price === report.price && quote.iso === report.time) {
      samples.push(at - quote.time);
      counts.matched++;
    } else counts.unmatched++;
    return value;
  };
  const { monitorStockPrice } = createStockTools({
    source: tapped,
    thresholdPercent: 0,
    maxReportsPerMinute: Number.POSITIVE_INFINITY,
  });
  const tool = defineStreamingTool({
    name: monitorStockPrice.name,
    description: monitorStockPrice.description,
    parameters: monitorStockPrice.parameters,
    ...monitorStockPrice.policies,
    execute: (args, ctx) => from(monitorStockPrice.execute(args, ctx)).pipe(map(timed)),
  });
  const runners = [];
  for (let i = 0; i < sessions; i++) {
    const runner = new ToolRunner({
      tools: [tool],
      // each session has its own input streams, as a live session does (the stock tools tell
      // sessions apart by them: one watch of a symbol per session)
      input: { video$: NEVER, audio$: NEVER, text$: NEVER },
      sink: {
        send: (responses) => {
          for (const response of responses) {
            counts.responses++;
            if ('error' in response.response) {
              counts.errors++;
              counts.firstError ??= `${response.response.error.code}: ${response.response.error.message}`;
            }
          }
        },
      },
    });
    const symbol = symbols[(first + i) % symbols.length];
    runner.handleToolCall([{ id: `call-${i}`, name: 'monitor_stock_price', args: { symbol } }]);
    runners.push(runner);
  }
  return {
    counts,
    take() {
      const taken = samples;
      samples = [];
      return taken;
    },
    stop() {
      for (const runner of runners) runner.dispose();
    },
  };
}

/** The benchmark's symbols: the simulator's known instruments, then made-up tickers. */
export function benchSymbols(count, known) {
  const list = [...known];
  for (let i = 0; list.length < count; i++)
    list.push(`FLT${String.fromCharCode(65 + (i % 26))}${i >= 26 ? 'X' : ''}`);
  return list.slice(0, count);
}
