import { join } from 'node:path';
import type { QuoteRelayStats } from '../../../src/index.js';
import { type ChildLine, LineProcess } from './line-process.js';

const here = import.meta.dirname;

/** Options of an agent or relay child process. */
export interface FleetProcessOptions {
  /** Lease of the agent's demand, ms (agents and relays of one test must agree). */
  readonly leaseMs?: number;
}

/**
 * Starts an agent process (agent-process.ts beside this file) watching `symbols` through a NATS quote
 * source; every update is a `quote`, `status`, `error` or `complete` line.
 */
export function startAgent(
  url: string,
  symbols: readonly string[],
  options: FleetProcessOptions = {},
): LineProcess {
  return new LineProcess(`agent ${symbols.join(',')}`, join(here, 'agent-process.ts'), {
    NATS_URL: url,
    SYMBOLS: symbols.join(','),
    ...(options.leaseMs === undefined ? {} : { LEASE_MS: String(options.leaseMs) }),
  });
}

/**
 * Starts an agent process as the model sees it (tool-process.ts beside this file): one session running
 * `monitor_stock_price` for each symbol; every function response is a `report` line.
 */
export function startToolAgent(
  url: string,
  symbols: readonly string[],
  options: FleetProcessOptions = {},
): LineProcess {
  return new LineProcess(`tool agent ${symbols.join(',')}`, join(here, 'tool-process.ts'), {
    NATS_URL: url,
    SYMBOLS: symbols.join(','),
    ...(options.leaseMs === undefined ? {} : { LEASE_MS: String(options.leaseMs) }),
  });
}

/** Starts a relay process (relay-process.ts beside this file) and waits for its `ready` line. */
export async function startRelay(
  url: string,
  name: string,
  options: FleetProcessOptions & { readonly tickMs?: number; readonly bucket?: string } = {},
): Promise<LineProcess & { readonly readyAt: number }> {
  const relay = new LineProcess(name, join(here, 'relay-process.ts'), {
    NATS_URL: url,
    ...(options.leaseMs === undefined ? {} : { LEASE_MS: String(options.leaseMs) }),
    ...(options.tickMs === undefined ? {} : { TICK_MS: String(options.tickMs) }),
    ...(options.bucket === undefined ? {} : { BUCKET: options.bucket }),
  });
  const ready = await relay.nextLine((line) => line.event === 'ready', 'the relay to be ready');
  return Object.assign(relay, { readyAt: ready.at as number });
}

/** Asks a relay process for its stats and resolves with its answer. */
export async function relayStats(relay: LineProcess): Promise<QuoteRelayStats> {
  const from = relay.lines.length;
  relay.send('stats');
  const line = await relay.nextLine((l) => l.event === 'stats', 'the relay to answer `stats`', from);
  return line.stats as QuoteRelayStats;
}

/** True for a `quote` line of `symbol` stamped at or after `since` (the relay's clock, ms). */
export const quoteOf =
  (symbol: string, since = 0) =>
  (line: ChildLine): boolean =>
    line.event === 'quote' && line.symbol === symbol && (line.time as number) >= since;
