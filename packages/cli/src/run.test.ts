import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livetools, repoRoot, startLivetools, tempDir } from '../test/support/cli-process.js';
import { toolSource, writeFixture } from '../test/support/fixture-package.js';

const stock = join(repoRoot, 'packages/tools-stock');
const watch = ['monitor_stock_price', '--args', '{"symbol":"BTC-USD","thresholdPercent":0}'];

describe.concurrent('livetools run', () => {
  it('prints each emission with its time and scheduling, and stops at --duration', async () => {
    const { code, stdout, stderr } = await livetools(['run', stock, ...watch, '--duration', '1.5']);
    // The simulated BTC-USD feed quotes at once, then ticks at about 0.75 s and 2.1 s: with a 0 %
    // threshold every tick is a move, so 1.5 s gives the initial report, one move and the final response.
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const [initial, move, final] = lines as [string, string, string];
    expect(initial).toMatch(/^ +\d+\.\d{3}s {2}#1 {5}WHEN_IDLE {2}\{"kind":"initial","symbol":"BTC-USD",/);
    expect(move).toMatch(/^ +\d+\.\d{3}s {2}#2 {5}WHEN_IDLE {2}\{"kind":"move","symbol":"BTC-USD",/);
    expect(final).toMatch(
      /^ +\d+\.\d{3}s {2}final {2}WHEN_IDLE {2}\{"status":"stopped","reason":"application","results":2\}$/,
    );
    // Times count from the call, in order; the last one comes from the --duration timer.
    const times = lines.map((line) => Number(/^ +(\d+\.\d{3})s /.exec(line)?.[1]));
    expect(times[0]).toBeLessThan(times[1]!);
    expect(times[1]).toBeLessThan(times[2]!);
    expect(times[2]).toBeGreaterThanOrEqual(1.4);
    expect(stderr).toContain(
      'monitor_stock_price {"symbol":"BTC-USD","thresholdPercent":0} from @livetools/tools-stock 0.1.0, for up to 1.5 s',
    );
    const stopped = /✔ stopped after (\d+\.\d) s \(--duration\) with 2 results\n$/.exec(stderr);
    expect(stopped).not.toBeNull();
    expect(Number(stopped![1])).toBeGreaterThanOrEqual(1.4);
    expect(code).toBe(0);
  });

  it('resolves a package by name from the current directory', async () => {
    await using tmp = tempDir();
    const { code, stdout } = await livetools(
      ['run', '@livetools/tools-stock', 'get_stock_price', '--args', '{"symbol":"MSFT"}'],
      {
        cwd: tmp.path,
      },
    );
    expect(stdout).toMatch(/^ +\d+\.\d{3}s {2}#1 {5}- {10}\{"symbol":"MSFT","price":\d/);
    expect(code).toBe(0);
  });

  it('on Ctrl-C, stops the call through the runner, prints its final response and exits with 130', async () => {
    const child = startLivetools(['run', stock, ...watch, '--json']);
    // the watch runs until stopped: a failed wait must not leave it running
    await child.printed('"sequence":1').catch((error: unknown) => {
      child.kill();
      throw error;
    });
    child.kill('SIGINT');
    // 'close', not 'exit': the child's last lines may still be in its pipes when it exits
    const [exitCode] = await once(child, 'close');
    const { stdout, stderr } = child.output();
    const responses = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(responses[0]).toMatchObject({
      kind: 'result',
      sequence: 1,
      willContinue: true,
      scheduling: 'WHEN_IDLE',
    });
    expect(responses.at(-1)).toMatchObject({
      kind: 'final',
      willContinue: false,
      response: { output: { status: 'stopped', reason: 'application' } },
    });
    expect(stderr).toMatch(/⚠ interrupted after \d+\.\d s with \d+ results?\n$/);
    expect(exitCode).toBe(130);
  });

  it('prints the validation error and the parameters for invalid --args, and exits with 1', async () => {
    const { code, stderr } = await livetools([
      'run',
      stock,
      'monitor_stock_price',
      '--args',
      '{"symbol":"","thresholdPercent":99}',
    ]);
    expect(stderr).toContain(
      [
        '✖ Invalid --args for monitor_stock_price:',
        '    symbol: Too small: expected string to have >=1 characters',
        '    thresholdPercent: Too big: expected number to be <=50',
        '  monitor_stock_price takes:',
        '    symbol (string, required): Ticker symbol to watch, e.g. AAPL, MSFT or BTC-USD.',
      ].join('\n'),
    );
    expect(code).toBe(1);
  });

  it('says which tools there are when the tool is unknown or missing, and rejects bad JSON', async () => {
    const unknown = await livetools(['run', stock, 'monitor_price']);
    expect(unknown.stderr).toBe(
      '✖ @livetools/tools-stock 0.1.0 has no tool named "monitor_price"; it has: monitor_stock_price, get_stock_price.\n',
    );
    expect(unknown.code).toBe(1);
    const missing = await livetools(['run', stock]);
    expect(missing.stderr).toContain(
      'Which tool? @livetools/tools-stock 0.1.0 has: monitor_stock_price, get_stock_price.',
    );
    expect(missing.code).toBe(2);
    const json = await livetools(['run', stock, 'get_stock_price', '--args', '{symbol:1}']);
    expect(json.stderr).toMatch(/^✖ --args is not valid JSON \(.*\): pass a JSON object such as /);
    expect(json.stderr).toContain(`'{"symbol":"..."}' (get_stock_price takes symbol).`);
    expect(json.code).toBe(1);
  });

  it("answers --args that are not a JSON object with an example made from the tool's own parameters", async () => {
    await using tmp = tempDir();
    const parameters =
      "z.object({ every: z.number().describe('Seconds.'), mode: z.enum(['fast', 'slow']), note: z.string().optional() })";
    const dir = writeFixture(tmp.path, { source: toolSource({ parameters }) });
    const bad = await livetools(['run', dir, 'tick', '--args', '{every:1}']);
    expect(bad.stderr).toMatch(
      /^✖ --args is not valid JSON \(.*\): pass a JSON object such as '\{"every":1,"mode":"fast"\}' \(tick takes every, mode, note\)\.\n$/,
    );
    expect(bad.stderr).not.toContain('AAPL');
    expect(bad.code).toBe(1);
    const array = await livetools(['run', dir, 'tick', '--args', '[1]']);
    expect(array.stderr).toBe(
      `✖ --args must be a JSON object such as '{"every":1,"mode":"fast"}' (tick takes every, mode, note), not [1].\n`,
    );
    expect(array.code).toBe(1);
  });

  it('prints each value that could not be sent as refused, counts it, and exits with 1', async () => {
    await using tmp = tempDir();
    const dir = writeFixture(tmp.path, {
      source: `import { defineStreamingTool, defineToolPackage } from '@livetools/core';
import { Observable } from 'rxjs';
import { z } from 'zod';

export const emit = defineStreamingTool({
  name: 'emit',
  description: 'Emits a value JSON cannot carry, then one it can.',
  parameters: z.object({}),
  execute: () => new Observable((s) => { s.next({ a: 1n }); s.next({ ok: 'after' }); s.complete(); }),
});

export const toolPackage = defineToolPackage({ name: '@fixture/tools-emit', version: '0.1.0', core: '^0.1.0', tools: [emit] });
`,
    });
    const { code, stdout, stderr } = await livetools(['run', dir, 'emit']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ +\d+\.\d{3}s {2}refused {2}- {10}emit produced a value JSON cannot carry: result\.a is a BigInt\./,
    );
    expect(lines[1]).toMatch(/#1 +WHEN_IDLE {2}\{"ok":"after"\}$/);
    expect(stderr).toMatch(
      /✖ emit completed after \d+\.\d s with 1 result and 1 value that could not be sent/,
    );
    expect(code).toBe(1);
    const json = await livetools(['run', dir, 'emit', '--json']);
    expect(JSON.parse(json.stdout.split('\n')[0]!)).toMatchObject({
      kind: 'refused',
      error: { code: 'UNSERIALIZABLE_VALUE' },
    });
  });

  it('refuses a --duration longer than a timer can wait (it would fire at once)', async () => {
    const { code, stderr } = await livetools(['run', stock, ...watch, '--duration', '1e308']);
    expect(stderr).toContain('--duration must be at most 2147483 seconds');
    expect(code).toBe(2);
  });

  it('refuses a package built for another @livetools/core', async () => {
    await using tmp = tempDir();
    const dir = writeFixture(tmp.path, { source: toolSource().replace("core: '^0.1.0'", "core: '^2.0.0'") });
    const { code, stdout, stderr } = await livetools(['run', dir, 'tick']);
    expect(stderr).toBe(
      '✖ @fixture/tools-tick 1.0.0 was built for @livetools/core ^2.0.0 but 0.1.0 is running: upgrade @livetools/core to ^2.0.0 ' +
        '(npm install @livetools/core@"^2.0.0"), or install a release of @fixture/tools-tick built for @livetools/core 0.1.x.\n',
    );
    expect(stdout).toBe('');
    expect(code).toBe(1);
  });

  it('warns that a tool needing video gets none', async () => {
    const video = join(repoRoot, 'packages/tools-video');
    const { code, stderr } = await livetools(['run', video, 'monitor_video_stream', '--duration', '0.2']);
    expect(stderr).toContain('⚠ monitor_video_stream reads video input, which livetools run does not send.');
    expect(code).toBe(0);
  });
});
