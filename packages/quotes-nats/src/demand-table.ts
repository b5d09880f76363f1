/**
 * Which symbols agent processes want, with leases: each process states the whole set it wants,
 * and that statement holds until its lease ends unless renewed. Pure bookkeeping with an
 * injectable clock, so expiry is tested in virtual time.
 *
 * @internal
 */
export interface DemandTable {
  /**
   * Records that `process` wants exactly `symbols` until `now() + leaseMs` (an empty list is a
   * goodbye). Returns the symbols the process did not want before, and the symbols nobody wants
   * any more since it dropped them.
   */
  renew(
    process: string,
    symbols: readonly string[],
    leaseMs: number,
  ): { readonly added: string[]; readonly released: string[] };
  /** Forgets processes whose lease ended; returns the symbols nobody wants any more. */
  expire(): string[];
  /** True while some process with a live lease wants `symbol`. */
  wants(symbol: string): boolean;
  /** Every wanted symbol. */
  symbols(): string[];
  /** How many processes hold a lease not yet expired by {@link DemandTable.expire}. */
  processes(): number;
  /** True while `process` holds a lease. */
  holds(process: string): boolean;
  /** When the first lease ends (epoch ms), or `undefined` when there is none. */
  nextExpiry(): number | undefined;
}

interface Lease {
  symbols: ReadonlySet<string>;
  expiresAt: number;
}

/**
 * Creates an empty {@link DemandTable} on the clock `now` (epoch ms).
 *
 * @internal
 * @example
 * ```ts
 * const table = createDemandTable(() => Date.now());
 * table.renew('agent-1', ['AAPL'], 15_000);
 * ```
 */
export function createDemandTable(now: () => number): DemandTable {
  const leases = new Map<string, Lease>();
  const counts = new Map<string, number>();
  const dropped: string[] = [];

  const add = (symbol: string): void => {
    counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  };
  const remove = (symbol: string): void => {
    const count = (counts.get(symbol) ?? 0) - 1;
    if (count > 0) counts.set(symbol, count);
    else {
      counts.delete(symbol);
      dropped.push(symbol);
    }
  };

  return {
    renew(process, symbols, leaseMs) {
      const previous = leases.get(process);
      const next = new Set(symbols);
      const added: string[] = [];
      for (const symbol of next) {
        if (previous?.symbols.has(symbol)) continue;
        add(symbol);
        added.push(symbol);
      }
      if (previous) for (const symbol of previous.symbols) if (!next.has(symbol)) remove(symbol);
      if (next.size === 0) leases.delete(process);
      else leases.set(process, { symbols: next, expiresAt: now() + leaseMs });
      return { added, released: dropped.splice(0).filter((symbol) => !counts.has(symbol)) };
    },
    holds(process) {
      return leases.has(process);
    },
    expire() {
      const time = now();
      for (const [process, lease] of leases) {
        if (lease.expiresAt > time) continue;
        leases.delete(process);
        for (const symbol of lease.symbols) remove(symbol);
      }
      return dropped.splice(0).filter((symbol) => !counts.has(symbol));
    },
    wants: (symbol) => counts.has(symbol),
    symbols: () => [...counts.keys()],
    processes: () => leases.size,
    nextExpiry() {
      let first: number | undefined;
      for (const lease of leases.values())
        if (first === undefined || lease.expiresAt < first) first = lease.expiresAt;
      return first;
    },
  };
}
