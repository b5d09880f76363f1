/**
 * Starts a real `nats-server` (with JetStream unless asked otherwise) on a free port and a temporary
 * store directory, for tests of a fleet: the relay, agent processes, and faults such as a server restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATS_SERVER } from './nats-binary.js';

/** Path of the server binary (see {@link NATS_SERVER}). */
const BINARY = NATS_SERVER;
/** How long to wait for the server to accept connections. */
const READY_TIMEOUT_MS = 10_000;

/**
 * Options of {@link startNatsServer}.
 *
 * @example
 * ```ts
 * const plain = await startNatsServer({ jetStream: false });
 * ```
 */
export interface StartNatsServerOptions {
  /**
   * Whether the server runs JetStream (`-js`). Default true. Without it the relay refuses to start,
   * which is how a test reaches that error.
   */
  readonly jetStream?: boolean;
}

/** A running test server. */
export interface NatsTestServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** The TCP port, the same across restarts. */
  readonly port: number;
  /** The JetStream store directory, the same across restarts. */
  readonly storeDir: string;
  /** `http://127.0.0.1:<port>` of the server's monitoring endpoints (`/connz?subs=1`, `/varz`). */
  readonly monitorUrl: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes the store directory. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server without deleting its store, then starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Stops the server without deleting its store; {@link NatsTestServer.start} brings it back. */
  kill(): Promise<void>;
  /** Starts a killed server again on the same port and store. */
  start(): Promise<void>;
}

/**
 * Starts `nats-server -js -a 127.0.0.1 -p <free port> -m <free port> -sd <temp dir>` (without `-js`
 * when `jetStream` is false) and resolves once it accepts TCP connections.
 *
 * @param options - Whether to run JetStream (default true).
 *
 * @example
 * ```ts
 * const server = await startNatsServer();
 * try {
 *   // connect to server.url
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<NatsTestServer> {
  const jetStream = options.jetStream ?? true;
  const storeDir = await mkdtemp(join(tmpdir(), 'livetools-nats-'));
  const port = await freePort();
  const monitorPort = await freePort();
  let child: ChildProcess | undefined;
  let stopped = false;

  const launch = async (): Promise<void> => {
    const proc = spawn(
      BINARY,
      [
        ...(jetStream ? ['-js'] : []),
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '-m',
        String(monitorPort),
        '-sd',
        storeDir,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child = proc;
    // a test run that ends abruptly (timeout, crash) must not leave a server behind
    const reap = (): void => {
      proc.kill('SIGKILL');
    };
    process.once('exit', reap);
    proc.once('exit', () => process.off('exit', reap));
    let output = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      if (output.length < 20_000) output += chunk.toString();
    });
    const exited = new Promise<never>((_, reject) => {
      proc.once('error', (error) => reject(new Error(`could not start ${BINARY}: ${error.message}`)));
      proc.once('exit', (code) => reject(new Error(`${BINARY} exited with ${code}:\n${output}`)));
    });
    exited.catch(() => {});
    await Promise.race([waitForPort(port, READY_TIMEOUT_MS), exited]);
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const force = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    monitorUrl: `http://127.0.0.1:${monitorPort}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
      await rm(storeDir, { recursive: true, force: true });
    },
    async restart() {
      await kill();
      await launch();
    },
    kill,
    async start() {
      if (child) return;
      await launch();
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(port)) return;
    if (Date.now() > deadline)
      throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}
