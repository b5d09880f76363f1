import { describe, expect, it } from 'vitest';
import { parseRelayCommand, RELAY_USAGE, relayUpstreams } from './relay-cli.js';

describe('livetools-quote-relay command line', () => {
  it('defaults to the simulated source on the local NATS server', () => {
    expect(parseRelayCommand([], {})).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      sources: ['simulated'],
      speed: 1,
      leaseMs: 15_000,
      openTimeoutMs: 30_000,
      maxSymbols: 2_000,
      maxProcesses: 1_000,
      bucket: 'livetools_quotes',
      subjectPrefix: 'quotes',
      verbose: false,
    });
  });

  it('reads flags before the environment, both spellings', () => {
    const env = {
      NATS_URL: 'nats://env:4222',
      LIVETOOLS_SOURCE: 'coinbase',
      LIVETOOLS_SPEED: '5',
      LIVETOOLS_OPEN_TIMEOUT_MS: '60000',
    };
    expect(
      parseRelayCommand(['--nats=nats://a:1,nats://b:2', '--source', 'simulated', '--lease-ms', '900'], env),
    ).toMatchObject({
      servers: ['nats://a:1', 'nats://b:2'],
      sources: ['simulated'],
      speed: 5,
      leaseMs: 900,
      openTimeoutMs: 60_000,
    });
    expect(parseRelayCommand(['--open-timeout-ms=0'], env)).toMatchObject({ openTimeoutMs: 0 });
    expect(
      parseRelayCommand(['--max-symbols=50'], {
        ...env,
        LIVETOOLS_MAX_SYMBOLS: '9',
        LIVETOOLS_MAX_PROCESSES: '7',
      }),
    ).toMatchObject({ maxSymbols: 50, maxProcesses: 7 });
    expect(parseRelayCommand(['--verbose', '--bucket', 'b1', '--prefix', 'acme.quotes'], env)).toMatchObject({
      servers: ['nats://env:4222'],
      sources: ['coinbase'],
      bucket: 'b1',
      subjectPrefix: 'acme.quotes',
      verbose: true,
    });
  });

  it('answers --help', () => {
    expect(parseRelayCommand(['--nats', 'x', '--help'], {})).toBe('help');
    expect(RELAY_USAGE).toMatch(/--source <names>/);
  });

  it.each([
    [['--source', 'nasdaq'], /--source must be one of simulated, finnhub, coinbase, alpaca, not 'nasdaq'/],
    [['--source', 'alpaca'], /--source alpaca needs ALPACA_KEY_ID and ALPACA_SECRET_KEY/],
    [['--speed', '0'], /--speed must be a positive number/],
    [['--speed', 'fast'], /--speed must be a positive number/],
    [['--lease-ms', '50'], /--lease-ms must be a whole number of ms, at least 100/],
    [['--open-timeout-ms', '1.5'], /--open-timeout-ms must be a whole number of ms, 0 or more/],
    [['--open-timeout-ms', '-1'], /--open-timeout-ms must be a whole number of ms, 0 or more/],
    [['--max-symbols', '0'], /--max-symbols must be a whole number, 1 or more/],
    [['--max-processes', '2.5'], /--max-processes must be a whole number, 1 or more/],
    [['--nats'], /--nats needs a value/],
    [['--frobnicate'], /Unknown argument '--frobnicate'/],
    [['--source', 'finnhub'], /needs FINNHUB_API_KEY/],
  ])('refuses %j with a message that says what to do', (argv, message) => {
    expect(() => parseRelayCommand(argv, {})).toThrow(message);
  });

  it('refuses an unknown ALPACA_FEED', () => {
    expect(() =>
      parseRelayCommand(['--source', 'alpaca'], {
        ALPACA_KEY_ID: 'k',
        ALPACA_SECRET_KEY: 's',
        ALPACA_FEED: 'otc',
      }),
    ).toThrow(/ALPACA_FEED must be one of iex, sip, delayed_sip, test, not 'otc'/);
  });

  it('builds the named upstream sources', () => {
    const env = { FINNHUB_API_KEY: 'k', APCA_API_KEY_ID: 'id', APCA_API_SECRET_KEY: 'secret' };
    const command = parseRelayCommand(['--source', 'simulated,coinbase,finnhub,alpaca'], env);
    if (command === 'help') throw new Error('unexpected help');
    const upstreams = relayUpstreams(command, env);
    expect(Object.keys(upstreams)).toEqual(['simulated', 'coinbase', 'finnhub', 'alpaca']);
    expect(Object.values(upstreams).map((s) => s.name)).toEqual([
      'simulated',
      'coinbase',
      'finnhub',
      'alpaca',
    ]);
  });
});
