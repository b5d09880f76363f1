import { describeError } from './errors.js';
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

type LogMethod = (message: string, data?: Record<string, unknown>) => void;

/** A logger whose method for each level is `at(level)`. */
function loggerOf(at: (level: LogLevel) => LogMethod): Logger {
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

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
  return loggerOf((l) => (message, data) => {
    if (LEVELS.indexOf(l) < min) return;
    console[l](`[livetools] ${message}`, ...(data ? [data] : []));
  });
}

/**
 * A logger in pino's shape: the data first, then the message (`logger.info({ callId }, 'tool failed')`).
 * Bunyan and most JSON loggers share it.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const logger: PinoLikeLogger = pino();
 * ```
 */
export interface PinoLikeLogger {
  /** Logs `obj`'s fields with `msg` at debug level. */
  debug(obj: object, msg?: string): void;
  /** Logs at info level. */
  info(obj: object, msg?: string): void;
  /** Logs at warn level. */
  warn(obj: object, msg?: string): void;
  /** Logs at error level. */
  error(obj: object, msg?: string): void;
}

/**
 * Adapts a pino-style logger (`(obj, msg)`) to livetools' {@link Logger} (`(message, data)`).
 * `createLiveAgent` does this by itself for pino instances (it recognises their `bindings()`);
 * use it for other loggers of that shape.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const agent = createLiveAgent({ ai, model, tools, logger: fromPino(pino({ level: 'info' })) });
 * ```
 */
export function fromPino(logger: PinoLikeLogger): Logger {
  return loggerOf((l) => (message, data) => logger[l](data ?? {}, message));
}

/** True for a pino logger: `child()` and `bindings()` are its own (winston and bunyan have no `bindings`). */
function isPino(logger: object): logger is PinoLikeLogger {
  const l = logger as { child?: unknown; bindings?: unknown };
  return typeof l.child === 'function' && typeof l.bindings === 'function';
}

/**
 * Options of {@link redactLogData}.
 *
 * @example
 * ```ts
 * redactLogData(event, { maxBase64Length: 64, keys: ['session_secret'] });
 * ```
 */
export interface RedactOptions {
  /** Strings of base64 characters at least this long are replaced (default 200). */
  readonly maxBase64Length?: number;
  /** Extra field names to replace, compared without case, `-` and `_` (added to the built-in list). */
  readonly keys?: readonly string[];
}

/** Field names whose values are never logged: credentials, and the media bytes of frames and audio. */
const SECRET_KEYS = [
  'data',
  'apikey',
  'key',
  'accesstoken',
  'token',
  'authorization',
  'xgoogapikey',
  'password',
  'secret',
  'credential',
  'credentials',
];
/** {@link SECRET_KEYS}, normalised once. */
const DEFAULT_SECRETS: ReadonlySet<string> = new Set(SECRET_KEYS);
const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** `key=...`, `access_token=...` in URLs and messages. */
const SECRET_PARAM = /\b(key|api_?key|access_token|token)=([^&\s"']+)/gi;
const MAX_DEPTH = 8;

/**
 * A copy of `value` that is safe to log: the values of credential and media fields (`data`,
 * `apiKey`, `key`, `access_token`, `token`, `authorization`, ...) are replaced, so are strings of
 * base64 longer than `maxBase64Length` (audio, video frames) and binary buffers, and `key=` or
 * `access_token=` parameters inside strings are masked. livetools applies it to everything it
 * logs; use it on events you log yourself (a `model-audio` event carries audio).
 *
 * @example
 * ```ts
 * redactLogData({ apiKey: 'AIza...', frame: { data: '/9j/4AAQ...' }, url: 'wss://host/ws?key=AIza...' });
 * // { apiKey: '[redacted]', frame: { data: '[redacted]' }, url: 'wss://host/ws?key=[redacted]' }
 * ```
 */
export function redactLogData<T>(value: T, options: RedactOptions = {}): T {
  const max = options.maxBase64Length ?? 200;
  const secret =
    options.keys === undefined || options.keys.length === 0
      ? DEFAULT_SECRETS
      : new Set([...SECRET_KEYS, ...options.keys.map(normalise)]);
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactText(v, max);
    if (typeof v !== 'object' || v === null) return v;
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `[redacted: ${v.byteLength} bytes]`;
    if (seen.has(v)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    if (v instanceof Error) return { name: v.name, message: redactText(v.message, max) };
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      out[k] =
        secret.has(normalise(k)) && item !== undefined && item !== null
          ? '[redacted]'
          : walk(item, depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}

/** Masks `key=` parameters in a string, and replaces it whole when it is a long run of base64. */
function redactText(text: string, maxBase64: number): string {
  if (text.length >= maxBase64 && BASE64.test(text)) return `[redacted: ${text.length} chars of base64]`;
  return text.replace(SECRET_PARAM, '$1=[redacted]');
}

const redacting = Symbol.for('livetools.redacting-logger');

/**
 * @internal
 * The logger livetools writes to: a pino logger is adapted, and every message and its data go
 * through {@link redactLogData} first. The silent logger is returned as is (nothing to redact).
 *
 * It never throws. livetools logs from a socket's listener, from timers and halfway through
 * answering a call: an application's logger that threw there would stop the socket reading, or
 * leave a call unanswered. A message the logger throws on is lost; the first such throw is said
 * once, as a process warning (code `LIVETOOLS_LOGGER_THREW`), where the platform has them.
 */
export function safeLogger(logger: Logger | PinoLikeLogger | undefined): Logger {
  if (logger === undefined || logger === silentLogger) return silentLogger;
  if ((logger as unknown as Record<symbol, unknown>)[redacting] === true) return logger as Logger;
  const inner: Logger = isPino(logger) ? fromPino(logger) : (logger as Logger);
  let warned = false;
  const safe = loggerOf((l) => (message, data) => {
    try {
      const text = redactText(message, Number.POSITIVE_INFINITY);
      if (data === undefined) inner[l](text);
      else inner[l](text, redactLogData(data));
    } catch (error) {
      if (warned) return;
      warned = true;
      warnLoggerThrew(error);
    }
  });
  Object.defineProperty(safe, redacting, { value: true });
  return safe;
}

/** Says, as a process warning where there are such (Node), that the application's logger threw. */
function warnLoggerThrew(error: unknown): void {
  try {
    const host = (globalThis as { process?: { emitWarning?: unknown } }).process;
    if (typeof host?.emitWarning !== 'function') return;
    host.emitWarning(
      `livetools: the logger threw (${describeError(error)}); the messages it throws on are lost, and livetools carries on. Check the logger given to livetools.`,
      { code: 'LIVETOOLS_LOGGER_THREW' },
    );
  } catch {
    // nowhere left to say it
  }
}

/** @internal A logger that adds `fields` to every message's data. */
export function childLogger(parent: Logger, fields: Record<string, unknown>): Logger {
  if (parent === silentLogger) return silentLogger;
  return loggerOf((l) => (message, data) => parent[l](message, { ...fields, ...data }));
}
