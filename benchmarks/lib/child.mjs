// A benchmark's fake Live server runs in a child process (its own event loop and heap), driven
// over IPC: requests `{ id, type, ...}` are answered with `{ id, reply }`, and `{ type: 'ready' }`
// announces the server's URL.
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';

/** Forks `script` and resolves once it is ready, with `{ url, request(type, body), kill() }`. */
export async function startChild(script, options = {}) {
  const child = fork(script, options.args ?? [], {
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before it was ready`)));
    child.on('message', (message) => {
      if (message.type === 'ready') resolve(message);
      else if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message.reply);
      }
    });
  });
  const { url } = await ready;
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited with code ${code}`));
    pending.clear();
  });
  return {
    url,
    child,
    /** Sends a request and resolves with the child's reply. */
    request(type, body = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, type, ...body });
      });
    },
    /** Sends a message that expects no reply. */
    send(type, body = {}) {
      child.send({ type, ...body });
    },
    /** Asks the child to close its server and exit; resolves when it has exited. */
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * In the child: answers requests with `handlers[type](message)` (sync or async), and exits on
 * `{ type: 'exit' }` after `onExit()`.
 */
export function serve(handlers, onExit) {
  process.on('message', async (message) => {
    if (message.type === 'exit') {
      await onExit?.();
      process.exit(0);
    }
    const handler = handlers[message.type];
    if (message.id === undefined) {
      await handler?.(message);
      return;
    }
    try {
      if (!handler) throw new Error(`unknown request ${message.type}`);
      process.send({ id: message.id, reply: await handler(message) });
    } catch (error) {
      process.send({ id: message.id, error: String(error?.stack ?? error) });
    }
  });
}

/** The nice value in environment variable `name` (default -10), checked: a whole number from -20 to 19. */
export function niceFromEnv(name) {
  const nice = Number(process.env[name] ?? -10);
  if (!Number.isInteger(nice) || nice < -20 || nice > 19) {
    throw new Error(`${name} must be a whole number from -20 to 19`);
  }
  return nice;
}

/**
 * Gives the fake server's process the nice value `nice` (0 leaves it), so that on a small machine
 * the instrument is not descheduled while the client under test runs: a real Live server does not
 * share the client's cores. Lowering a nice value needs root (or CAP_SYS_NICE); without it the
 * server keeps the default. Returns what was done, for the benchmark's first lines.
 */
export function raisePriority(pid, nice) {
  if (nice === 0) return 'default priority';
  try {
    setPriority(pid, nice);
    return `nice ${nice}`;
  } catch (error) {
    return `default priority: could not set nice ${nice} (${error.code ?? error.message}; run as root, or set the nice variable to 0)`;
  }
}
