import { of } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { LivetoolsError } from '../errors.js';
import { ToolRunner } from '../runner/tool-runner.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { toolsOf } from './check-tool-package.js';
import { coreVersion } from './core-version.js';
import { defineToolPackage, isToolPackage } from './define-tool-package.js';
import { renameTools } from './rename-tools.js';

const timer = (label: string) =>
  defineStreamingTool({
    name: 'timer',
    description: `A ${label} timer.`,
    parameters: z.object({ seconds: z.number() }),
    execute: ({ seconds }) => of({ label, seconds }),
  });
const lap = defineTool({
  name: 'lap',
  description: 'Records a lap.',
  parameters: z.object({}),
  execute: () => ({ lap: 1 }),
});
const kitchen = defineToolPackage({
  name: '@acme/tools-kitchen',
  version: '1.0.0',
  core: `^${coreVersion}`,
  tools: [timer('kitchen'), lap],
  inputs: { lap: ['text'] },
});
const sport = defineToolPackage({
  name: '@other/tools-sport',
  version: '2.0.0',
  core: `^${coreVersion}`,
  tools: [timer('sport')],
});

function errorOf(fn: () => unknown): LivetoolsError {
  try {
    fn();
  } catch (error) {
    if (LivetoolsError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('two packages with a tool of the same name', () => {
  it('toolsOf names both packages and the option that resolves the clash', () => {
    const error = errorOf(() => toolsOf(kitchen, sport));
    expect(error.code).toBe('INCOMPATIBLE_PACKAGE');
    expect(error.message).toContain(
      '@other/tools-sport and @acme/tools-kitchen both have a tool named "timer"',
    );
    expect(error.message).toContain("renameTools(toolPackage, { prefix: 'sport_' })");
    expect(error.message).toContain("{ rename: { timer: 'sport_timer' } }");
  });

  it('renameTools with a prefix renames every tool, its declaration and its inputs', async () => {
    const renamed = renameTools(sport, { prefix: 'sport_' });
    expect(isToolPackage(renamed)).toBe(true);
    expect(renamed).toMatchObject({ name: '@other/tools-sport', version: '2.0.0' });
    const tools = toolsOf(kitchen, renamed);
    expect(tools.map((t) => t.name)).toEqual(['timer', 'lap', 'sport_timer']);
    expect(tools.map((t) => t.declaration().name)).toEqual(['timer', 'lap', 'sport_timer']);
    expect(renameTools(kitchen, { prefix: 'k.' }).inputs).toEqual({ 'k.lap': ['text'] });

    // The renamed tool runs as the original, under its new name.
    const sent: unknown[] = [];
    const runner = new ToolRunner({ tools, sink: { send: (responses) => sent.push(...responses) } });
    expect(runner.declarations().map((d) => d.name)).toContain('sport_timer');
    runner.handleToolCall([{ id: 'c1', name: 'sport_timer', args: { seconds: 3 } }]);
    await vi.waitFor(() => expect(JSON.stringify(sent)).toContain('"label":"sport"'));
    runner.dispose();
    expect(sport.tools[0]?.name).toBe('timer');
  });

  it('renameTools with a rename map renames only the tools it names', () => {
    const renamed = renameTools(kitchen, { rename: { timer: 'kitchen_timer' } });
    expect(toolsOf(renamed, sport).map((t) => t.name)).toEqual(['kitchen_timer', 'lap', 'timer']);
  });

  it("refuses names that break Gemini's function-name rules, unknown tools and new clashes, saying what to do", () => {
    expect(errorOf(() => renameTools(sport, { prefix: '1x_' })).message).toContain(
      'is not a valid Gemini function name',
    );
    expect(errorOf(() => renameTools(sport, { prefix: 'a b' })).message).toContain(
      'is not a valid Gemini function name',
    );
    expect(errorOf(() => renameTools(sport, { prefix: 'x'.repeat(124) })).message).toContain('at most 128');
    expect(errorOf(() => renameTools(sport, { rename: { clock: 'c' } })).message).toBe(
      'renameTools(@other/tools-sport): there is no tool named "clock"; its tools are timer.',
    );
    expect(errorOf(() => renameTools(kitchen, { rename: { timer: 'lap' } })).message).toContain(
      'two tools named "lap"',
    );
    expect(errorOf(() => renameTools(sport, { rename: { timer: 'stop_streaming' } })).message).toContain(
      'stop_streaming',
    );
    expect(errorOf(() => renameTools({} as never, { prefix: 'a_' })).code).toBe('INCOMPATIBLE_PACKAGE');
  });
});
