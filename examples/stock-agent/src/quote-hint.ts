/**
 * When a watch ends with "No price for X from coinbase within 10000 ms. Check the symbol", the
 * cause is more often the network than the symbol: ask the source once more, and say which it is.
 */
import type { QuoteSource } from '@livetools/tools-stock';

const noPrice = /No price for (\S+) from (\S+) within \d+ ms/;
const networkProblem =
  /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|network|unreachable/i;

/** The symbol of a no-price timeout message from a real (not simulated) source, else undefined. */
export function noPriceSymbol(message: string, source: QuoteSource): string | undefined {
  const match = noPrice.exec(message);
  if (!match || source.name === 'simulated') return undefined;
  return match[1];
}

/**
 * Asks `source` for one quote of `symbol` and says what the timeout meant: the network (the source
 * cannot be reached), or nothing wrong any more (a price came now). `undefined` when the answer
 * tells nothing (the source refused the symbol, say: its own message already said so).
 *
 * @example
 * ```ts
 * await explainNoPrice(createCoinbaseSource(), 'BTC-USD');
 * // 'coinbase cannot be reached (… fetch failed …): the network looks down, so BTC-USD is probably fine. Try again once online.'
 * ```
 */
export async function explainNoPrice(
  source: QuoteSource,
  symbol: string,
  timeoutMs = 5_000,
): Promise<string | undefined> {
  try {
    const quote = await source.quote(symbol, { timeoutMs });
    return `${source.name} answered with ${symbol} at ${quote.price} just now: the feed was slow, not the symbol wrong. Try again.`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!networkProblem.test(message)) return undefined;
    return (
      `${source.name} cannot be reached (${message.split('\n')[0]}): the network looks down, so ` +
      `${symbol} is probably fine. Try again once online.`
    );
  }
}
