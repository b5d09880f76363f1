import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { OneShotTool, StreamingTool } from '../tool/define-tool.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { toolsOf } from './check-tool-package.js';
import { defineToolPackage, type ToolInputKind, type ToolPackage } from './define-tool-package.js';

const tick = defineStreamingTool({
  name: 'tick',
  description: 'Ticks.',
  parameters: z.object({}),
  execute: () => [{ tick: 1 }],
});
const add = defineTool({
  name: 'add',
  description: 'Adds.',
  parameters: z.object({ a: z.number() }),
  execute: ({ a }) => ({ sum: a }),
});

describe('defineToolPackage types', () => {
  it('keeps the tools tuple and the defaults literally', () => {
    const pkg = defineToolPackage({
      name: 'x',
      version: '1.0.0',
      core: '^0.1.0',
      tools: [tick, add],
      defaults: { every: 1 },
    });
    expectTypeOf(pkg.tools[0]).toEqualTypeOf<typeof tick>();
    expectTypeOf(pkg.tools[1]).toEqualTypeOf<typeof add>();
    expectTypeOf(pkg.defaults.every).toEqualTypeOf<1>();
    expectTypeOf(pkg).toExtend<ToolPackage>();
    expectTypeOf(pkg.inputs.tick).toEqualTypeOf<readonly ToolInputKind[] | undefined>();
  });

  it('only accepts tools and known input kinds', () => {
    // @ts-expect-error a tool package holds tools
    defineToolPackage({ name: 'x', version: '1.0.0', core: '^0.1.0', tools: [{ name: 'nope' }] });
    const base = { name: 'x', version: '1.0.0', core: '^0.1.0', tools: [tick] } as const;
    // @ts-expect-error the inputs are video, audio or text
    defineToolPackage({ ...base, inputs: { tick: ['camera'] } });
  });

  it('toolsOf unions the tools of every package', () => {
    const a = defineToolPackage({ name: 'a', version: '1.0.0', core: '*', tools: [tick] });
    const b = defineToolPackage({ name: 'b', version: '1.0.0', core: '*', tools: [add] });
    expectTypeOf(toolsOf(a, b)).toEqualTypeOf<(typeof tick | typeof add)[]>();
    expectTypeOf(toolsOf(a, b)).toExtend<(StreamingTool | OneShotTool)[]>();
  });
});
