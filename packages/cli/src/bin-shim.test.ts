import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRoot, node, tempDir } from '../test/support/cli-process.js';

const packageJson = JSON.parse(readFileSync(join(cliRoot, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  files: string[];
};

describe('the livetools bin', () => {
  it('is a committed file outside dist, so npm links it in a fresh clone before anything is built', () => {
    const target = packageJson.bin.livetools;
    expect(target).toBe('./bin/livetools.js');
    const path = join(cliRoot, target!);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(path).mode & 0o111).not.toBe(0);
    expect(packageJson.files).toContain('bin');
  });

  it('runs the built CLI', async () => {
    const { code, stdout } = await node([join(cliRoot, 'bin/livetools.js'), '--help']);
    expect(stdout).toContain('livetools init');
    expect(code).toBe(0);
  });

  it('says to run the build when dist is missing', async () => {
    await using tmp = tempDir();
    mkdirSync(join(tmp.path, 'bin'));
    copyFileSync(join(cliRoot, 'bin/livetools.js'), join(tmp.path, 'bin/livetools.js'));
    const { code, stdout, stderr } = await node([join(tmp.path, 'bin/livetools.js'), '--help']);
    expect(stdout).toBe('');
    expect(stderr).toContain('is not built yet');
    expect(stderr).toContain('npm run build');
    expect(code).toBe(1);
  });
});
