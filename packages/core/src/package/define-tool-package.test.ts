import { interval, map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LivetoolsError, ToolDefinitionError } from '../errors.js';
import { ToolRunner } from '../runner/tool-runner.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { checkToolPackage, toolsOf } from './check-tool-package.js';
import { coreVersion } from './core-version.js';
import { defineToolPackage, isToolPackage } from './define-tool-package.js';
import { IncompatiblePackageError } from './incompatible-package-error.js';

const countdown = defineStreamingTool({
  name: 'countdown',
  description: 'Counts down.',
  parameters: z.object({ n: z.number().int().min(1) }),
  execute: ({ n }, ctx) =>
    interval(1, ctx.scheduler).pipe(
      take(n),
      map((i) => n - i - 1),
    ),
});
const add = defineTool({
  name: 'add',
  description: 'Adds.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});
const watchCamera = defineStreamingTool({
  name: 'watch_camera',
  description: 'Watches the camera.',
  parameters: z.object({}),
  execute: (_args, ctx) => ctx.input.video$,
});

const base = { name: '@acme/tools-math', version: '1.2.0', core: `^${coreVersion}`, tools: [countdown, add] };

function errorOf(fn: () => unknown): LivetoolsError {
  try {
    fn();
  } catch (error) {
    if (LivetoolsError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('defineToolPackage', () => {
  it('returns a frozen manifest with inputs and defaults, recognised by isToolPackage', () => {
    const pkg = defineToolPackage({
      ...base,
      tools: [countdown, add, watchCamera],
      inputs: { watch_camera: ['video'] },
      defaults: { everyMs: 1, nested: { list: [1, 2] } },
    });
    expect(pkg).toMatchObject({ kind: 'tool-package', name: '@acme/tools-math', version: '1.2.0' });
    expect(pkg.tools.map((t) => t.name)).toEqual(['countdown', 'add', 'watch_camera']);
    expect(pkg.inputs).toEqual({ watch_camera: ['video'] });
    expect(isToolPackage(pkg)).toBe(true);
    expect(isToolPackage({ ...pkg })).toBe(false);
    expect(Object.isFrozen(pkg)).toBe(true);
    expect(Object.isFrozen(pkg.tools)).toBe(true);
    expect(Object.isFrozen(pkg.inputs.watch_camera)).toBe(true);
    expect(Object.isFrozen(pkg.defaults.nested.list)).toBe(true);
    expect(defineToolPackage(base).defaults).toEqual({});
  });

  it("copies the tools array with its named properties and leaves the caller's array alone", () => {
    const tools = Object.assign([countdown, add] as const, { countdown, add });
    const pkg = defineToolPackage({ ...base, tools });
    expect(pkg.tools.countdown).toBe(countdown);
    expect(Object.isFrozen(tools)).toBe(false);
  });

  it.each([
    [{ name: 'Tools' }, /not a valid npm package name: it has uppercase letters/],
    [{ name: '' }, /needs its npm package name/],
    [{ version: '1.2' }, /needs `version`.*got "1.2"/],
    [{ core: 'latest' }, /needs `core`, the range of @livetools\/core versions.*got "latest"/],
    [{ tools: [] }, /non-empty array of tools/],
    [{ tools: [countdown, { name: 'x' }] }, /tools\[1\] is not a tool/],
    [{ tools: [countdown, countdown] }, /two tools named "countdown"/],
    [{ tools: [{ ...add, name: 'bad name' }] }, /"bad name" is not a valid Gemini function name/],
    [{ tools: [{ ...add, name: 'stop_streaming' }] }, /"stop_streaming" is declared by livetools itself/],
    [{ tools: [{ ...add, description: ' ' }] }, /tool "add" needs a description/],
    [
      { inputs: { nope: ['video'] } },
      /`inputs` names "nope", which is not one of its tools \(countdown, add\)/,
    ],
    [{ inputs: { countdown: ['camera'] } }, /inputs.countdown lists "camera", which is not a realtime input/],
    [{ inputs: { countdown: ['text', 'text'] } }, /lists "text" twice/],
    [{ inputs: { countdown: 'video' } }, /inputs.countdown must be a list/],
    [{ defaults: { source: () => 1 } }, /defaults.source is not JSON/],
    [{ defaults: { when: new Date() } }, /defaults.when is not JSON/],
  ])('rejects %o with a ToolDefinitionError', (change, message) => {
    const error = errorOf(() => defineToolPackage({ ...base, ...(change as object) } as never));
    expect(error).toBeInstanceOf(ToolDefinitionError);
    expect(error.code).toBe('TOOL_DEFINITION');
    expect(error.message).toMatch(message);
  });

  it('lists every problem at once', () => {
    const error = errorOf(() => defineToolPackage({ ...base, version: 'x', core: 'y' }));
    expect(error.message).toMatch(/^defineToolPackage\(@acme\/tools-math\): \(1\) .*version.* \(2\) .*core/);
  });

  it('does not check core compatibility itself', () => {
    expect(() => defineToolPackage({ ...base, core: '^99.0.0' })).not.toThrow();
  });
});

describe('checkToolPackage', () => {
  it('passes a package built for the running core', () => {
    const pkg: unknown = defineToolPackage(base);
    checkToolPackage(pkg);
    expect(pkg.tools).toHaveLength(2); // narrowed to ToolPackage
  });

  it('says what to do when the running core is older than the range', () => {
    const pkg = defineToolPackage({ ...base, name: '@livetools/tools-foo', core: '^2.0.0' });
    const error = errorOf(() => checkToolPackage(pkg, { coreVersion: '0.1.0' }));
    expect(error).toBeInstanceOf(IncompatiblePackageError);
    expect(error.code).toBe('INCOMPATIBLE_PACKAGE');
    expect(error.message).toBe(
      '@livetools/tools-foo 1.2.0 was built for @livetools/core ^2.0.0 but 0.1.0 is running: ' +
        'upgrade @livetools/core to ^2.0.0 (npm install @livetools/core@"^2.0.0"), ' +
        'or install a release of @livetools/tools-foo built for @livetools/core 0.1.x.',
    );
    expect(error).toMatchObject({ packageName: '@livetools/tools-foo', packageVersion: '1.2.0' });
    expect((error as IncompatiblePackageError).problems).toHaveLength(1);
  });

  it('says what to do when the running core is newer than the range', () => {
    const pkg = defineToolPackage({ ...base, core: '^0.1.0' });
    expect(() => checkToolPackage(pkg, { coreVersion: '1.3.0' })).toThrow(
      '@acme/tools-math 1.2.0 was built for @livetools/core ^0.1.0 but 1.3.0 is running: ' +
        'upgrade @acme/tools-math to a release built for @livetools/core 1.x (npm install @acme/tools-math@latest), ' +
        'or install @livetools/core@"^0.1.0".',
    );
  });

  it('treats a pre-release core like npm does', () => {
    const pkg = defineToolPackage({ ...base, core: '^0.1.0' });
    expect(() => checkToolPackage(pkg, { coreVersion: '0.1.1-beta.1' })).toThrow(IncompatiblePackageError);
    const opted = defineToolPackage({ ...base, core: '^0.1.1-beta.0' });
    expect(() => checkToolPackage(opted, { coreVersion: '0.1.1-beta.1' })).not.toThrow();
  });

  it('rejects what is not a manifest, and manifests tampered with after definition', () => {
    expect(() => checkToolPackage({ ...base })).toThrow(
      '@acme/tools-math is not a tool package: export one made with defineToolPackage() from @livetools/core, as `toolPackage`.',
    );
    expect(() => checkToolPackage(undefined)).toThrow(/This value is not a tool package/);
    // A manifest from another copy of core carries the same marker but is validated again.
    const forged = { ...base, tools: [countdown, countdown], [Symbol.for('livetools.tool-package')]: true };
    expect(() => checkToolPackage(forged)).toThrow(/two tools named "countdown"/);
  });
});

describe('toolsOf', () => {
  it('checks packages and returns all their tools, ready for a session', () => {
    const math = defineToolPackage(base);
    const camera = defineToolPackage({ ...base, name: '@acme/tools-camera', tools: [watchCamera] });
    const tools = toolsOf(math, camera);
    expect(tools.map((t) => t.name)).toEqual(['countdown', 'add', 'watch_camera']);
    const sent: unknown[] = [];
    const runner = new ToolRunner({ tools, sink: { send: (r) => sent.push(...r) } });
    runner.handleToolCall([{ id: '1', name: 'add', args: { a: 1, b: 2 } }]);
    expect(sent).toEqual([{ id: '1', name: 'add', response: { output: 3 } }]);
    runner.dispose();
  });

  it('fails on a tool name two packages share, and on an incompatible package', () => {
    const math = defineToolPackage(base);
    const other = defineToolPackage({ ...base, name: '@other/tools', tools: [add] });
    expect(() => toolsOf(math, other)).toThrow(
      /@other\/tools and @acme\/tools-math both have a tool named "add"; a session needs unique tool names/,
    );
    const future = defineToolPackage({ ...base, core: '>=99' });
    expect(() => toolsOf(future)).toThrow(IncompatiblePackageError);
  });

  it('keeps a stop tool out of packages: it is added by the runner', () => {
    const pkg = defineToolPackage({ ...base, tools: [countdown] });
    const runner = new ToolRunner({ tools: toolsOf(pkg), sink: { send() {} } });
    expect(runner.declarations().map((d) => d.name)).toEqual(['countdown', 'stop_streaming']);
    runner.dispose();
  });
});
