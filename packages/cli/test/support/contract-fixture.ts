/** dist/index.js of a package with a streaming tool that declares an output contract and a one-shot tool without one. */
export function contractSource(
  options: { parameters?: string; output?: string; version?: string; extraTool?: boolean } = {},
): string {
  return `import { defineStreamingTool, defineTool, defineToolPackage } from '@livetools/core';
import { z } from 'zod';

export const quote = defineStreamingTool({
  name: 'quote',
  description: 'Streams the price of a symbol.',
  parameters: ${options.parameters ?? "z.object({ symbol: z.string().describe('The ticker, e.g. ACME.'), every: z.number().int().min(1).optional().describe('Seconds between quotes.') })"},
  ${options.output === 'none' ? '' : `output: ${options.output ?? "z.object({ price: z.number().describe('Last trade price.'), side: z.enum(['up', 'down']) })"},`}
  execute: ({ symbol }) => [{ symbol, price: 1, side: 'up' }],
});

export const ping = defineTool({
  name: 'ping',
  description: 'Answers pong.',
  parameters: z.object({}),
  execute: () => 'pong',
});
${options.extraTool ? "export const extra = defineTool({ name: 'extra', description: 'More.', parameters: z.object({}), execute: () => 1 });\n" : ''}
export const toolPackage = defineToolPackage({
  name: '@fixture/tools-tick',
  version: ${JSON.stringify(options.version ?? '1.0.0')},
  core: '^0.1.0',
  tools: [quote, ping${options.extraTool ? ', extra' : ''}],
});
`;
}
