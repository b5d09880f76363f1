import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Speaker, splitChunks } from '../../src/simulator/speech.js';

function recorder() {
  const scheduler = new VirtualTimeScheduler();
  const log: string[] = [];
  const at = (event: string) => log.push(`${scheduler.now()} ${event}`);
  const speaker = new Speaker(scheduler, 10, 2, {
    chunk: (text) => at(`chunk ${JSON.stringify(text)}`),
    complete: () => at('complete'),
    interrupted: () => at('interrupted'),
    ended: (text, interrupted) => at(`ended ${JSON.stringify(text)}${interrupted ? ' (interrupted)' : ''}`),
  });
  return { scheduler, log, speaker };
}

describe('Speaker', () => {
  it('streams a turn in chunks and starts queued turns when it completes', () => {
    const { scheduler, log, speaker } = recorder();
    speaker.say('one two three', 'queue');
    speaker.say('four', 'queue');
    expect(speaker.speaking).toBe(true);
    expect(speaker.queued).toBe(1);

    scheduler.flush();

    expect(log).toEqual([
      '0 chunk "one two "',
      '10 chunk "three"',
      '20 complete',
      '20 ended "one two three"',
      '20 chunk "four"',
      '30 complete',
      '30 ended "four"',
    ]);
    expect(speaker.speaking).toBe(false);
  });

  it('interrupts the current turn at once and keeps the queue for later', () => {
    const { scheduler, log, speaker } = recorder();
    speaker.say('one two three', 'queue');
    speaker.say('later', 'queue');
    speaker.say('now', 'interrupt');

    scheduler.flush();

    expect(log).toEqual([
      '0 chunk "one two "',
      '0 interrupted',
      '0 ended "one two " (interrupted)',
      '0 chunk "now"',
      '10 complete',
      '10 ended "now"',
      '10 chunk "later"',
      '20 complete',
      '20 ended "later"',
    ]);
  });

  it('sends nothing after dispose', () => {
    const { scheduler, log, speaker } = recorder();
    speaker.say('one two three', 'queue');
    speaker.dispose();
    speaker.say('more', 'queue');

    scheduler.flush();

    expect(log).toEqual(['0 chunk "one two "']);
  });
});

describe('splitChunks', () => {
  it('keeps the text when the chunks are joined', () => {
    expect(splitChunks('  a b  c d e ', 2)).toEqual(['a b ', 'c d ', 'e']);
    expect(splitChunks('a b c', 5)).toEqual(['a b c']);
  });
});
