import type { CliIo, CliStream } from './cli-io.js';

/** Text styles for one stream: ANSI colours on a terminal unless `NO_COLOR` is set, plain otherwise. */
export interface Style {
  readonly ok: (text: string) => string;
  readonly error: (text: string) => string;
  readonly warn: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const plain = (text: string): string => text;
const ansi =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

/** Whether `stream` gets colours: a terminal, and `NO_COLOR` unset. @internal */
export function usesColour(stream: CliStream, io: Pick<CliIo, 'env'>): boolean {
  return stream.isTTY === true && !io.env?.NO_COLOR;
}

/** The style of `stream`. @internal */
export function styleFor(stream: CliStream, io: Pick<CliIo, 'env'>): Style {
  return usesColour(stream, io)
    ? { ok: ansi(32, 39), error: ansi(31, 39), warn: ansi(33, 39), dim: ansi(2, 22), bold: ansi(1, 22) }
    : { ok: plain, error: plain, warn: plain, dim: plain, bold: plain };
}

/** The marks of a check result. @internal */
export const MARKS = { pass: '✔', warn: '⚠', fail: '✖' } as const;
