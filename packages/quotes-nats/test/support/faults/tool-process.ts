// An agent process of the fault tests as the model sees it: one session (a core ToolRunner)
// running `monitor_stock_price` on a NATS quote source for each symbol, every function response
// printed as a `report` line. Reports are not thresholded or capped (thresholdPercent 0, no limit
// a minute), so each quote and each feed status change is one report. Environment: NATS_URL,
// SYMBOLS (comma-separated), LEASE_MS (optional). Commands on stdin: `quit`.
import { ToolRunner } from '@livetools/core';
import { createStockTools } from '@livetools/tools-stock';
import { createNatsQuoteSource } from '../../../src/index.js';
import { numberFrom, onCommands, report, required } from './stdio-commands.js';

const leaseMs = numberFrom('LEASE_MS');
const source = createNatsQuoteSource({
  servers: required('NATS_URL'),
  source: 'simulated',
  ...(leaseMs === undefined ? {} : { leaseMs }),
});
const tools = createStockTools({
  source,
  thresholdPercent: 0,
  maxReportsPerMinute: Number.POSITIVE_INFINITY,
});
const session = new ToolRunner({
  tools,
  sink: {
    send: (responses) => {
      for (const { id, response, willContinue } of responses) {
        if ('error' in response) report('report', { callId: id, error: response.error, willContinue });
        else {
          const output = response.output as {
            kind?: unknown;
            symbol?: unknown;
            price?: unknown;
            feedStatus?: unknown;
          };
          const { kind, symbol, price, feedStatus } = output;
          report('report', { callId: id, kind, symbol, price, feedStatus, willContinue });
        }
      }
    },
  },
});
const symbols = (process.env.SYMBOLS ?? '').split(',').filter(Boolean);
session.handleToolCall(
  symbols.map((symbol) => ({ id: `watch-${symbol}`, name: 'monitor_stock_price', args: { symbol } })),
);

onCommands({
  quit: async () => {
    session.dispose();
    await source.close();
    report('closed');
    process.exit(0);
  },
});
report('started', { pid: process.pid });
