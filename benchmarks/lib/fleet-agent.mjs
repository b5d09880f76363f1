// One agent process of the fleet benchmark: a NATS quote source and FLEET_AGENT_SESSIONS sessions
// (see fleet-sessions.mjs), session i watching symbol (FLEET_AGENT_FIRST + i) mod the symbols.
// Requests (lib/child.mjs): clock, take, stats, cpu-start, cpu.
import { createNatsQuoteSource } from '@livetools/quotes-nats';
import { serve } from './child.mjs';
import { startSessions } from './fleet-sessions.mjs';
import { wallNow } from './stats.mjs';

const source = createNatsQuoteSource({ servers: process.env.NATS_URL, source: 'simulated' });
const sessions = startSessions({
  source,
  symbols: JSON.parse(process.env.FLEET_SYMBOLS),
  sessions: Number(process.env.FLEET_AGENT_SESSIONS),
  first: Number(process.env.FLEET_AGENT_FIRST ?? 0),
});
let cpuFrom = process.cpuUsage();
let wallFrom = wallNow();
serve(
  {
    clock: () => wallNow(),
    take: () => ({ samples: sessions.take(), counts: sessions.counts }),
    stats: () => source.stats(),
    'cpu-start': () => {
      cpuFrom = process.cpuUsage();
      wallFrom = wallNow();
    },
    cpu: () => {
      const used = process.cpuUsage(cpuFrom);
      return { cpuMs: (used.user + used.system) / 1000, wallMs: wallNow() - wallFrom };
    },
  },
  async () => {
    sessions.stop();
    await source.close();
  },
);
process.send({ type: 'ready' });
