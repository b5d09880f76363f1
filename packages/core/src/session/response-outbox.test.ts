import { describe, expect, it } from 'vitest';
import type { LiveFunctionResponse } from '../scheduler/wire.js';
import { ResponseOutbox } from './response-outbox.js';

const result = (id: string, output: unknown): LiveFunctionResponse => ({
  id,
  name: 't',
  response: { output },
  willContinue: true,
  scheduling: 'WHEN_IDLE',
});
const final = (id: string): LiveFunctionResponse => ({
  id,
  name: 't',
  response: { output: { status: 'completed' } },
  willContinue: false,
});

describe('ResponseOutbox (results held while disconnected)', () => {
  it('keeps the newest intermediate results per call up to the bound, every final, in the original order', () => {
    const outbox = new ResponseOutbox(2);
    for (const r of [
      result('a', 1),
      result('b', 1),
      result('a', 2),
      result('a', 3),
      final('b'),
      result('a', 4),
      final('a'),
    ]) {
      outbox.push(r);
    }
    expect(outbox.size).toBe(5);
    expect(outbox.dropped).toBe(2);
    expect(outbox.drain().map((r) => [r.id, 'output' in r.response ? r.response.output : undefined])).toEqual(
      [
        ['b', 1],
        ['a', 3],
        ['b', { status: 'completed' }],
        ['a', 4],
        ['a', { status: 'completed' }],
      ],
    );
    expect(outbox.size).toBe(0);
    expect(outbox.drain()).toEqual([]);
  });

  it('never drops a final or an error response, however many there are', () => {
    const outbox = new ResponseOutbox(1);
    for (let i = 0; i < 100; i++) outbox.push(final(`c${i}`));
    expect(outbox.drain()).toHaveLength(100);
  });
});
