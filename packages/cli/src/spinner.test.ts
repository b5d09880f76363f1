import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSpinner } from './spinner.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createSpinner', () => {
  it('animates one line on a terminal and erases it when cleared', () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const spinner = createSpinner({ write: (t: string) => written.push(t), isTTY: true }, 80);
    let n = 0;
    spinner.start(() => `waiting ${n}`);
    n = 1;
    vi.advanceTimersByTime(160);
    spinner.clear();
    expect(written).toEqual([
      '\r\u001b[K⠋ waiting 0',
      '\r\u001b[K⠙ waiting 1',
      '\r\u001b[K⠹ waiting 1',
      '\r\u001b[K',
    ]);
    vi.advanceTimersByTime(500);
    spinner.clear();
    expect(written).toHaveLength(4);
  });

  it('writes nothing when the stream is not a terminal', () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const spinner = createSpinner({ write: (t: string) => written.push(t) });
    spinner.start(() => 'waiting');
    vi.advanceTimersByTime(1000);
    spinner.clear();
    expect(written).toEqual([]);
  });
});
