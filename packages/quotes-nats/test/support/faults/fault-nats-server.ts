import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NATS_SERVER } from '../../../src/testing/nats-binary.js';

const START_TIMEOUT_MS = 15_000;

/** A real nats-server with JetStream for the fault tests, on 127.0.0.1 and a port it chose. */
export interface FaultNatsServer extends AsyncDisposable {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Every line the server logged, across restarts. */
  readonly log: string[];
  /** Resolves once a log line matches (checked against the lines so far, then each new one). */
  logged(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Stops the server (SIGTERM, as an operator would) and starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Stops the server and removes its store. */
  stop(): Promise<void>;
}

/**
 * Starts `nats-server -js` on a free port with a temporary store directory. `config` lines are
 * added to its configuration file (e.g. `max_pending: 262144` to cut slow consumers early).
 */
export async function startFaultNatsServer(config: readonly string[] = []): Promise<FaultNatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'livetools-faults-nats-'));
  const log: string[] = [];
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  let port = -1;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const file = join(dir, 'server.conf');
    writeFileSync(
      file,
      [
        `listen: "127.0.0.1:${port}"`,
        `jetstream { store_dir: ${JSON.stringify(join(dir, 'store'))} }`,
        ...config,
      ].join('\n'),
    );
    const from = log.length;
    const server = spawn(NATS_SERVER, ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    let failed: Error | undefined;
    server.once('error', (error) => {
      failed = new Error(
        `could not run ${NATS_SERVER} (${error.message}): install nats-server (apt-get install nats-server) or set NATS_SERVER_BIN`,
      );
      wake();
    });
    for (const stream of [server.stdout, server.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.push(line);
        wake();
      });
    }
    server.once('exit', wake);
    await until(
      () => {
        if (failed) throw failed;
        if (server.exitCode !== null || server.signalCode !== null) {
          throw new Error(`nats-server exited while starting:\n${log.slice(from).join('\n')}`);
        }
        return log.slice(from).find((line) => line.includes('Server is ready'));
      },
      'nats-server to be ready',
      START_TIMEOUT_MS,
    );
    if (port < 0) {
      const listening = log.slice(from).find((line) => line.includes('Listening for client connections'));
      const match = listening ? /:(\d+)\s*$/.exec(listening) : null;
      if (!match?.[1]) throw new Error(`nats-server did not say its port:\n${log.slice(from).join('\n')}`);
      port = Number(match[1]);
    }
  };

  const halt = async (): Promise<void> => {
    const server = child;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  function until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (error?: unknown, value?: T): void => {
        waiters.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(value as T);
      };
      const check = (): void => {
        try {
          const value = probe();
          if (value !== undefined) done(undefined, value);
        } catch (error) {
          done(error);
        }
      };
      const timer = setTimeout(
        () =>
          done(
            new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${log.slice(-10).join('\n')}`),
          ),
        timeoutMs,
      );
      waiters.add(check);
      check();
    });
  }

  try {
    await launch();
  } catch (error) {
    await halt();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const server: FaultNatsServer = {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    log,
    logged: (pattern, timeoutMs = 20_000) =>
      until(() => log.find((line) => pattern.test(line)), `nats-server to log ${pattern}`, timeoutMs),
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]: () => server.stop(),
  };
  return server;
}
