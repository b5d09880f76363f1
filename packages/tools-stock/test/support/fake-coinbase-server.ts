import {
  FakeProviderServer,
  type FakeProviderServerOptions,
  type RestReply,
} from './fake-provider-server.js';

/** Channels the fake exchange knows. */
const CHANNELS = new Set(['ticker', 'heartbeat', 'level2', 'matches', 'status', 'full']);

/** How the fake Coinbase Exchange behaves. */
export interface FakeCoinbaseOptions {
  /** Products it lists. Default: BTC-USD, ETH-USD, ETH-EUR. */
  readonly listed?: Iterable<string>;
  /** REST answers; default: `/products/{id}/ticker` for listed products, `404 NotFound` else. */
  rest?(path: string): RestReply;
}

/**
 * The WebSocket and REST behaviour of Coinbase Exchange's public feed, for a
 * {@link FakeProviderServer}. It accepts only the documented request form,
 * `{"type":"subscribe","channels":[{"name":"ticker","product_ids":["BTC-USD"]}]}` (and `unsubscribe`
 * alike): anything else, such as the older top-level `product_ids`, is answered with an `error`
 * (`message`, `reason`). A valid request is answered with a `subscriptions` message listing every
 * channel the connection is now subscribed to, with its products, as Coinbase does.
 *
 * @param server - Returns the server these options are given to (read for the connection of each message).
 */
export function coinbaseExchange(
  server: () => FakeProviderServer | undefined,
  options: FakeCoinbaseOptions = {},
): FakeProviderServerOptions {
  const listed = new Set(options.listed ?? ['BTC-USD', 'ETH-USD', 'ETH-EUR']);
  /** Per connection: channel name → subscribed products. */
  const subscribed = new Map<number, Map<string, Set<string>>>();
  return {
    onMessage: (message, reply) => {
      const connection = server()?.received.at(-1)?.connection ?? 0;
      const failed = (reason: string): void =>
        reply({ type: 'error', message: `Failed to ${String(message.type)}`, reason });
      if (message.type !== 'subscribe' && message.type !== 'unsubscribe') {
        failed('Type has to be either subscribe or unsubscribe');
        return;
      }
      if ('product_ids' in message) {
        failed('Top-level product_ids are not accepted here: list them in each channel');
        return;
      }
      const requests = readChannels(message.channels);
      if (typeof requests === 'string') {
        failed(requests);
        return;
      }
      for (const { name, products } of requests) {
        if (!CHANNELS.has(name)) {
          failed(`${name} is not a valid channel`);
          return;
        }
        const unknown = products.find((id) => !listed.has(id));
        if (unknown !== undefined) {
          failed(`${unknown} is not a valid product`);
          return;
        }
      }
      const channels = subscribed.get(connection) ?? new Map<string, Set<string>>();
      subscribed.set(connection, channels);
      for (const { name, products } of requests) {
        const ids = channels.get(name) ?? new Set<string>();
        channels.set(name, ids);
        for (const id of products) {
          if (message.type === 'subscribe') ids.add(id);
          else ids.delete(id);
        }
        if (ids.size === 0) channels.delete(name);
      }
      reply({
        type: 'subscriptions',
        channels: [...channels].map(([name, ids]) => ({ name, product_ids: [...ids], account_ids: null })),
      });
    },
    rest:
      options.rest ??
      ((path) => {
        const id = decodeURIComponent(/^\/products\/([^/]+)\/ticker$/.exec(path)?.[1] ?? '');
        if (!listed.has(id)) return { status: 404, body: { message: 'NotFound' } };
        return {
          status: 200,
          body: {
            ask: '64999.99',
            bid: '64999.98',
            volume: '12345.678',
            trade_id: 1,
            price: '64999.99',
            size: '0.01',
            time: '2024-12-07T18:00:00.542551Z',
          },
        };
      }),
  };
}

/** Starts a local fake Coinbase Exchange (see {@link coinbaseExchange}). Disposable with `await using`. */
export async function startFakeCoinbase(options: FakeCoinbaseOptions = {}): Promise<FakeProviderServer> {
  let server: FakeProviderServer | undefined;
  server = await FakeProviderServer.start(coinbaseExchange(() => server, options));
  return server;
}

/** The channels of a request in the documented form, or why they are not in it. */
function readChannels(channels: unknown): { name: string; products: string[] }[] | string {
  if (!Array.isArray(channels) || channels.length === 0) return 'No channels provided';
  const requests: { name: string; products: string[] }[] = [];
  for (const channel of channels) {
    if (typeof channel !== 'object' || channel === null || Array.isArray(channel)) {
      return 'Each channel must be an object with a name and product_ids';
    }
    const { name, product_ids: ids } = channel as Record<string, unknown>;
    if (typeof name !== 'string') return 'Each channel must be an object with a name and product_ids';
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
      return `No product ids provided for channel ${name}`;
    }
    requests.push({ name, products: ids as string[] });
  }
  return requests;
}

let lastSequence = 93_525_999_403;

/**
 * A ticker message as Coinbase sends it, with the given product, price, time and sequence (by
 * default the next of an increasing series, as the exchange numbers each product's messages).
 */
export function coinbaseTicker(
  productId: unknown,
  price: unknown,
  time: unknown = '2024-12-07T18:00:00.542551Z',
  sequence: unknown = ++lastSequence,
): Record<string, unknown> {
  return {
    type: 'ticker',
    sequence,
    product_id: productId,
    price,
    open_24h: '100966.53',
    volume_24h: '9756.916611',
    low_24h: '99012.73',
    high_24h: '102104.12',
    volume_30d: '539862.627144',
    best_bid: '99718.01',
    best_bid_size: '0.024535',
    best_ask: '99728.83',
    best_ask_size: '0.062982',
    side: 'buy',
    time,
    trade_id: 734_680_334,
    last_size: '0.000261',
  };
}

/** The product a request in the documented form asks for first, if any. */
export function requestedProduct(message: Record<string, unknown>): string | undefined {
  const channels = message.channels;
  if (!Array.isArray(channels)) return undefined;
  const first: unknown = channels[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const ids = (first as Record<string, unknown>).product_ids;
  return Array.isArray(ids) && typeof ids[0] === 'string' ? ids[0] : undefined;
}
