/**
 * The code that runs every tool call keeps its optimized form across garbage collections between
 * calls. V8 reaches the hidden classes of objects built by adding properties (a class constructor,
 * an `Object.defineProperty`, a spread) through transitions it holds weakly; when no such object is
 * alive, a full collection drops the classes and deoptimizes the code that checks for them, which
 * then runs unoptimized for thousands of calls. An agent is idle between tool calls most of the
 * time, so this would hit the call path again and again. The child (test/support/
 * hidden-classes-child.ts) warms the path up, collects, and the trace says what was deoptimized.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ChildExit, childExit } from '../support/child-exit.js';

const CHILD_TEST_TIMEOUT_MS = 120_000;
/** How long the child may run: the test's timeout less room to report. */
const CHILD_TIMEOUT_MS = CHILD_TEST_TIMEOUT_MS - 5_000;
const child = fileURLToPath(new URL('../support/hidden-classes-child.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * livetools functions on the one-shot call path whose objects are built to keep their classes. A
 * constructor may be inlined into its caller instead of being optimized on its own: then the
 * caller's code holds its classes, and the caller is checked.
 */
const KEPT = [
  'CallContext', // its accessors: one context lives as long as the module (SHAPE_KEEPER)
  'ResultRoute', // the route of each result: a route lives as long as the module
  'start', // makes the context
  'sendFor', // makes the route (inlined)
  '#readContent', // the turn-complete event: one literal per shape, no spread
  '#publish', // the same event on its way out
];

/** The environment without what vitest put there (its NODE_OPTIONS would load vitest hooks). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|TEST$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return env;
}

function runChild(): Promise<ChildExit> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [
        '--trace-opt',
        '--trace-deopt',
        '--expose-gc',
        '--no-concurrent-recompilation',
        '--import',
        'tsx',
        child,
        '16000',
      ],
      {
        cwd: packageRoot,
        env: childEnv(),
        timeout: CHILD_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => done(childExit(error, stdout, stderr, CHILD_TIMEOUT_MS)),
    );
  });
}

/** The trace split at the collections: what was optimized before, what they deoptimized. */
function readTrace(stdout: string): { optimized: Set<string>; deoptimized: Set<string> } {
  const start = stdout.indexOf('@@COLLECT\n');
  const end = stdout.indexOf('@@COLLECTED\n');
  if (start < 0 || end < start) throw new Error(`the child did not collect:\n${stdout.slice(-2000)}`);
  const optimized = new Set<string>();
  for (const line of stdout.slice(0, start).split('\n')) {
    // TurboFan (Node 20) or Maglev first (Node 22 and later): both embed the classes they check.
    const match =
      /^\[completed (?:optimizing|compiling) [^<]*<JSFunction ([^ >]+)[^\]]*\(target (?:TURBOFAN|MAGLEV)/.exec(
        line,
      );
    if (match) optimized.add(match[1]!);
  }
  const deoptimized = new Set<string>();
  for (const line of stdout.slice(start, end).split('\n')) {
    const match = /SharedFunctionInfo ([^>]*)>\).*reason: weak objects/.exec(line);
    if (match) deoptimized.add(match[1]!);
  }
  return { optimized, deoptimized };
}

describe('hidden classes on the call path', () => {
  it(
    'survive a full garbage collection between calls: the call path stays optimized',
    async () => {
      const { code, stdout, stderr } = await runChild();
      expect(code, stderr.slice(-2000)).toBe(0);
      expect(stdout).toContain('RESULT {"calls":16000,"events"');
      const { optimized, deoptimized } = readTrace(stdout);
      // Not a vacuous pass: some of them were optimized (which ones, and by which tier, depends on
      // the V8 of the Node line), so a dead class would have shown.
      const optimizedKept = KEPT.filter((name) => optimized.has(name));
      expect(optimizedKept.length, `optimized: ${optimizedKept.join(', ')}`).toBeGreaterThanOrEqual(2);
      expect(KEPT.filter((name) => deoptimized.has(name))).toEqual([]);
    },
    CHILD_TEST_TIMEOUT_MS,
  );
});
