import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AnyTool,
  checkToolPackage,
  coreVersion,
  type JsonSchema,
  LivetoolsError,
  ToolArgumentsError,
} from '@livetools/core';
import { addAgainstChecks } from './against.js';
import { checkPackage } from './check-package.js';
import { CliError, messageOf } from './cli-error.js';
import { type CliIo, processIo } from './cli-io.js';
import { cliVersion } from './cli-version.js';
import { formatCheckReport } from './format-check-report.js';
import { formatPackageInfo } from './info-format.js';
import { summarizePackage } from './info-package.js';
import { initPackage, initTemplates } from './init-package.js';
import { loadToolPackage } from './load-package.js';
import { addPackChecks } from './pack-command.js';
import { type RunRefusal, type RunResponse, runTool } from './run-tool.js';
import { createSpinner } from './spinner.js';
import { MARKS, styleFor, usesColour } from './style.js';

/** The longest delay a Node timer takes (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

const HELP = `livetools ${cliVersion}: tool packages for @livetools/core

Usage:
  livetools init <dir> [--name <npm-name>] [--template <name>]
                                                create a tool package with one tool
  livetools check [dir] [--json] [--pack]       check a package before publishing it
                [--against <previous>]         ... and flag breaking changes since a previous version
  livetools info <package-or-dir> [--json]      print a package's tools, inputs, core range and output contracts
  livetools run <package-or-dir> <tool> [--args '{...}'] [--duration <seconds>] [--json]
                                                run one tool without a model, printing what it sends

Options:
  -h, --help       help for livetools or a command
  -v, --version    the versions of the CLI and of @livetools/core

Exit codes: 0 ok, 1 failed (check errors, tool failure, invalid arguments), 2 usage error, 130 interrupted.
`;

const COMMAND_HELP: Readonly<Record<string, string>> = {
  init: `Usage: livetools init <dir> [--name <npm-name>] [--template <name>]

Creates a tool package in <dir> (new or empty): package.json, tsconfig, src/index.ts with a
streaming tool (start_timer) and its toolPackage manifest, an end-to-end test against the fake
Live server, and a README. --name defaults to the directory's name.
--template picks the tool it starts with: timer (the default: start_timer, a streaming countdown),
polling (watch_json: reads a URL every few seconds, fetch injectable), video (watch_for_changes:
reads the session's video frames) or one-shot (convert_temperature: answers once).
`,
  check: `Usage: livetools check [dir] [--json] [--pack] [--against <previous>]

Checks the package in [dir] (default: the current directory) for what would break it for its users:
package.json (name, version, ESM, exports with types first, files, peer dependencies), the built
entry (it exists and imports), the toolPackage manifest (compatible with @livetools/core ${coreVersion})
and every tool (name, description, a parameters schema the Live API accepts). Build it first.
Exits with 1 when a check fails; warnings do not fail. --json prints the report as JSON.
--pack also checks what publishing would ship (it takes a minute: progress goes to stderr):
publint (strict), the npm pack tarball (no tests or test helpers, source maps whose sources ship),
an install of the tarball with its peers in a scratch project, a strict TypeScript consumer
(exactOptionalPropertyTypes, skipLibCheck off), and one call of each tool over the fake Live server.
--against <previous> compares with a previous version (a directory, a tarball, or an npm spec such
as name@1.2.0, fetched with npm pack) and fails on breaking changes, each named with its tool and
path: a removed tool or parameter, a new required parameter, a narrower type, enum or bound, or an
output contract that lost a field or got looser. Additions that break nothing are listed.
`,
  info: `Usage: livetools info <package-or-dir> [--json]

Prints what a tool package offers: its name and version, the @livetools/core range it declares,
and for each tool its kind, description, inputs (each parameter's type, whether it is required,
its description), the media it reads and its output contract. <package-or-dir> is a directory or
a package name resolved from here (installed, or the package you are in). Build it first.
--json prints the same as JSON (parameters and output contracts as JSON Schema).
`,
  run: `Usage: livetools run <package-or-dir> <tool> [--args '{...}'] [--duration <seconds>] [--json]

Runs one call of <tool> from a package (a directory, or a package name resolved from here) through
the livetools tool runner with no model, and prints every response the model would get, with the
time since the call and its scheduling. Stops when the tool ends, after --duration seconds, or on
Ctrl-C (the call is stopped so its final response prints; exit code 130).
--args are the call's arguments as JSON (default {}); --json prints one JSON object per response.
`,
};

class UsageError extends CliError {
  constructor(
    readonly command: string | undefined,
    message: string,
  ) {
    super('USAGE', message);
  }
}

function parse<O extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(
  command: string,
  argv: readonly string[],
  options: O,
) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(command, messageOf(error));
  }
}

/** `--template`'s value, when it names one. */
function templateName(value: string): string {
  if (!initTemplates.includes(value)) {
    throw new UsageError('init', `--template must be one of ${initTemplates.join(', ')}, not "${value}".`);
  }
  return value;
}

