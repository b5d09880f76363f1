import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Starts `npm start -- --terminal` (without the build step) with stdin and stdout as pipes. */
function startTerminal() {
  const env = { ...process.env };
  delete env.GEMINI_API_KEY;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--terminal'], { cwd: root, env });
  let output = '';
  const waiters: { test: (text: string) => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.test(output)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    child,
    get output() {
      return output;
    },
    /** Resolves when the output so far matches; fails with the output when the process exits first. */
    waitFor(pattern: RegExp) {
      return new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        waiters.push({ test: (text) => pattern.test(text), resolve });
        child.once('exit', () => reject(new Error(`exited before ${pattern}; output:\n${output}`)));
      });
    },
    type(line: string) {
      child.stdin.write(`${line}\n`);
    },
  };
}

let running: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (running && running.exitCode === null) running.kill();
});

describe('terminal mode', () => {
  it('takes requests on stdin, prints replies and a line per tool result, stops calls, and exits on quit', async () => {
    const term = startTerminal();
    running = term.child;
    await term.waitFor(/OFFLINE SIMULATOR, no GEMINI_API_KEY set/);
    await term.waitFor(/model\s+\[simulated model\] Hello!/);

    term.type('watch AAPL');
    await term.waitFor(/tool\s+monitor_stock_price started \(call (function-call-\d+)\) \{"symbol":"AAPL"\}/);
    const callId = /monitor_stock_price started \(call (function-call-\d+)\)/.exec(term.output)?.[1];
    await term.waitFor(
      /monitor_stock_price \[function-call-\d+\] initial AAPL \$\d+\.\d{2} \+0\.00% since start \(WHEN_IDLE, 1 so far\)/,
    );
    await term.waitFor(/model\s+\[simulated model\] AAPL is at \$\d+\.\d{2}\. I'll tell you when it moves\./);

    term.type('/calls');
    await term.waitFor(new RegExp(`calls\\s+${callId} monitor_stock_price \\(\\d+ results\\)`));
    term.type('/stop nope');
    await term.waitFor(/error\s+no running call has the id "nope"/);
    term.type(`/stop ${callId}`);
    await term.waitFor(
      new RegExp(`monitor_stock_price call ${callId} cancelled by application after \\d+ results`),
    );

    term.type('quit');
    const code = await new Promise<number | null>((resolve) => term.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(term.output).toMatch(/bye\s+1 tool calls started, 1 ended\./);
    expect(term.output).not.toMatch(/you> /); // no prompt noise when the output is a pipe
  });
});
