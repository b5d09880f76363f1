/**
 * The JSON messages the relay and the agent processes exchange, and their parsers. Parsers never
 * throw: what they cannot use gives `undefined` (counted by the caller).
 *
 * @packageDocumentation
 */
import type { Quote, QuoteFeedStatus, QuoteSourceErrorCode } from '@livetools/tools-stock';

/** Version of the wire format, in every message's `v`. @internal */
export const WIRE_VERSION = 1;

/** Longest message text carried over from an upstream error or a status reason. @internal */
const MAX_TEXT = 500;
/** Most symbols one demand message may name. @internal */
export const MAX_DEMAND_SYMBOLS = 100_000;

/**
 * Where a relay message stands in its symbol's history: `epoch` (the ms when the current owner
 * took the symbol, always above the previous owner's) then `seq` (1, 2, ... within the epoch).
 *
 * @internal
 */
export interface Ordered {
  readonly epoch: number;
  readonly seq: number;
}

/** A message on `<prefix>.<source>.<symbol>`. @internal */
export type RelayMessage =
  | (Ordered & { readonly kind: 'quote'; readonly at: number; readonly quote: Quote })
  | (Ordered & {
      readonly kind: 'status';
      readonly at: number;
      readonly status: QuoteFeedStatus;
      readonly reason?: string;
      readonly time: number;
    })
  | (Ordered & { readonly kind: 'ended'; readonly at: number })
  | { readonly kind: 'error'; readonly code: QuoteSourceErrorCode; readonly message: string };

/** An agent process's demand: every symbol it wants now, renewed every lease/3. @internal */
export interface DemandMessage {
  readonly process: string;
  readonly symbols: readonly string[];
  readonly leaseMs: number | undefined;
}

/** A relay's answer to a demand, and its `hello` / `bye` announcement. @internal */
export interface RelayAnnouncement {
  readonly relay: string;
  readonly event: 'answer' | 'hello' | 'bye';
}

const decoder = new TextDecoder();
const ERROR_CODES: ReadonlySet<string> = new Set([
  'UNKNOWN_SYMBOL',
  'MISSING_API_KEY',
  'REJECTED_API_KEY',
  'NO_QUOTE_TIMEOUT',
  'PROVIDER_ERROR',
  'BAD_REQUEST',
  'SYMBOL_LIMIT',
  'CONNECTION_LIMIT',
  'NO_ACCESS',
]);
const STATUSES: ReadonlySet<string> = new Set(['live', 'stale', 'reconnecting']);

/** The JSON object in `data`, or `undefined`. Never throws. @internal */
export function readObject(data: Uint8Array): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.slice(0, MAX_TEXT) : undefined;

/**
 * A relay message, or `undefined` when `data` is not one (not JSON, wrong version, wrong shape).
 * A quote comes back with only the {@link Quote} fields, their types checked but not their ranges
 * (the caller checks those with `quoteProblem`, so they count as ignored quotes).
 *
 * @internal
 */
export function parseRelayMessage(
  data: Uint8Array,
): RelayMessage | { readonly kind: 'bad-quote' } | undefined {
  const message = readObject(data);
  if (!message || message.v !== WIRE_VERSION) return undefined;
  if (message.kind === 'error') {
    const code =
      typeof message.code === 'string' && ERROR_CODES.has(message.code) ? message.code : 'PROVIDER_ERROR';
    return {
      kind: 'error',
      code: code as QuoteSourceErrorCode,
      message: text(message.message) ?? 'relay error',
    };
  }
  const { epoch, seq, at } = message;
  if (!isCount(epoch) || !isCount(seq) || !isTime(at)) return undefined;
  if (message.kind === 'quote') {
    const quote = readQuote(message.quote);
    return quote ? { kind: 'quote', epoch, seq, at, quote } : { kind: 'bad-quote' };
  }
  if (message.kind === 'status') {
    const { status, time } = message;
    if (typeof status !== 'string' || !STATUSES.has(status) || !isTime(time)) return undefined;
    const reason = text(message.reason);
    return {
      kind: 'status',
      epoch,
      seq,
      at,
      status: status as QuoteFeedStatus,
      time,
      ...(reason === undefined ? {} : { reason }),
    };
  }
  if (message.kind === 'ended') return { kind: 'ended', epoch, seq, at };
  return undefined;
}

/** A quote with only the {@link Quote} fields, when their types are right. @internal */
export function readQuote(value: unknown): Quote | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const q = value as Record<string, unknown>;
  const { symbol, price, time, source, marketOpen, bid, ask, volume } = q;
  if (typeof symbol !== 'string' || typeof price !== 'number' || typeof time !== 'number') return undefined;
  if (typeof source !== 'string' || typeof marketOpen !== 'boolean') return undefined;
  for (const optional of [bid, ask, volume])
    if (optional !== undefined && typeof optional !== 'number') return undefined;
  return {
    symbol,
    price,
    time,
    source,
    marketOpen,
    ...(bid === undefined ? {} : { bid: bid as number }),
    ...(ask === undefined ? {} : { ask: ask as number }),
    ...(volume === undefined ? {} : { volume: volume as number }),
  };
}

/** A demand message, or `undefined`. Symbols that are not non-empty strings of at most 64 characters are dropped. @internal */
export function parseDemand(data: Uint8Array): DemandMessage | undefined {
  const message = readObject(data);
  if (!message || message.v !== WIRE_VERSION) return undefined;
  const { process, symbols, leaseMs } = message;
  if (typeof process !== 'string' || process.length === 0 || process.length > 200) return undefined;
  if (!Array.isArray(symbols) || symbols.length > MAX_DEMAND_SYMBOLS) return undefined;
  if (leaseMs !== undefined && !(typeof leaseMs === 'number' && Number.isFinite(leaseMs) && leaseMs > 0)) {
    return undefined;
  }
  const wanted = symbols.filter((s): s is string => typeof s === 'string' && s.length > 0 && s.length <= 64);
  return { process, symbols: wanted, leaseMs };
}

/** A relay announcement, or `undefined`. @internal */
export function parseAnnouncement(data: Uint8Array): RelayAnnouncement | undefined {
  const message = readObject(data);
  if (!message || message.v !== WIRE_VERSION || typeof message.relay !== 'string') return undefined;
  const { event } = message;
  if (event !== 'answer' && event !== 'hello' && event !== 'bye') return undefined;
  return { relay: message.relay, event };
}

/** True when `a` comes after `b` in a symbol's history. @internal */
export function isAfter(a: Ordered, b: Ordered | undefined): boolean {
  return b === undefined || a.epoch > b.epoch || (a.epoch === b.epoch && a.seq > b.seq);
}
