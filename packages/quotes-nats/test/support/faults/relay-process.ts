// A quote relay of the fault tests in its own process, its log printed as JSON lines. Environment:
// NATS_URL, LEASE_MS, TICK_MS (the simulated source's tick, default 50), BUCKET (the KV bucket).
// Commands on stdin: `stats`, `quit`.
import { createSimulatedSource } from '@livetools/tools-stock';
import { startQuoteRelay } from '../../../src/index.js';
import { lineLogger, numberFrom, onCommands, report, required } from './stdio-commands.js';

const leaseMs = numberFrom('LEASE_MS');
const relay = await startQuoteRelay({
  servers: required('NATS_URL'),
  sources: { simulated: createSimulatedSource({ tickMs: numberFrom('TICK_MS') ?? 50, speed: 60 }) },
  ...(leaseMs === undefined ? {} : { leaseMs }),
  ...(process.env.BUCKET ? { bucket: process.env.BUCKET } : {}),
  logger: lineLogger,
});

onCommands({
  stats: () => report('stats', { stats: relay.stats() }),
  quit: async () => {
    await relay.close();
    report('closed');
    process.exit(0);
  },
});
report('ready', { pid: process.pid });
