import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/cli-process.js';
import type { CliIo } from './cli-io.js';
import { cliVersion } from './cli-version.js';
import { runCli } from './run-cli.js';

function io(cwd = process.cwd()): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    cwd,
    out: () => out,
    err: () => err,
  };
}

describe('runCli', () => {
  it('prints help, per command too', async () => {
    const all = io();
    expect(await runCli(['--help'], all)).toBe(0);
    expect(all.out()).toContain('livetools init <dir> [--name <npm-name>]');
    const run = io();
    expect(await runCli(['run', '--help'], run)).toBe(0);
    expect(run.out()).toMatch(/^Usage: livetools run <package-or-dir> <tool>/);
    const none = io();
    expect(await runCli([], none)).toBe(2);
    expect(none.err()).toContain('Usage:');
  });

  it("prints its version and core's, in step with package.json", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(cliVersion).toBe(pkg.version);
    const v = io();
    expect(await runCli(['--version'], v)).toBe(0);
    expect(v.out()).toBe(`@livetools/cli ${pkg.version} (@livetools/core 0.1.0)\n`);
  });

  it.each([
    [['frobnicate'], 'livetools: Unknown command "frobnicate".\nSee livetools --help.\n'],
    [['init'], 'livetools: Which directory? livetools init <dir>\nSee livetools init --help.\n'],
    [['check', '--jsn'], /^livetools: Unknown option '--jsn'\..*\nSee livetools check --help\.\n$/s],
    [
      ['run', 'x', 'y', '--duration', '0'],
      'livetools: --duration must be a positive number of seconds, got "0".\nSee livetools run --help.\n',
    ],
    [['run'], 'livetools: Which package? livetools run <package-or-dir> <tool>\nSee livetools run --help.\n'],
  ])('answers %j with a usage error (exit 2)', async (argv, message) => {
    const x = io();
    expect(await runCli(argv, x)).toBe(2);
    if (typeof message === 'string') expect(x.err()).toBe(message);
    else expect(x.err()).toMatch(message);
  });

  it.each([
    ['Tools-X', 'it has uppercase letters'],
    ['@acme/tools/x', 'a scoped name looks like @scope/name, with exactly one "/"'],
    ['.tools', 'it cannot start with "." or "_"'],
    ['tools x', 'it may only have lowercase letters, digits, "-", "." and "_"'],
    ['tools~x', 'it may only have lowercase letters, digits, "-", "." and "_"'],
    ['fs', '"fs" is reserved'],
    ['a'.repeat(215), 'it is 215 characters long (at most 214)'],
  ])('init refuses the name %j', async (name, why) => {
    await using tmp = tempDir();
    const x = io(tmp.path);
    expect(await runCli(['init', 'x', '--name', name], x)).toBe(1);
    expect(x.err()).toBe(`✖ "${name}" is not a valid npm package name: ${why}.\n`);
  });

  it('init accepts scoped and plain names', async () => {
    await using tmp = tempDir();
    for (const name of ['@acme/tools-clock', 'tools.clock_2']) {
      const x = io(tmp.path);
      expect(await runCli(['init', name.replace('/', '-'), '--name', name], x)).toBe(0);
      expect(readFileSync(join(tmp.path, name.replace('/', '-'), 'package.json'), 'utf8')).toContain(
        `"name": "${name}"`,
      );
    }
  });

  it('reports a package it cannot find', async () => {
    await using tmp = tempDir();
    const x = io(tmp.path);
    expect(await runCli(['run', '@acme/nope', 'tool'], x)).toBe(1);
    expect(x.err()).toBe(
      `✖ Cannot find the package "@acme/nope" from ${tmp.path}: install it (npm install @acme/nope) or pass its directory (./path/to/it).\n`,
    );
  });
});
