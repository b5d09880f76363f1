/**
 * The command line of `livetools-quote-relay`: flags and environment → relay options. Pure, so it
 * is tested without starting anything.
 *
 * @internal
 */
import {
  type AlpacaFeed,
  createAlpacaSource,
  createCoinbaseSource,
  createFinnhubSource,
  createSimulatedSource,
  type QuoteSource,
} from '@livetools/tools-stock';
import {
  DEFAULT_BUCKET,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_PROCESSES,
  DEFAULT_MAX_SYMBOLS,
  DEFAULT_OPEN_TIMEOUT_MS,
  DEFAULT_SUBJECT_PREFIX,
} from './quote-relay.js';

/** Upstream sources the relay command knows. @internal */
export const RELAY_SOURCES = ['simulated', 'finnhub', 'coinbase', 'alpaca'] as const;

/** Alpaca feeds `ALPACA_FEED` may name. @internal */
const ALPACA_FEEDS: readonly AlpacaFeed[] = ['iex', 'sip', 'delayed_sip', 'test'];

/** What the command line asks for. @internal */
export interface RelayCommand {
  readonly servers: string[];
  readonly sources: string[];
  readonly speed: number;
  readonly leaseMs: number;
  readonly openTimeoutMs: number;
  readonly maxSymbols: number;
  readonly maxProcesses: number;
  readonly bucket: string;
  readonly subjectPrefix: string;
  readonly verbose: boolean;
}

/** Usage text of `--help`. @internal */
export const RELAY_USAGE = `Usage: livetools-quote-relay [options]

Holds the upstream market feeds for a fleet of livetools agent processes and shares them over NATS:
quotes on <prefix>.<source>.<symbol>, the last quote per symbol in a JetStream KV bucket.

Options (environment variable in brackets):
  --nats <urls>        NATS server URL(s), comma-separated [NATS_URL] (default nats://127.0.0.1:4222)
  --source <names>     upstream source(s), comma-separated: ${RELAY_SOURCES.join(', ')} [LIVETOOLS_SOURCE] (default simulated)
  --speed <n>          simulated market speed, trading seconds per second [LIVETOOLS_SPEED] (default 1)
  --lease-ms <ms>      demand lease of agent processes that do not state one [LIVETOOLS_LEASE_MS] (default ${DEFAULT_LEASE_MS})
  --open-timeout-ms <ms>
                       how long to keep asking a JetStream that is not ready at start, 0 to ask once [LIVETOOLS_OPEN_TIMEOUT_MS] (default ${DEFAULT_OPEN_TIMEOUT_MS})
  --max-symbols <n>    most distinct symbols watched per source [LIVETOOLS_MAX_SYMBOLS] (default ${DEFAULT_MAX_SYMBOLS})
  --max-processes <n>  most agent processes with a demand lease per source [LIVETOOLS_MAX_PROCESSES] (default ${DEFAULT_MAX_PROCESSES})
  --bucket <name>      JetStream KV bucket of the last quotes [LIVETOOLS_QUOTES_BUCKET] (default ${DEFAULT_BUCKET})
  --prefix <subject>   subject prefix [LIVETOOLS_SUBJECT_PREFIX] (default ${DEFAULT_SUBJECT_PREFIX})
  --verbose            log demand and ownership changes too
  --help               print this help

Finnhub needs FINNHUB_API_KEY; Alpaca needs ALPACA_KEY_ID and ALPACA_SECRET_KEY (ALPACA_FEED: iex by
default, sip, delayed_sip or test). Stop with Ctrl-C (SIGINT) or SIGTERM: the relay gives its symbols up
so another relay can take them over at once.
`;

/**
 * Reads flags (`--name value` or `--name=value`) then the environment. Returns `'help'` for
 * `--help`, or throws an `Error` whose message says what is wrong.
 *
 * @internal
 */
