// The fleet benchmark's nats-server: JetStream, 127.0.0.1, a port it picks, a temporary store.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Starts nats-server (NATS_SERVER_BIN or `nats-server` on the PATH); resolves with `{ url, stop() }`. */
export async function startNats() {
  const dir = mkdtempSync(join(tmpdir(), 'livetools-fleet-nats-'));
  const config = join(dir, 'server.conf');
  writeFileSync(
    config,
    `listen: "127.0.0.1:-1"\njetstream { store_dir: ${JSON.stringify(join(dir, 'store'))} }\n`,
  );
  const child = spawn(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-c', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const url = await new Promise((resolve, reject) => {
    let port;
    const timer = setTimeout(
      () => reject(new Error(`nats-server did not start:\n${log.join('\n')}`)),
      15_000,
    );
    child.once('error', (error) =>
      reject(
        new Error(`could not run nats-server (${error.message}); install it (apt-get install nats-server)`),
      ),
    );
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}):\n${log.join('\n')}`)));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        log.push(line);
        port ??= /Listening for client connections on [\d.]+:(\d+)/.exec(line)?.[1];
        if (line.includes('Server is ready') && port) {
          clearTimeout(timer);
          resolve(`nats://127.0.0.1:${port}`);
        }
      });
    }
  });
  return {
    url,
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
