import type { Logger } from './tool/context.js';

/** A logger that drops everything: the default, so livetools never writes to the console by itself. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** A log level, from the most to the least verbose. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * A logger that writes to the console from `level` up.
 *
 * @example
 * ```ts
 * const agent = createLiveAgent({ ai, model, tools, logger: consoleLogger('info') });
 * ```
 */
export function consoleLogger(level: LogLevel = 'info'): Logger {
  const min = LEVELS.indexOf(level);
  const at =
    (l: LogLevel) =>
    (message: string, data?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(l) < min) return;
      console[l](`[livetools] ${message}`, ...(data ? [data] : []));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** @internal A logger that adds `fields` to every message's data. */
export function childLogger(parent: Logger, fields: Record<string, unknown>): Logger {
  const at =
    (l: LogLevel) =>
    (message: string, data?: Record<string, unknown>): void =>
      parent[l](message, { ...fields, ...data });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
