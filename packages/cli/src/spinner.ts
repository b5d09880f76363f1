import type { CliStream } from './cli-io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A one-line spinner on a terminal stream; does nothing on anything else. @internal */
export interface Spinner {
  /** Shows the spinner with `text` (a function, re-read on every frame), until {@link Spinner.clear}. */
  start(text: () => string): void;
  /** Erases the line and stops; call before writing anything else to the terminal. */
  clear(): void;
}

/** A spinner on `stream` (stderr), active only when it is a terminal. @internal */
export function createSpinner(stream: CliStream, intervalMs = 80): Spinner {
  let timer: ReturnType<typeof setInterval> | undefined;
  let frame = 0;
  const enabled = stream.isTTY === true;
  const clear = (): void => {
    if (timer === undefined) return;
    clearInterval(timer);
    timer = undefined;
    stream.write('\r\u001b[K');
  };
  return {
    start(text) {
      if (!enabled) return;
      clear();
      const draw = (): void => {
        stream.write(`\r\u001b[K${FRAMES[frame++ % FRAMES.length]} ${text()}`);
      };
      draw();
      timer = setInterval(draw, intervalMs);
      timer.unref?.();
    },
    clear,
  };
}
