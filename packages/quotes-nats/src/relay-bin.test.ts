import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolated } from '../test/support/fleet-fixture.js';
import { waitForOutput, watchAll } from '../test/support/wait-for.js';
import { createNatsQuoteSource } from './nats-quote-source.js';
import { freePort, type NatsTestServer, startNatsServer } from './testing/nats-server.js';

const BIN = fileURLToPath(new URL('./relay-bin.ts', import.meta.url));

let server: NatsTestServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server.stop();
});

interface Run {
  readonly child: ChildProcess;
  readonly out: () => string;
  readonly exit: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    env: { ...process.env, NATS_URL: '', LIVETOOLS_SOURCE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const reap = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => output, exit };
}

// Starting the relay runs tsx on its sources: seconds when CI runs every package's tests at once.
describe('livetools-quote-relay', { timeout: 75_000 }, () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'logs one line per upstream subscribe/unsubscribe and exits 0 on %s',
    async (signal) => {
      const names = isolated();
      const relay = run([
        '--nats',
        server.url,
        '--lease-ms',
        '3000',
        '--bucket',
        names.bucket,
        '--prefix',
        names.subjectPrefix,
      ]);
      try {
        await waitForOutput(relay.child, relay.out, 'serving simulated', 'the relay to start', 40_000);
        await using source = createNatsQuoteSource({ servers: server.url, source: 'simulated', ...names });
        const watcher = watchAll(source, 'AAPL');
        await watcher.quotes(1);
        await waitForOutput(
          relay.child,
          relay.out,
          'subscribed upstream simulated AAPL',
          'the subscribe line',
        );
        relay.child.kill(signal);
        expect(await relay.exit).toBe(0);
        const lines = relay.out().split('\n');
        expect(lines.filter((l) => /upstream simulated AAPL/.test(l))).toEqual([
          expect.stringMatching(/^\S+Z info quote relay: subscribed upstream simulated AAPL$/),
          expect.stringMatching(
            /^\S+Z info quote relay: unsubscribed upstream simulated AAPL \(relay closing\)$/,
          ),
        ]);
        expect(relay.out()).toMatch(new RegExp(`${signal}, stopping`));
      } finally {
        relay.child.kill('SIGKILL');
      }
    },
  );

  it('prints --help and exits 0; refuses a bad flag with exit code 2', async () => {
    const help = run(['--help']);
    const bad = run(['--source', 'nasdaq']);
    expect(await help.exit).toBe(0);
    expect(help.out()).toMatch(/^Usage: livetools-quote-relay/);
    expect(await bad.exit).toBe(2);
    expect(bad.out()).toMatch(/--source must be one of/);
  });

  it('exits 1 at once, saying to run nats-server with -js, where JetStream is not enabled', async () => {
    const plain = await startNatsServer({ jetStream: false });
    try {
      const relay = run(['--nats', plain.url]);
      expect(await relay.exit).toBe(1);
      expect(relay.out()).toMatch(
        new RegExp(
          `JetStream is not enabled on 127\\.0\\.0\\.1:${plain.port}\\. Run nats-server with JetStream enabled \\(-js\\)\\.`,
        ),
      );
      expect(relay.out()).not.toMatch(/ warn /);
    } finally {
      await plain.stop();
    }
  });

  it('exits 1 with a clear message when NATS is unreachable', async () => {
    const port = await freePort();
    const relay = run([], { NATS_URL: `nats://127.0.0.1:${port}` });
    expect(await relay.exit).toBe(1);
    expect(relay.out()).toMatch(new RegExp(`Cannot reach NATS at nats://127.0.0.1:${port}`));
  });
});