async function init(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('init', argv, {
    name: { type: 'string' },
    template: { type: 'string' },
  });
  if (values.help) return help(io, 'init');
  const [dir, ...extra] = positionals;
  if (dir === undefined) throw new UsageError('init', 'Which directory? livetools init <dir>');
  if (extra.length > 0) throw new UsageError('init', `Unexpected argument: ${extra[0]}`);
  const result = await initPackage({
    dir,
    cwd: io.cwd,
    ...(values.name === undefined ? {} : { name: values.name }),
    ...(values.template === undefined ? {} : { template: templateName(values.template) }),
  });
  const s = styleFor(io.stdout, io);
  const where = relative(io.cwd, result.dir) || '.';
  io.stdout.write(
    [
      `${s.ok(MARKS.pass)} Created ${s.bold(result.name)} in ${where}`,
      ...result.files.map((f) => `  ${f}`),
      '',
      'Next:',
      ...(where === '.' ? [] : [`  cd ${where}`]),
      '  npm install',
      '  npm run build && npm test && npm run check',
      '',
    ].join('\n'),
  );
  return 0;
}

async function check(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('check', argv, {
    json: { type: 'boolean' },
    pack: { type: 'boolean' },
    against: { type: 'string' },
  });
  if (values.help) return help(io, 'check');
  if (positionals.length > 1) throw new UsageError('check', `Unexpected argument: ${positionals[1]}`);
  const dir = resolve(io.cwd, positionals[0] ?? '.');
  const checked =
    values.against === undefined
      ? await checkPackage(dir)
      : await addAgainstChecks(await checkPackage(dir), values.against, io.cwd);
  const report = values.pack ? await addPackChecks(checked, io) : checked;
  io.stdout.write(
    values.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : formatCheckReport(report, { color: usesColour(io.stdout, io), cwd: io.cwd }),
  );
  return report.ok ? 0 : 1;
}

/** One line per parameter: name, type, required, description. */
function describeParameters(schema: JsonSchema): string[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, p]) => {
    const type =
      typeof p.type === 'string'
        ? p.type
        : Array.isArray(p.enum)
          ? p.enum.map((v) => JSON.stringify(v)).join(' | ')
          : 'any';
    const description = typeof p.description === 'string' ? `: ${p.description}` : '';
    return `${name} (${type}${required.has(name) ? ', required' : ''})${description}`;
  });
}

/** A sample value for a parameter's JSON Schema: its default, first example or enum value, or one of its type. */
function sampleOf(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return '...';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}

/** `'{"every":1}' (tick takes every, note)`: an example of a tool's arguments (its required parameters) and their names. */
function argsExample(tool: AnyTool): string {
  let schema: JsonSchema;
  try {
    schema = tool.declaration().parametersJsonSchema;
  } catch {
    return "'{}'";
  }
  const properties = (
    typeof schema.properties === 'object' && schema.properties !== null ? schema.properties : {}
  ) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const example = Object.fromEntries(
    Object.entries(properties)
      .filter(([name]) => required.has(name))
      .map(([name, p]) => [name, sampleOf(p)]),
  );
  const names = Object.keys(properties);
  const takes = names.length > 0 ? ` (${tool.name} takes ${names.join(', ')})` : ` (${tool.name} takes none)`;
  return `'${JSON.stringify(example)}'${takes}`;
}

