import { NEVER } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStreamingTool } from '../tool/define-tool.js';
import { checkToolPackage, toolsOf } from './check-tool-package.js';
import { coreVersion } from './core-version.js';
import { defineToolPackage } from './define-tool-package.js';
import { IncompatiblePackageError } from './incompatible-package-error.js';
import { packageNameProblem } from './package-name.js';

const tool = (name: string, description = 'Watches.') => ({
  ...defineStreamingTool({ name: 'x', description: 'd', parameters: z.object({}), execute: () => NEVER }),
  name,
  description,
});
const good = defineStreamingTool({
  name: 'watch',
  description: 'Watches.',
  parameters: z.object({}),
  execute: () => NEVER,
});

/** The IncompatiblePackageError `run` throws; fails the test otherwise. */
function incompatible(run: () => unknown): IncompatiblePackageError {
  try {
    run();
  } catch (error) {
    if (IncompatiblePackageError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an IncompatiblePackageError');
}

/** A manifest as another copy of core would make it, so that checkToolPackage validates it again. */
const forged = (fields: Record<string, unknown>) => ({
  kind: 'tool-package',
  name: '@acme/tools-watch',
  version: '1.0.0',
  core: `^${coreVersion}`,
  tools: [good],
  inputs: {},
  defaults: {},
  ...fields,
  [Symbol.for('livetools.tool-package')]: true,
});

describe('IncompatiblePackageError.issues: one structured problem per finding (issue 20)', () => {
  it('gives each manifest problem a stable code, and the tool or path it is about', () => {
    const error = incompatible(() =>
      checkToolPackage(
        forged({
          name: 'Tools',
          version: 'one',
          core: 'latest',
          tools: [tool('bad name'), tool('stop_streaming'), tool('twice'), tool('twice', ' '), {}],
          inputs: { nope: ['video'], twice: ['smell', 'video', 'video'] },
          defaults: { when: new Date(0) },
        }),
      ),
    );
    expect(error.issues.map(({ code, toolName, path }) => ({ code, toolName, path }))).toEqual([
      { code: 'PACKAGE_NAME', toolName: undefined, path: 'name' },
      { code: 'PACKAGE_VERSION', toolName: undefined, path: 'version' },
      { code: 'CORE_RANGE', toolName: undefined, path: 'core' },
      { code: 'TOOL_NAME', toolName: 'bad name', path: 'tools[0]' },
      { code: 'RESERVED_TOOL_NAME', toolName: 'stop_streaming', path: 'tools[1]' },
      { code: 'DUPLICATE_TOOL_NAME', toolName: 'twice', path: 'tools[3]' },
      { code: 'TOOL_DESCRIPTION', toolName: 'twice', path: 'tools[3]' },
      { code: 'NOT_A_TOOL', toolName: undefined, path: 'tools[4]' },
      { code: 'INPUTS', toolName: 'nope', path: 'inputs.nope' },
      { code: 'INPUTS', toolName: 'twice', path: 'inputs.twice[0]' },
      { code: 'INPUTS', toolName: 'twice', path: 'inputs.twice[2]' },
      { code: 'DEFAULTS', toolName: undefined, path: 'defaults.when' },
    ]);
    for (const issue of error.issues) expect(Object.keys(issue)).not.toContain('tool');
    expect(error.problems).toEqual(error.issues.map((issue) => issue.message));
    for (const issue of error.issues) expect(issue.message).toMatch(/\.$/);
  });

  it('codes the whole-package problems too: not a manifest, core mismatch, a clash between packages', () => {
    expect(incompatible(() => checkToolPackage(42)).issues.map((i) => i.code)).toEqual([
      'NOT_A_TOOL_PACKAGE',
    ]);
    const future = defineToolPackage({ name: '@acme/a', version: '1.0.0', core: '^99.0.0', tools: [good] });
    expect(incompatible(() => checkToolPackage(future)).issues.map((i) => i.code)).toEqual(['CORE_MISMATCH']);
    const a = defineToolPackage({
      name: '@acme/a',
      version: '1.0.0',
      core: `^${coreVersion}`,
      tools: [good],
    });
    const b = defineToolPackage({
      name: '@acme/b',
      version: '1.0.0',
      core: `^${coreVersion}`,
      tools: [good],
    });
    expect(incompatible(() => toolsOf(a, b)).issues).toMatchObject([
      { code: 'TOOL_NAME_CLASH', toolName: 'watch' },
    ]);
  });
});

describe('a manifest that cannot be read (issue 20)', () => {
  const marker = Symbol.for('livetools.tool-package');
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  it.each([
    [
      'a Proxy whose traps throw',
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
        },
      ),
    ],
    ['a revoked Proxy', revoked.proxy],
    [
      'a name getter that throws',
      Object.defineProperty({ [marker]: true }, 'name', {
        get: () => {
          throw new Error('x');
        },
      }),
    ],
    [
      'a tools getter that throws',
      {
        [marker]: true,
        name: 'a',
        version: '1.0.0',
        core: '^0.1.0',
        get tools(): never {
          throw new Error('t');
        },
      },
    ],
  ])('%s is an UNREADABLE_MANIFEST issue, not whatever it threw', (_, manifest) => {
    const error = incompatible(() => checkToolPackage(manifest));
    expect(error.issues).toMatchObject([{ code: 'UNREADABLE_MANIFEST' }]);
    expect(error.message).toMatch(/could not be read/);
    expect(() => defineToolPackage(manifest as never)).toThrow(/could not be read/);
  });
});

describe('packageNameProblem: npm rules for a new package name, in one place (issue 20)', () => {
  it.each([
    '@acme/tools-clock',
    'tools-clock',
    'a.b_c-d',
    'x'.repeat(214),
    'tools-',
    '@acme/-tools',
    '@ac~me/tools',
  ])('accepts %s', (name) => {
    expect(packageNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'it is empty'],
    ['x'.repeat(215), 'it is 215 characters long (at most 214)'],
    [' tools', 'it has leading or trailing spaces'],
    ['Tools', 'it has uppercase letters'],
    ['@acme/a/b', 'a scoped name looks like @scope/name, with exactly one "/"'],
    ['@ac me/tools', 'the scope "ac me" may only have lowercase letters, digits, "-", ".", "_" and "~"'],
    ['-tools', 'it cannot start with "-"'],
    ['-', 'it cannot start with "-"'],
    ['@_acme/tools', 'the scope cannot start with "." or "_"'],
    ['http', '"http" is reserved'],
    ['node_modules', '"node_modules" is reserved'],
    ['_tools', 'it cannot start with "." or "_"'],
    ['tools!', 'it may only have lowercase letters, digits, "-", "." and "_"'],
    ['tools~x', 'it may only have lowercase letters, digits, "-", "." and "_"'],
    ['@acme/tools~x', 'it may only have lowercase letters, digits, "-", "." and "_"'],
    ["tools'x", 'it may only have lowercase letters, digits, "-", "." and "_"'],
    ['tools(x)', 'it may only have lowercase letters, digits, "-", "." and "_"'],
    ['tools*', 'it may only have lowercase letters, digits, "-", "." and "_"'],
  ])('refuses %j: %s', (name, why) => {
    expect(packageNameProblem(name)).toBe(why);
  });

  it('is what a manifest name is checked with: a Node.js built-in name is refused', () => {
    const error = incompatible(() => checkToolPackage(forged({ name: 'http' })));
    expect(error.issues).toMatchObject([{ code: 'PACKAGE_NAME', path: 'name' }]);
    expect(error.message).toContain('"http" is reserved');
  });
});
