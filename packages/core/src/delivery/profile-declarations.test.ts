import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listModelProfiles } from '../profiles/profile-queries.js';
import { resolveModelProfile } from '../profiles/resolve-model-profile.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { createDelivery } from './create-delivery.js';
import { declareForProfile } from './profile-declarations.js';

const watch = defineStreamingTool({
  name: 'watch',
  description: 'Watches a price.',
  parameters: z.object({ symbol: z.string() }),
  output: z.object({ price: z.number() }),
  execute: () => [{ price: 1 }],
});
const add = defineTool({
  name: 'add',
  description: 'Adds.',
  parameters: z.object({ a: z.number() }),
  output: z.object({ sum: z.number() }),
  execute: ({ a }) => ({ sum: a }),
});
const declarations = [watch.declaration(), add.declaration()];

describe('declaring output contracts per profile', () => {
  it('leaves responseJsonSchema out on every known profile (none is documented to take it on Live)', () => {
    for (const profile of listModelProfiles()) {
      for (const declared of declareForProfile(profile, declarations)) {
        expect(declared).not.toHaveProperty('responseJsonSchema');
        expect(declared.parametersJsonSchema).toMatchObject({ type: 'object' });
      }
    }
  });

  it('sends it when the profile opts in (functionCalling.responseJsonSchema), in every delivery mode', () => {
    const profile = resolveModelProfile('gemini-3.8-live', {
      override: { functionCalling: { responseJsonSchema: true } },
    }).profile;
    for (const mode of ['function-response', 'client-content', 'realtime-text'] as const) {
      const declared = createDelivery(mode, profile).declarations(declarations);
      expect(declared.map((d) => d.responseJsonSchema)).toEqual([
        expect.objectContaining({ properties: { price: { type: 'number' } } }),
        expect.objectContaining({ properties: { sum: { type: 'number' } } }),
      ]);
    }
  });

  it('refuses an override that is not a boolean, naming the field', () => {
    expect(() =>
      resolveModelProfile('gemini-3.8-live', {
        override: { functionCalling: { responseJsonSchema: 'yes' as never } },
      }),
    ).toThrow(/functionCalling.responseJsonSchema is "yes"; use true or false/);
  });
});
