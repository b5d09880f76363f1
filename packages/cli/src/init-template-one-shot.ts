import {
  CONNECT_HELPER,
  MANIFEST_HEAD,
  MANIFEST_TEST,
  PACKAGE_JSON_READ,
  type ToolTemplate,
} from './init-template-types.js';

/** `--template one-shot`: a tool that answers once (`defineTool`), with no I/O. @internal */
export const oneShotTemplate: ToolTemplate = {
  description: 'A tool for live Gemini agents, built with livetools: convert_temperature.',
  summary:
    '- `convert_temperature`: converts a temperature between Celsius, Fahrenheit and Kelvin, answering once.',
  runExample: `npx livetools run . convert_temperature --args '{"value":100,"from":"C","to":"F"}'`,
  indexTs: (v) => `/**
 * ${v.name}: a tool for live Gemini agents, built with livetools.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { defineTool, defineToolPackage } from '@livetools/core';
import { z } from 'zod';

${PACKAGE_JSON_READ}
const UNITS = ['C', 'F', 'K'] as const;
type Unit = (typeof UNITS)[number];

const toKelvin: Record<Unit, (value: number) => number> = {
  C: (c) => c + 273.15,
  F: (f) => ((f - 32) * 5) / 9 + 273.15,
  K: (k) => k,
};
const fromKelvin: Record<Unit, (kelvin: number) => number> = {
  C: (k) => k - 273.15,
  F: (k) => ((k - 273.15) * 9) / 5 + 32,
  K: (k) => k,
};

/**
 * \`convert_temperature\`: a one-shot tool. It answers once with the converted value, rounded to
 * two decimals; below absolute zero it answers with an error the model can read.
 */
export const convertTemperature = defineTool({
  name: 'convert_temperature',
  description:
    'Converts a temperature between Celsius (C), Fahrenheit (F) and Kelvin (K). Use it instead of ' +
    'doing the arithmetic yourself.',
  parameters: z.object({
    value: z.number().describe('The temperature to convert.'),
    from: z.enum(UNITS).describe('The unit of value: C, F or K.'),
    to: z.enum(UNITS).describe('The unit to convert to: C, F or K.'),
  }),
  execute: ({ value, from, to }) => {
    const kelvin = toKelvin[from](value);
    if (kelvin < 0) throw new Error(\`\${value} \${from} is below absolute zero.\`);
    return { value: Math.round(fromKelvin[to](kelvin) * 100) / 100, unit: to };
  },
});

${MANIFEST_HEAD}  tools: [convertTemperature],
});
`,
  indexTestTs: `import { readFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';
import { checkToolPackage, createLiveAgent, toolsOf } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { describe, expect, it } from 'vitest';
import { toolPackage, version } from './index.js';

${MANIFEST_TEST}
${CONNECT_HELPER}
describe('convert_temperature over the Live API', () => {
  it('answers once with the converted value', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server);
    try {
      expect(conn.declarations.map((d) => d.name)).toEqual(['convert_temperature']);
      const id = conn.callTool('convert_temperature', { value: 100, from: 'C', to: 'F' });
      const answer = await conn.waitForToolResponse(id);
      expect(answer.output).toEqual({ value: 212, unit: 'F' });
      expect(answer.willContinue).not.toBe(true);
      expect(conn.toolResponses(id)).toHaveLength(1);
    } finally {
      await session.close();
    }
  });

  it('answers a temperature below absolute zero with an error the model can read', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server);
    try {
      const id = conn.callTool('convert_temperature', { value: -500, from: 'C', to: 'K' });
      const answer = await conn.waitForToolResponse(id);
      expect(JSON.stringify(answer.error)).toContain('below absolute zero');
    } finally {
      await session.close();
    }
  });

  it('answers invalid arguments with an error, and never runs', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server);
    try {
      const id = conn.callTool('convert_temperature', { value: 1, from: 'X', to: 'C' });
      const answer = await conn.waitForToolResponse(id);
      expect(answer.error).toMatchObject({ code: 'INVALID_ARGUMENTS' });
    } finally {
      await session.close();
    }
  });
});
`,
};
