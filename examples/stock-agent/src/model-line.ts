import type { LiveEvent } from '@livetools/core';

/**
 * Gathers what the model says in one turn into one line. Text models write text; audio models
 * speak, and the transcription of their speech is what they said (their text parts are thoughts).
 */
export function modelLine(audioOut: boolean, print: (text: string) => void) {
  let line = '';
  const flush = () => {
    if (line.trim()) print(line.trim());
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
        case 'interrupted':
          flush();
          return true;
        default:
          return false;
      }
    },
    /** Prints what is gathered so far. */
    flush,
  };
}
