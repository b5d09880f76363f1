import type { LiveEvent } from '@livetools/core';
import { describe, expect, it } from 'vitest';
import { modelLine } from '../src/model-line.js';

const text = (t: string) => ({ type: 'model-text', text: t }) as LiveEvent;
const event = (type: 'turn-complete' | 'interrupted') => ({ type }) as LiveEvent;

describe('modelLine', () => {
  it('prints a turn as one line when it completes', () => {
    const printed: string[] = [];
    const line = modelLine(false, (t) => printed.push(t));
    for (const e of [text('MSFT is '), text('trading at $420.00.'), event('turn-complete')]) line.take(e);
    expect(printed).toEqual(['MSFT is trading at $420.00.']);
  });

  it('marks a line that was cut off (an INTERRUPT alert, or the user talking over it)', () => {
    const printed: string[] = [];
    const line = modelLine(false, (t) => printed.push(t));
    for (const e of [
      text('AAPL is down'),
      event('interrupted'),
      event('turn-complete'),
      text('Alert: AAPL'),
    ]) {
      line.take(e);
    }
    line.take(event('turn-complete'));
    expect(printed).toEqual(['AAPL is down… [cut off]', 'Alert: AAPL']);
  });
});
