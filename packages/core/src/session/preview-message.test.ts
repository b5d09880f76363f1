import { describe, expect, it } from 'vitest';
import { previewMessage } from './session-inbound.js';

describe('previewMessage (the start of a malformed server message, for its error)', () => {
  it('prints JSON and cuts it at 200 characters', () => {
    expect(previewMessage({ a: 1 })).toBe('{"a":1}');
    const long = previewMessage({ text: 'x'.repeat(500) });
    expect(long).toHaveLength(203);
    expect(long.endsWith('...')).toBe(true);
  });

  it('never throws on a message neither JSON nor String can print', () => {
    const cyclic: Record<string, unknown> = Object.create(null);
    cyclic.self = cyclic;
    expect(() => String(cyclic)).toThrow();
    expect(previewMessage(cyclic)).toBe('a value of type object');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(previewMessage(hostile)).toBe('a value of type object');
    expect(previewMessage(10n)).toBe('a value of type bigint');
    expect(previewMessage(undefined)).toBe('a value of type undefined');
  });
});
