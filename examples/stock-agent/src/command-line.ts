/**
 * The command line of `npm start`: the options, a short usage error for a mistyped one, and the
 * flags npm swallowed (`npm start --terminal` without `--`).
 */
import { parseArgs } from 'node:util';

const options = {
  terminal: { type: 'boolean', default: false },
  demo: { type: 'boolean', default: false },
  port: { type: 'string' },
  host: { type: 'string', default: '127.0.0.1' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The options `npm start -- …` takes. */
export interface CommandLineValues {
  readonly terminal: boolean;
  readonly demo: boolean;
  readonly port: string | undefined;
  readonly host: string;
}

/** What to do: run with these values, or print `text` and exit with `code`. */
export type CommandLine =
  | { readonly kind: 'run'; readonly values: CommandLineValues }
  | { readonly kind: 'exit'; readonly code: number; readonly text: string };

/** The usage text. */
export const usage =
  'Usage: npm start -- [--terminal | --demo] [--port N] [--host H]\n' +
  '  (no flag)   the web console on http://127.0.0.1:8787 (a token is in the printed URL)\n' +
  '  --terminal  text only, in this terminal\n' +
  '  --demo      a short scripted conversation, then exit\n' +
  'The -- matters: without it npm keeps the flags for itself.\n' +
  'Set GEMINI_API_KEY to talk to Gemini Live; without it the offline simulator answers.';

const npmFlags = ['terminal', 'demo', 'port', 'host'] as const;

/**
 * Reads the arguments. A flag npm took for itself (it sets `npm_config_terminal=true` for
 * `npm start --terminal`) and a mistyped option end in a short message with code 2, never a throw.
 *
 * @example
 * ```ts
 * readCommandLine(['--termnial'], {}); // { kind: 'exit', code: 2, text: "Unknown option '--termnial'. Did you mean --terminal? …" }
 * ```
 */
export function readCommandLine(args: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (error) {
    return { kind: 'exit', code: 2, text: `${describeParseError(error, args)}\n\n${usage}` };
  }
  if (values.help) return { kind: 'exit', code: 0, text: usage };
  if (values.terminal && values.demo) {
    return { kind: 'exit', code: 2, text: `--terminal and --demo are two modes: give one.\n\n${usage}` };
  }
  const given = args.length > 0;
  const swallowed = npmFlags.filter(
    (name) => env[`npm_config_${name}`] !== undefined && env[`npm_config_${name}`] !== '',
  );
  if (!given && swallowed.length > 0) {
    const flags = swallowed.map((name) => `--${name}`).join(' ');
    return {
      kind: 'exit',
      code: 2,
      text: `npm took ${flags} as its own option: write npm start -- ${flags}${swallowed.some((n) => n === 'port' || n === 'host') ? ' VALUE' : ''} (with the -- before the flags).`,
    };
  }
  return {
    kind: 'run',
    values: { terminal: values.terminal, demo: values.demo, port: values.port, host: values.host },
  };
}

function parse(args: readonly string[]) {
  return parseArgs({ args: [...args], options, allowPositionals: false, strict: true });
}

function describeParseError(error: unknown, args: readonly string[]): string {
  const code = (error as { code?: unknown }).code;
  const unknown = args.find((a) => a.startsWith('-') && !known(a));
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
    const guess = closest(unknown.replace(/^-+/, '').split('=')[0] ?? '');
    return `Unknown option '${shortened(unknown)}'.${guess ? ` Did you mean --${guess}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const extra = args.find((a) => !a.startsWith('-'));
    return `Unexpected argument '${shortened(extra ?? '')}': options start with --.`;
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : 'cannot read the options';
  return `Cannot read the options: ${message}`;
}

/** An argument as echoed back: at most 40 characters. */
function shortened(arg: string): string {
  return arg.length > 40 ? `${arg.slice(0, 39)}…` : arg;
}

function known(arg: string): boolean {
  if (arg === '-h') return true;
  const name = arg.replace(/^--/, '').split('=')[0] ?? '';
  return Object.hasOwn(options, name);
}

/** The option nearest to a mistyped name (at most two edits away, or the same letters). */
function closest(name: string): string | undefined {
  let best: { option: string; distance: number } | undefined;
  for (const option of Object.keys(options)) {
    const distance = editDistance(name.toLowerCase(), option);
    if (!best || distance < best.distance) best = { option, distance };
  }
  if (!best) return undefined;
  const sameLetters = [...name.toLowerCase()].sort().join('') === [...best.option].sort().join('');
  return best.distance <= 2 || sameLetters ? best.option : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
