/**
 * Finds the `nats-server` binary the tests start: `NATS_SERVER_BIN`, else the first `nats-server`
 * on the PATH or in the system directories Debian installs it to (`/usr/sbin` is not on every
 * user's PATH).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of `nats-server`, or `undefined` when there is none. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NATS_SERVER_BIN) return executable(env.NATS_SERVER_BIN) ? env.NATS_SERVER_BIN : undefined;
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
  return dirs
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'nats-server'))
    .find(executable);
}

/** The binary to spawn: the one found, else the bare name (the spawn error then says what to install). */
export const NATS_SERVER = findNatsServer() ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
