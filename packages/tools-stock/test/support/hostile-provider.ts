/**
 * What the hostile Finnhub and Coinbase suites share: starting watches through the tools, the
 * checks every case ends with, and the cases that play out the same for both providers (a server
 * that never answers, unusable REST answers).
 */
import { expect } from 'vitest';
import type { QuoteSource } from '../../src/quote-source.js';
import { createStockTools } from '../../src/stock-tools.js';
import type { WebSocketQuoteFeedOptions } from '../../src/web-socket-quote-feed.js';
import { FakeProviderServer } from './fake-provider-server.js';
import { ProcessGuard } from './process-guard.js';
import { SilentTcpServer } from './silent-tcp-server.js';
import { ToolRun } from './tool-run.js';

/** A provider as the hostile suites attack it. */
export interface HostileProvider {
  /** Its name as its error messages spell it: `Finnhub`, `Coinbase`. */
  readonly name: string;
  /** A source on a local server's WebSocket, quick to test (see `test-sources.ts`). */
  source(server: { readonly wsUrl: string }, options?: WebSocketQuoteFeedOptions): QuoteSource;
  /** The symbol a subscribe message asks for. */
  subscribedSymbol(message: Record<string, unknown>): unknown;
}

/** Tools that report every change of price at once, so each accepted tick is visible. */
export const everyChange = (source: QuoteSource) =>
  createStockTools({ source, thresholdPercent: 0, minSecondsBetweenReports: 0 });

/**
 * Starts one `monitor_stock_price` call per entry of `symbols` (call id → symbol), with the extra
 * `args` given for its call id, and waits until the server has received each subscription.
 */
export async function watching(
  provider: HostileProvider,
  server: FakeProviderServer,
  run: ToolRun,
  symbols: Record<string, string>,
  args: Record<string, Record<string, unknown>> = {},
): Promise<void> {
  run.runner.handleToolCall(
    Object.entries(symbols).map(([id, symbol]) => ({
      id,
      name: 'monitor_stock_price',
      args: { symbol, ...args[id] },
    })),
  );
  for (const symbol of Object.values(symbols)) {
    await server.message((m) => provider.subscribedSymbol(m.message) === symbol, `subscribe ${symbol}`);
  }
}

/** Stops every watch and checks that each call got exactly one final response, its last. */
export function expectOneFinalEach(run: ToolRun, ids: readonly string[]): void {
  run.runner.handleToolCall([
    { id: 'stop', name: 'stop_streaming', args: { function_name: 'monitor_stock_price' } },
  ]);
  for (const id of ids) {
    expect(run.finals(id), id).toHaveLength(1);
    expect(run.responses(id).at(-1), id).toBe(run.finals(id)[0]);
  }
}

/** The price of trade `i` of a flood: about 100 and 101 in turn, so every trade is a move. */
export const floodPrice = (i: number): number => (i % 2 === 0 ? 100 : 101) + i / 100_000;

/**
 * Checks the watch of `symbol` (call `id`) after a flood of `count` trades that began after
 * `started` (epoch ms): a one-shot quote answers the newest price, and the watch sent no more
 * reports than the default cap allows: a burst of 3 (the initial report among them), then one each
 * 10 s (6 a minute). The cap is spelled out here, not read from the code it checks.
 */
export async function expectFloodCapped(
  run: ToolRun,
  id: string,
  symbol: string,
  count: number,
  started: number,
): Promise<void> {
  run.runner.handleToolCall([{ id: 'q', name: 'get_stock_price', args: { symbol } }]);
  expect((await run.final('q')).response).toMatchObject({ output: { symbol, price: floodPrice(count - 1) } });
  expect(run.outputs(id).length).toBeLessThanOrEqual(3 + Math.floor((Date.now() - started) / 10_000));
}

/**
 * A server that accepts TCP and never answers the WebSocket upgrade: each attempt is abandoned
 * after 50 ms and closed, and after 3 the watch of `symbol` ends with one final response, the
 * provider error; nothing escapes to the process.
 */
export async function expectGivesUpOnUnansweredUpgrade(
  provider: HostileProvider,
  symbol: string,
): Promise<void> {
  using guard = new ProcessGuard();
  await using hole = await SilentTcpServer.start();
  const source = provider.source(hole, { handshakeTimeoutMs: 50, maxConsecutiveFailures: 3 });
  using run = new ToolRun(createStockTools({ source }));
  run.runner.handleToolCall([{ id: 'w', name: 'monitor_stock_price', args: { symbol } }]);
  expect((await run.final('w')).response).toMatchObject({
    error: {
      code: 'TOOL_EXECUTION',
      message: expect.stringMatching(/3 attempts.*no answer to the WebSocket upgrade within 50 ms/),
    },
  });
  await hole.closed(3); // every abandoned attempt was closed by the client
  expect(hole.accepted).toBe(3);
  expect(run.finals('w')).toHaveLength(1);
  expect(guard.escaped).toEqual([]);
}

/**
 * A server that accepts the upgrade and never sends anything: each connection is dropped once it
 * is dead (40 ms), and after 2 the watch of `symbol` ends with one final response, the provider
 * error; nothing escapes to the process.
 */
export async function expectGivesUpOnSilentConnection(
  provider: HostileProvider,
  symbol: string,
): Promise<void> {
  using guard = new ProcessGuard();
  await using server = await FakeProviderServer.start();
  const source = provider.source(server, { staleAfterMs: 20, deadAfterMs: 40, maxConsecutiveFailures: 2 });
  using run = new ToolRun(createStockTools({ source }));
  run.runner.handleToolCall([{ id: 'w', name: 'monitor_stock_price', args: { symbol } }]);
  expect((await run.final('w')).response).toMatchObject({
    error: { code: 'TOOL_EXECUTION', message: expect.stringContaining('2 attempts') },
  });
  await server.closed(2);
  expect(run.finals('w')).toHaveLength(1);
  expect(guard.escaped).toEqual([]);
}

/**
 * Asks `get_stock_price` for every symbol at once and checks that each call gets exactly one final
 * response, an error whose message names `provider`. Resolves with those messages, by symbol.
 */
export async function expectRefusedEach(
  run: ToolRun,
  symbols: readonly string[],
  provider: string,
): Promise<Map<string, string>> {
  run.runner.handleToolCall(
    symbols.map((symbol) => ({ id: symbol, name: 'get_stock_price', args: { symbol } })),
  );
  const messages = new Map<string, string>();
  for (const symbol of symbols) {
    const final = await run.final(symbol);
    expect(final.response, symbol).toMatchObject({
      error: { code: 'TOOL_EXECUTION', message: expect.stringContaining(provider) },
    });
    expect(run.finals(symbol), symbol).toHaveLength(1);
    messages.set(symbol, (final.response as { error: { message: string } }).error.message);
  }
  return messages;
}
