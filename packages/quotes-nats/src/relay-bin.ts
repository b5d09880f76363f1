#!/usr/bin/env node
/**
 * `livetools-quote-relay`: runs a quote relay until SIGINT or SIGTERM. See `--help`.
 *
 * @packageDocumentation
 */
import type { Logger } from '@livetools/core';
import { messageOf } from './errors.js';
import { startQuoteRelay } from './quote-relay.js';
import { parseRelayCommand, RELAY_USAGE, relayUpstreams } from './relay-cli.js';

/** One line per event on stdout (warnings and errors on stderr), with a UTC time stamp. */
function lineLogger(verbose: boolean): Logger {
  const line =
    (stream: NodeJS.WriteStream, level: string) =>
    (message: string): void => {
      stream.write(`${new Date().toISOString()} ${level} ${message}\n`);
    };
  return {
    debug: verbose ? line(process.stdout, 'debug') : () => {},
    info: line(process.stdout, 'info'),
    warn: line(process.stderr, 'warn'),
    error: line(process.stderr, 'error'),
  };
}

async function main(): Promise<number> {
  let command: ReturnType<typeof parseRelayCommand>;
  try {
    command = parseRelayCommand(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`livetools-quote-relay: ${messageOf(error)}\n`);
    return 2;
  }
  if (command === 'help') {
    process.stdout.write(RELAY_USAGE);
    return 0;
  }
  const logger = lineLogger(command.verbose);
  let relay: Awaited<ReturnType<typeof startQuoteRelay>>;
  try {
    relay = await startQuoteRelay({
      servers: command.servers,
      sources: relayUpstreams(command, process.env),
      leaseMs: command.leaseMs,
      openTimeoutMs: command.openTimeoutMs,
      maxSymbols: command.maxSymbols,
      maxProcesses: command.maxProcesses,
      bucket: command.bucket,
      subjectPrefix: command.subjectPrefix,
      logger,
    });
  } catch (error) {
    logger.error(`livetools-quote-relay: ${messageOf(error)}`);
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info(`livetools-quote-relay: ${signal}, stopping`);
  await relay.close();
  logger.info('livetools-quote-relay: stopped');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`livetools-quote-relay: ${messageOf(error)}\n`);
    process.exitCode = 1;
  },
);