export function parseRelayCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): RelayCommand | 'help' {
  const flags = new Map<string, string>();
  let verbose = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--verbose') {
      verbose = true;
      continue;
    }
    const match =
      /^--(nats|source|speed|lease-ms|open-timeout-ms|max-symbols|max-processes|bucket|prefix)(?:=(.*))?$/.exec(
        arg,
      );
    if (!match) throw new Error(`Unknown argument '${arg}'. Run with --help for the options.`);
    const name = match[1] as string;
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`--${name} needs a value.`);
    flags.set(name, value);
  }
  const pick = (flag: string, variable: string, fallback: string): string =>
    flags.get(flag) ?? (env[variable] || undefined) ?? fallback;

  const list = (value: string): string[] =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  const servers = list(pick('nats', 'NATS_URL', 'nats://127.0.0.1:4222'));
  const sources = list(pick('source', 'LIVETOOLS_SOURCE', 'simulated'));
  for (const source of sources) {
    if (!(RELAY_SOURCES as readonly string[]).includes(source)) {
      throw new Error(`--source must be one of ${RELAY_SOURCES.join(', ')}, not '${source}'.`);
    }
  }
  if (sources.length === 0) throw new Error('--source needs at least one source.');
  const speed = Number(pick('speed', 'LIVETOOLS_SPEED', '1'));
  if (!(Number.isFinite(speed) && speed > 0)) throw new Error('--speed must be a positive number.');
  const leaseMs = Number(pick('lease-ms', 'LIVETOOLS_LEASE_MS', String(DEFAULT_LEASE_MS)));
  if (!(Number.isInteger(leaseMs) && leaseMs >= 100))
    throw new Error('--lease-ms must be a whole number of ms, at least 100.');
  const openTimeoutMs = Number(
    pick('open-timeout-ms', 'LIVETOOLS_OPEN_TIMEOUT_MS', String(DEFAULT_OPEN_TIMEOUT_MS)),
  );
  if (!(Number.isInteger(openTimeoutMs) && openTimeoutMs >= 0))
    throw new Error('--open-timeout-ms must be a whole number of ms, 0 or more.');
  const maxSymbols = Number(pick('max-symbols', 'LIVETOOLS_MAX_SYMBOLS', String(DEFAULT_MAX_SYMBOLS)));
  if (!(Number.isSafeInteger(maxSymbols) && maxSymbols >= 1))
    throw new Error('--max-symbols must be a whole number, 1 or more.');
  const maxProcesses = Number(
    pick('max-processes', 'LIVETOOLS_MAX_PROCESSES', String(DEFAULT_MAX_PROCESSES)),
  );
  if (!(Number.isSafeInteger(maxProcesses) && maxProcesses >= 1))
    throw new Error('--max-processes must be a whole number, 1 or more.');
  if (sources.includes('finnhub') && !env.FINNHUB_API_KEY) {
    throw new Error('--source finnhub needs FINNHUB_API_KEY in the environment.');
  }
  if (sources.includes('alpaca')) {
    const missing = [
      alpacaKeyId(env) ? undefined : 'ALPACA_KEY_ID',
      alpacaSecret(env) ? undefined : 'ALPACA_SECRET_KEY',
    ].filter((name) => name !== undefined);
    if (missing.length > 0)
      throw new Error(`--source alpaca needs ${missing.join(' and ')} in the environment.`);
    const feed = env.ALPACA_FEED || 'iex';
    if (!(ALPACA_FEEDS as readonly string[]).includes(feed)) {
      throw new Error(`ALPACA_FEED must be one of ${ALPACA_FEEDS.join(', ')}, not '${feed}'.`);
    }
  }
  return {
    servers,
    sources,
    speed,
    leaseMs,
    openTimeoutMs,
    maxSymbols,
    maxProcesses,
    bucket: pick('bucket', 'LIVETOOLS_QUOTES_BUCKET', DEFAULT_BUCKET),
    subjectPrefix: pick('prefix', 'LIVETOOLS_SUBJECT_PREFIX', DEFAULT_SUBJECT_PREFIX),
    verbose,
  };
}

/**
 * The upstream quote sources a command names.
 *
 * @internal
 */
export function relayUpstreams(
  command: RelayCommand,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, QuoteSource> {
  const upstreams: Record<string, QuoteSource> = {};
  for (const source of command.sources) {
    if (source === 'simulated') upstreams[source] = createSimulatedSource({ speed: command.speed });
    else if (source === 'coinbase') upstreams[source] = createCoinbaseSource();
    else if (source === 'finnhub') {
      upstreams[source] = createFinnhubSource(env.FINNHUB_API_KEY ? { apiKey: env.FINNHUB_API_KEY } : {});
    } else if (source === 'alpaca') {
      upstreams[source] = createAlpacaSource({
        keyId: alpacaKeyId(env),
        secretKey: alpacaSecret(env),
        feed: (env.ALPACA_FEED || 'iex') as AlpacaFeed,
      });
    }
  }
  return upstreams;
}

const alpacaKeyId = (env: Readonly<Record<string, string | undefined>>): string | undefined =>
  env.ALPACA_KEY_ID?.trim() || env.APCA_API_KEY_ID?.trim() || undefined;
const alpacaSecret = (env: Readonly<Record<string, string | undefined>>): string | undefined =>
  env.ALPACA_SECRET_KEY?.trim() || env.APCA_API_SECRET_KEY?.trim() || undefined;
