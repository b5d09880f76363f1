/**
 * How symbols and source names become NATS subject tokens and KV keys, reversibly.
 *
 * A subject token cannot hold `.`, `*`, `>` or white space, and a JetStream KV key only holds
 * `A-Z a-z 0-9 - / _ = .`. So every character outside `A-Z a-z 0-9 -` is written as `_` followed
 * by the two upper-case hex digits of each of its UTF-8 bytes (`_` itself becomes `_5F`):
 *
 * | symbol         | token                |
 * | -------------- | -------------------- |
 * | `AAPL`         | `AAPL`               |
 * | `BTC-USD`      | `BTC-USD`            |
 * | `BRK.B`        | `BRK_2EB`            |
 * | `IC MARKETS:1` | `IC_20MARKETS_3A1`   |
 * | `OANDA:EUR_USD`| `OANDA_3AEUR_5FUSD`  |
 *
 * @packageDocumentation
 */

const PLAIN = /^[A-Za-z0-9-]$/;
const TOKEN = /^(?:[A-Za-z0-9-]|_[0-9A-F]{2})+$/;
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes a symbol (or a source name) as one NATS subject token that is also a valid KV key part.
 * Reversible with {@link decodeToken}.
 *
 * @param text - A non-empty string.
 * @returns The token: `BRK.B` → `BRK_2EB`, `IC MARKETS:1` → `IC_20MARKETS_3A1`.
 * @throws RangeError when `text` is empty.
 *
 * @example
 * ```ts
 * encodeToken('BRK.B'); // 'BRK_2EB'
 * ```
 */
export function encodeToken(text: string): string {
  if (text.length === 0) throw new RangeError('Cannot encode an empty symbol or source name.');
  let token = '';
  for (const char of text) {
    if (PLAIN.test(char)) {
      token += char;
      continue;
    }
    for (const byte of encoder.encode(char)) token += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return token;
}

/**
 * Decodes a token written by {@link encodeToken}. Never throws: a token that {@link encodeToken}
 * could not have written (bad escape, lower-case hex, invalid UTF-8, empty) gives `undefined`.
 *
 * @param token - A subject token or KV key part.
 * @returns The symbol, or `undefined`.
 *
 * @example
 * ```ts
 * decodeToken('IC_20MARKETS_3A1'); // 'IC MARKETS:1'
 * decodeToken('BAD_ZZ'); // undefined
 * ```
 */
export function decodeToken(token: string): string | undefined {
  if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
  if (!token.includes('_')) return token;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i += 1) {
    if (token[i] === '_') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(token.charCodeAt(i));
  }
  let text: string;
  try {
    text = strictDecoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
  // one text has one encoding: refuse escapes of plain characters (`_41` for `A`)
  return encodeToken(text) === token ? text : undefined;
}

/**
 * The NATS subjects and KV keys of one relay deployment (one subject prefix).
 *
 * @internal
 */
export interface RelaySubjects {
  /** `<prefix>.<source>.<symbol>`: live quotes and status of one symbol. */
  quotes(source: string, symbol: string): string;
  /** `<prefix>._demand.<source>`: agent processes' demand heartbeats (request/reply). */
  demand(source: string): string;
  /** `<prefix>._relay.<source>`: a relay announces it started (`hello`) or is leaving (`bye`). */
  relay(source: string): string;
  /** `<prefix>._ping.<relay>`: a relay answers here while it runs (request/reply). */
  ping(relay: string): string;
  /** `<source>.<symbol>`: the KV key of a symbol's last quote and of its ownership. */
  key(source: string, symbol: string): string;
}

/**
 * Subjects and keys under `prefix` (default `quotes`). The prefix may hold dots (`acme.quotes`)
 * but no wildcards or white space.
 *
 * @internal
 * @example
 * ```ts
 * relaySubjects('quotes').quotes('simulated', 'BRK.B'); // 'quotes.simulated.BRK_2EB'
 * ```
 */
export function relaySubjects(prefix: string): RelaySubjects {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
    throw new RangeError(
      `subjectPrefix "${prefix}" is not a valid NATS subject prefix: use letters, digits, - and _, separated by dots.`,
    );
  }
  return {
    quotes: (source, symbol) => `${prefix}.${encodeToken(source)}.${encodeToken(symbol)}`,
    demand: (source) => `${prefix}._demand.${encodeToken(source)}`,
    relay: (source) => `${prefix}._relay.${encodeToken(source)}`,
    ping: (relay) => `${prefix}._ping.${encodeToken(relay)}`,
    key: (source, symbol) => `${encodeToken(source)}.${encodeToken(symbol)}`,
  };
}
