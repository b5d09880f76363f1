import { interval, map, take } from 'rxjs';
import { expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { withScheduling } from '../tool/scheduling.js';
import { testTool } from './index.js';

const countdown = defineStreamingTool({
  name: 'countdown',
  description: 'Counts down.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }, ctx) =>
    interval(1000, ctx.scheduler).pipe(
      take(n),
      map((i) => ({ remaining: n - i - 1 })),
    ),
});

it("types outputs as the values the model receives: a streaming tool's emissions", () => {
  expectTypeOf(testTool(countdown, { n: 1 }).outputs).toEqualTypeOf<readonly { remaining: number }[]>();
});

it('unwraps withScheduling() and Promises', () => {
  const urgent = defineStreamingTool({
    name: 'urgent',
    description: 'Emits with its own scheduling.',
    parameters: z.object({}),
    execute: () => [withScheduling({ level: 1 }, 'INTERRUPT')],
  });
  expectTypeOf(testTool(urgent).outputs).toEqualTypeOf<readonly { level: number }[]>();
  const add = defineTool({
    name: 'add',
    description: 'Adds.',
    parameters: z.object({ a: z.number() }),
    execute: async ({ a }) => ({ sum: a }),
  });
  expectTypeOf(testTool(add, { a: 1 }).outputs).toEqualTypeOf<readonly { sum: number }[]>();
});
