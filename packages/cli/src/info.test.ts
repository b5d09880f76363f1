import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { livetools, repoRoot, tempDir } from '../test/support/cli-process.js';
import { contractSource } from '../test/support/contract-fixture.js';
import { writeFixture } from '../test/support/fixture-package.js';
import type { CheckReport } from './check-package.js';
import type { PackageSummary } from './info-package.js';

describe('livetools info', () => {
  it('prints a package directory: core range, each tool, its inputs with types, required and descriptions, its output contract', async () => {
    await using tmp = tempDir();
    const dir = writeFixture(tmp.path, { source: contractSource() });
    const { code, stdout, stderr } = await livetools(['info', dir]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('@fixture/tools-tick 1.0.0\n');
    expect(stdout).toContain('  @livetools/core: ^0.1.0\n');
    expect(stdout).toContain('  tools: 2\n');
    expect(stdout).toContain(
      [
        'quote (streaming)',
        '  Streams the price of a symbol.',
        '  inputs:',
        '    symbol (string, required): The ticker, e.g. ACME.',
        '    every (integer): Seconds between quotes.',
        '  output: { price: number, side: "up" | "down" }',
        '    price (number, required): Last trade price.',
      ].join('\n'),
    );
    expect(stdout).toContain(
      ['ping (one-shot)', '  Answers pong.', '  inputs: none', '  output: no contract declared'].join('\n'),
    );
  });

  it('prints an installed package by name', async () => {
    const { code, stdout } = await livetools(['info', '@livetools/tools-stock'], { cwd: repoRoot });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^@livetools\/tools-stock \d+\.\d+\.\d+/);
    expect(stdout).toContain('monitor_stock_price (streaming)');
    expect(stdout).toMatch(/ {4}symbol \(string, required\): /);
  });

  it('prints JSON with parameters and output contracts as JSON Schema', async () => {
    await using tmp = tempDir();
    const dir = writeFixture(tmp.path, { source: contractSource() });
    const { code, stdout } = await livetools(['info', dir, '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as PackageSummary;
    expect(summary).toMatchObject({
      name: '@fixture/tools-tick',
      version: '1.0.0',
      core: '^0.1.0',
      peerCore: '^0.1.0',
    });
    expect(summary.tools.map((t) => [t.name, t.kind, t.output === undefined])).toEqual([
      ['quote', 'streaming', false],
      ['ping', 'one-shot', true],
    ]);
    expect(summary.tools[0]?.output).toMatchObject({ type: 'object', required: ['price', 'side'] });
    expect(summary.tools[0]?.parameters).toMatchObject({ type: 'object', required: ['symbol'] });
  });

  it('says what to do for a package it cannot find, and for a missing argument', async () => {
    await using tmp = tempDir();
    const missing = await livetools(['info', '@nobody/not-installed'], { cwd: tmp.path });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot find the package "@nobody\/not-installed" .*npm install/);
    const usage = await livetools(['info']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Which package\? livetools info <package-or-dir>/);
  });
});

describe('livetools check shows output contracts', () => {
  it('one line per tool that declares one', async () => {
    await using tmp = tempDir();
    const dir = writeFixture(tmp.path, { source: contractSource() });
    const { code, stdout } = await livetools(['check', dir, '--json']);
    const report = JSON.parse(stdout) as CheckReport;
    expect(
      report.results
        .filter((r) => r.message.startsWith('output contract'))
        .map((r) => [r.group, r.status, r.message]),
    ).toEqual([['tool quote', 'pass', 'output contract: { price: number, side: "up" | "down" }']]);
    expect(code).toBe(0);
  });

  it('in the text report too', async () => {
    const { stdout } = await livetools(['check', join(repoRoot, 'packages/tools-stock')]);
    expect(stdout).not.toContain('output contract'); // the stock tools declare none
    await using tmp = tempDir();
    const withContract = await livetools(['check', writeFixture(tmp.path, { source: contractSource() })]);
    expect(withContract.stdout).toContain('✔ output contract: { price: number, side: "up" | "down" }');
  });
});
