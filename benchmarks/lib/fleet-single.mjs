// The fleet benchmark's comparison: the same sessions in one process on the simulated source
// directly, no NATS (quotes stamped with the sub-millisecond wall clock as the relay's are).
// Requests (lib/child.mjs): clock, take, cpu-start, cpu.
import { createSimulatedSource } from '@livetools/tools-stock';
import { serve } from './child.mjs';
import { startSessions } from './fleet-sessions.mjs';
import { wallNow } from './stats.mjs';

const source = createSimulatedSource({
  speed: Number(process.env.FLEET_SPEED ?? 600),
  seed: 'fleet',
  now: wallNow,
});
const sessions = startSessions({
  source,
  symbols: JSON.parse(process.env.FLEET_SYMBOLS),
  sessions: Number(process.env.FLEET_AGENT_SESSIONS),
});
let cpuFrom = process.cpuUsage();
let wallFrom = wallNow();
serve(
  {
    clock: () => wallNow(),
    take: () => ({ samples: sessions.take(), counts: sessions.counts }),
    'cpu-start': () => {
      cpuFrom = process.cpuUsage();
      wallFrom = wallNow();
    },
    cpu: () => {
      const used = process.cpuUsage(cpuFrom);
      return { cpuMs: (used.user + used.system) / 1000, wallMs: wallNow() - wallFrom };
    },
  },
  () => sessions.stop(),
);
process.send({ type: 'ready' });
