import type { LiveEvent } from '@livetools/core';

/** What ends a line the model did not finish (an `INTERRUPT` result, or the user talking over it). */
export const cutOffMarker = '… [cut off]';

/**
 * Gathers what the model says in one turn into one line. Text models write text; audio models
 * speak, and the transcription of their speech is what they said (their text parts are thoughts).
 * A turn cut short ends with {@link cutOffMarker}.
 */
export function modelLine(audioOut: boolean, print: (text: string) => void) {
  let line = '';
  const flush = (cut = false) => {
    const text = line.trim();
    if (text) print(cut ? `${text}${cutOffMarker}` : text);
    line = '';
  };
  return {
    /** Takes the event if it is part of the model's turn; returns whether it was. */
    take(event: LiveEvent): boolean {
      switch (event.type) {
        case 'model-text':
        case 'output-transcription':
          if ((event.type === 'model-text') !== audioOut) line += event.text;
          return true;
        case 'turn-complete':
          flush();
          return true;
        case 'interrupted':
          flush(true);
          return true;
        default:
          return false;
      }
    },
    /** Prints what is gathered so far. */
    flush: () => flush(),
  };
}
