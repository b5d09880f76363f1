/**
 * A real agent process for tests: `node --import tsx agent-process.ts` watches the symbols given
 * in AGENT_SYMBOLS through a NATS quote source and prints `quote <symbol> <price>` per quote.
 * Driven by environment: NATS_URL, AGENT_SOURCE, AGENT_SYMBOLS (comma-separated), AGENT_LEASE_MS,
 * AGENT_BUCKET, AGENT_PREFIX.
 */
import { createNatsQuoteSource } from '../../src/nats-quote-source.js';

const env = process.env;
const source = createNatsQuoteSource({
  servers: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  source: env.AGENT_SOURCE ?? 'simulated',
  leaseMs: Number(env.AGENT_LEASE_MS ?? 15_000),
  ...(env.AGENT_BUCKET ? { bucket: env.AGENT_BUCKET } : {}),
  ...(env.AGENT_PREFIX ? { subjectPrefix: env.AGENT_PREFIX } : {}),
});
for (const symbol of (env.AGENT_SYMBOLS ?? 'AAPL').split(',')) {
  source.watch(symbol).subscribe({
    next: (update) => {
      if (update.type === 'quote')
        process.stdout.write(`quote ${update.quote.symbol} ${update.quote.price}\n`);
      else process.stdout.write(`status ${update.symbol} ${update.status}\n`);
    },
    error: (error: unknown) => {
      process.stdout.write(`error ${error instanceof Error ? error.message : String(error)}\n`);
    },
  });
}
const stop = (): void => {
  void source.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