function parseToolArgs(text: string | undefined, tool: AnyTool): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      'INVALID_ARGUMENTS_JSON',
      `--args is not valid JSON (${messageOf(error)}): pass a JSON object such as ${argsExample(tool)}.`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(
      'INVALID_ARGUMENTS_JSON',
      `--args must be a JSON object such as ${argsExample(tool)}, not ${text}.`,
    );
  }
  return value as Record<string, unknown>;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)}s`;

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('run', argv, {
    args: { type: 'string' },
    duration: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) return help(io, 'run');
  const [target, toolName, ...extra] = positionals;
  if (target === undefined)
    throw new UsageError('run', 'Which package? livetools run <package-or-dir> <tool>');
  if (extra.length > 0) throw new UsageError('run', `Unexpected argument: ${extra[0]}`);
  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    const n = Number(values.duration);
    if (!(Number.isFinite(n) && n > 0)) {
      throw new UsageError(
        'run',
        `--duration must be a positive number of seconds, got "${values.duration}".`,
      );
    }
    if (n * 1000 > MAX_TIMER_MS) {
      throw new UsageError(
        'run',
        `--duration must be at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds (about 24 days), got "${values.duration}"; leave it out to run until the tool ends.`,
      );
    }
    durationMs = n * 1000;
  }
  const err = styleFor(io.stderr, io);
  const out = styleFor(io.stdout, io);

  const pkg = await loadToolPackage(target, io.cwd);
  const label = pkg.name ? `${pkg.name}${pkg.version ? ` ${pkg.version}` : ''}` : relative(io.cwd, pkg.dir);
  const names = pkg.tools.map((t) => t.name);
  if (toolName === undefined) {
    throw new UsageError('run', `Which tool? ${label} has: ${names.join(', ') || '(none)'}.`);
  }
  const tool: AnyTool | undefined = pkg.tools.find((t) => t.name === toolName);
  if (!tool) {
    throw new CliError(
      'TOOL_NOT_FOUND',
      `${label} has no tool named "${toolName}"; it has: ${names.join(', ') || '(none)'}.`,
    );
  }
  const args = parseToolArgs(values.args, tool);
  if (pkg.manifest) {
    checkToolPackage(pkg.manifest);
    const inputs = pkg.manifest.inputs[tool.name];
    if (inputs && inputs.length > 0) {
      io.stderr.write(
        err.warn(
          `${MARKS.warn} ${tool.name} reads ${inputs.join(' and ')} input, which livetools run does not send.\n`,
        ),
      );
    }
  }

  const until = durationMs === undefined ? 'until it ends' : `for up to ${durationMs / 1000} s`;
  io.stderr.write(
    err.dim(`${tool.name} ${JSON.stringify(args)} from ${label}, ${until} (Ctrl-C stops it)\n`),
  );
  const spinner = createSpinner(io.stderr);
  let results = 0;
  const started = performance.now();
  const waiting = (): string =>
    `${tool.name}: ${results} result${results === 1 ? '' : 's'}, ${((performance.now() - started) / 1000).toFixed(1)}s, waiting for the next one`;
  /** One line of the text output: time since the call, what it is, its scheduling, then `text`. */
  const line = (elapsedMs: number, what: string, scheduling: string, text: string): string =>
    `${seconds(elapsedMs).padStart(9, ' ')}  ${what.padEnd(5)}  ${scheduling.padEnd(9)}  ${text}`;
  const print = (r: RunResponse): void => {
    spinner.clear();
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ kind: r.kind, sequence: r.sequence, elapsedMs: Math.round(r.elapsedMs), ...r.response })}\n`,
      );
    } else {
      const what = r.kind === 'result' ? `#${r.sequence}` : r.kind;
      const body = 'output' in r.response.response ? r.response.response.output : r.response.response.error;
      const text = line(r.elapsedMs, what, r.response.scheduling ?? '-', JSON.stringify(body));
      io.stdout.write(
        `${r.kind === 'error' ? out.error(text) : r.kind === 'final' ? out.bold(text) : text}\n`,
      );
    }
    if (r.kind === 'result') {
      results += 1;
      spinner.start(waiting);
    }
  };

  const refused = (r: RunRefusal): void => {
    spinner.clear();
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ kind: 'refused', elapsedMs: Math.round(r.elapsedMs), error: { code: r.error.code, message: r.error.message } })}\n`,
      );
    } else {
      io.stdout.write(`${out.error(line(r.elapsedMs, 'refused', '-', r.error.message))}\n`);
    }
    spinner.start(waiting);
  };

  const interrupt = new AbortController();
  const removeListener = io.onInterrupt?.(() => interrupt.abort());
  spinner.start(waiting);
  let outcome: Awaited<ReturnType<typeof runTool>>;
  try {
    outcome = await runTool({
      tool,
      args,
      signal: interrupt.signal,
      onResponse: print,
      onRefused: refused,
      ...(durationMs === undefined ? {} : { durationMs }),
    });
  } finally {
    spinner.clear();
    removeListener?.();
  }

  const took = `${(outcome.elapsedMs / 1000).toFixed(1)} s`;
  const count =
    `${outcome.results} result${outcome.results === 1 ? '' : 's'}` +
    (outcome.refused > 0
      ? ` and ${outcome.refused} value${outcome.refused === 1 ? '' : 's'} that could not be sent (see "refused" above)`
      : '');
  switch (outcome.reason) {
    case 'completed':
    case 'duration': {
      const how = outcome.reason === 'completed' ? `${tool.name} completed` : 'stopped';
      const line = `${how} after ${took}${outcome.reason === 'duration' ? ' (--duration)' : ''} with ${count}`;
      if (outcome.refused > 0) {
        io.stderr.write(err.error(`${MARKS.fail} ${line}\n`));
        return 1;
      }
      io.stderr.write(err.ok(`${MARKS.pass} ${line}\n`));
      return 0;
    }
    case 'interrupted':
      io.stderr.write(err.warn(`${MARKS.warn} interrupted after ${took} with ${count}\n`));
      return 130;
    case 'invalid-arguments': {
      const issues = outcome.error instanceof ToolArgumentsError ? outcome.error.issues : [];
      io.stderr.write(
        err.error(
          [
            `${MARKS.fail} Invalid --args for ${tool.name}:`,
            ...(issues.length > 0
              ? issues.map((i) => `    ${i.path || '(arguments)'}: ${i.message}`)
              : [`    ${outcome.error?.message ?? 'invalid'}`]),
            `  ${tool.name} takes:`,
            ...describeParameters(tool.declaration().parametersJsonSchema).map((l) => `    ${l}`),
            '',
          ].join('\n'),
        ),
      );
      return 1;
    }
    case 'failed':
      io.stderr.write(
        err.error(
          `${MARKS.fail} ${tool.name} failed after ${took}: ${outcome.error?.message ?? 'unknown error'}\n`,
        ),
      );
      return 1;
  }
}

async function info(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('info', argv, { json: { type: 'boolean' } });
  if (values.help) return help(io, 'info');
  const [target, ...extra] = positionals;
  if (target === undefined) throw new UsageError('info', 'Which package? livetools info <package-or-dir>');
  if (extra.length > 0) throw new UsageError('info', `Unexpected argument: ${extra[0]}`);
  const summary = await summarizePackage(target, io.cwd);
  io.stdout.write(
    values.json
      ? `${JSON.stringify(summary, null, 2)}\n`
      : formatPackageInfo(summary, styleFor(io.stdout, io)),
  );
  return 0;
}

function help(io: CliIo, command?: string): number {
  io.stdout.write(command ? (COMMAND_HELP[command] ?? HELP) : HELP);
  return 0;
}

/**
 * Runs the `livetools` command line: `init`, `check`, `info` and `run` (see `livetools --help`). Never
 * throws and never exits the process: errors are written to `io.stderr` and turned into the exit
 * code it resolves with (0 ok, 1 failed, 2 usage error, 130 interrupted).
 *
 * @param argv - The arguments after the program name (`process.argv.slice(2)`).
 * @param io - Where to read and write; the process by default.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { processIo, runCli } from '@livetools/cli';
 *
 * process.exitCode = await runCli(['check', 'packages/tools-stock'], processIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        io.stderr.write(HELP);
        return 2;
      case 'help':
      case '--help':
      case '-h':
        return help(io, rest[0]);
      case '--version':
      case '-v':
      case 'version':
        io.stdout.write(`@livetools/cli ${cliVersion} (@livetools/core ${coreVersion})\n`);
        return 0;
      case 'init':
        return await init(rest, io);
      case 'check':
        return await check(rest, io);
      case 'run':
        return await run(rest, io);
      case 'info':
        return await info(rest, io);
      default:
        throw new UsageError(undefined, `Unknown command "${command}".`);
    }
  } catch (error) {
    const s = styleFor(io.stderr, io);
    if (error instanceof UsageError) {
      const more = error.command ? `livetools ${error.command} --help` : 'livetools --help';
      io.stderr.write(`${s.error(`livetools: ${error.message}`)}\n${s.dim(`See ${more}.`)}\n`);
      return 2;
    }
    if (CliError.isInstance(error) || LivetoolsError.isInstance(error)) {
      io.stderr.write(`${s.error(`${MARKS.fail} ${error.message}`)}\n`);
      return 1;
    }
    io.stderr.write(`${s.error(`${MARKS.fail} ${messageOf(error)}`)}\n`);
    const stack = stackOf(error);
    if (stack) io.stderr.write(`${s.dim(stack)}\n`);
    return 1;
  }
}

/** The stack of an unexpected error, to report it; `undefined` when it has none or reading it throws. */
function stackOf(error: unknown): string | undefined {
  try {
    const stack: unknown = error instanceof Error ? error.stack : undefined;
    return typeof stack === 'string' ? stack : undefined;
  } catch {
    return undefined;
  }
}
