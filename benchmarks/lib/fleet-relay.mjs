// The fleet benchmark's quote relay, in its own process: the simulated source at FLEET_SPEED, its
// quotes stamped with the sub-millisecond wall clock (their publish time, see fleet-sessions.mjs).
// Requests (lib/child.mjs): clock, stats, cpu-start, cpu.
import { startQuoteRelay } from '@livetools/quotes-nats';
import { createSimulatedSource } from '@livetools/tools-stock';
import { serve } from './child.mjs';
import { wallNow } from './stats.mjs';

const relay = await startQuoteRelay({
  servers: process.env.NATS_URL,
  sources: {
    simulated: createSimulatedSource({
      speed: Number(process.env.FLEET_SPEED ?? 600),
      seed: 'fleet',
      now: wallNow,
    }),
  },
});
let cpuFrom = process.cpuUsage();
let wallFrom = wallNow();
serve(
  {
    clock: () => wallNow(),
    stats: () => relay.stats(),
    'cpu-start': () => {
      cpuFrom = process.cpuUsage();
      wallFrom = wallNow();
    },
    cpu: () => {
      const used = process.cpuUsage(cpuFrom);
      return { cpuMs: (used.user + used.system) / 1000, wallMs: wallNow() - wallFrom };
    },
  },
  () => relay.close(),
);
process.send({ type: 'ready' });
