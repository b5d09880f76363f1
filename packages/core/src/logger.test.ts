import { describe, expect, it, vi } from 'vitest';
import {
  consoleLogger,
  fromPino,
  type PinoLikeLogger,
  redactLogData,
  safeLogger,
  silentLogger,
} from './logger.js';

/** Records every call of a pino-style logger. */
function pinoLike(withBindings: boolean) {
  const calls: [string, object, string | undefined][] = [];
  const at = (level: string) => (obj: object, msg?: string) => calls.push([level, obj, msg]);
  const logger: PinoLikeLogger & { child?: () => unknown; bindings?: () => object } = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
    ...(withBindings ? { bindings: () => ({}) } : {}),
  };
  return { logger, calls };
}

describe('loggers', () => {
  it('fromPino turns (message, data) into (data, message)', () => {
    const { logger, calls } = pinoLike(false);
    const adapted = fromPino(logger);
    adapted.info('tool failed', { callId: 'c1' });
    adapted.debug('no data');
    expect(calls).toEqual([
      ['info', { callId: 'c1' }, 'tool failed'],
      ['debug', {}, 'no data'],
    ]);
  });

  it('recognises a pino logger (child and bindings) and adapts it; other loggers keep (message, data)', () => {
    const pino = pinoLike(true);
    safeLogger(pino.logger).warn('reconnecting', { attempt: 2 });
    expect(pino.calls).toEqual([['warn', { attempt: 2 }, 'reconnecting']]);
    const seen: unknown[][] = [];
    const winstonLike = {
      ...consoleLogger('error'),
      child: () => winstonLike,
      info: (...args: unknown[]) => seen.push(args),
    };
    safeLogger(winstonLike).info('hello', { a: 1 });
    expect(seen).toEqual([['hello', { a: 1 }]]);
  });

  it('is silent by default and does not wrap the silent logger', () => {
    expect(safeLogger(undefined)).toBe(silentLogger);
    expect(safeLogger(silentLogger)).toBe(silentLogger);
    const inner = consoleLogger('error');
    const safe = safeLogger(inner);
    expect(safeLogger(safe)).toBe(safe); // never wrapped twice
  });

  it('never throws: a logger that throws loses its messages, said once as a process warning', async () => {
    const thrown = () => {
      throw new Error('disk full');
    };
    const written: string[] = [];
    const inner = { debug: thrown, info: (m: string) => written.push(m), warn: thrown, error: thrown };
    const warnings: { code?: string; message: string }[] = [];
    const onWarning = (warning: Error & { code?: string }) => {
      if (warning.code === 'LIVETOOLS_LOGGER_THREW') warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const safe = safeLogger(inner);
      expect(() => safe.error('first', { a: 1 })).not.toThrow();
      expect(() => safe.warn('second')).not.toThrow();
      safe.info('still written');
      // A warning is emitted on the next turn; one more turn for Node to hand it out.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(written).toEqual(['still written']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(/^livetools: the logger threw \(disk full\)/);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('never passes API keys, tokens or media bytes to the logger', () => {
    const calls: unknown[][] = [];
    const capture = {
      debug: () => {},
      info: (...a: unknown[]) => calls.push(a),
      warn: () => {},
      error: () => {},
    };
    const frame = 'A'.repeat(5000);
    safeLogger(capture).info('connect failed for wss://host/ws/x?key=AIzaSECRET&alt=1', {
      apiKey: 'AIzaSECRET',
      headers: { 'x-goog-api-key': 'AIzaSECRET', Authorization: 'Bearer tok' },
      frame: { data: frame, mimeType: 'image/jpeg' },
      chunks: [{ data: 'pcm' }],
      blob: frame,
      note: `prefix ${frame}`, // not only base64: kept
      error: new Error('bad access_token=ya29.SECRET here'),
      keys: ['video'],
    });
    expect(calls).toHaveLength(1);
    const text = JSON.stringify(calls);
    expect(text).not.toMatch(/SECRET|Bearer tok/);
    expect(calls[0]![0]).toBe('connect failed for wss://host/ws/x?key=[redacted]&alt=1');
    expect(calls[0]![1]).toMatchObject({
      apiKey: '[redacted]',
      headers: { 'x-goog-api-key': '[redacted]', Authorization: '[redacted]' },
      frame: { data: '[redacted]', mimeType: 'image/jpeg' },
      chunks: [{ data: '[redacted]' }],
      blob: '[redacted: 5000 chars of base64]',
      error: { name: 'Error', message: 'bad access_token=[redacted] here' },
      keys: ['video'],
    });
  });

  it('redactLogData copies without touching the input, and copes with cycles, buffers and depth', () => {
    const input: Record<string, unknown> = { key: 'k', bytes: new Uint8Array(16), short: 'QUJD' };
    input.self = input;
    const out = redactLogData(input);
    expect(out).toEqual({
      key: '[redacted]',
      bytes: '[redacted: 16 bytes]',
      short: 'QUJD',
      self: '[circular]',
    });
    expect(input.key).toBe('k');
    expect(redactLogData({ secretish: 'x' }, { keys: ['secret_ish'] })).toEqual({ secretish: '[redacted]' });
    expect(redactLogData('B'.repeat(50), { maxBase64Length: 10 })).toBe('[redacted: 50 chars of base64]');
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 20; i++) deep = deep.next = {} as Record<string, unknown>;
    expect(JSON.stringify(redactLogData(root))).toContain('[too deep]');
  });

  it('consoleLogger writes from its level up, and nothing is written without a logger', () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    try {
      const logger = consoleLogger('warn');
      logger.debug('hidden');
      logger.warn('shown', { a: 1 });
      expect(debug).not.toHaveBeenCalled();
      expect(spy).toHaveBeenCalledWith('[livetools] shown', { a: 1 });
    } finally {
      spy.mockRestore();
      debug.mockRestore();
    }
  });
});
