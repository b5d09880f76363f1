import { GoogleGenAI } from '@google/genai';
import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LivetoolsError, ToolDefinitionError } from '../errors.js';
import { defineStreamingTool } from '../tool/define-tool.js';
import { createLiveAgent, type LiveAgentOptions } from './create-live-agent.js';
import { handoffBriefing } from './handoff-relay.js';

const ai = new GoogleGenAI({ apiKey: 'k' });
const thrown = (options: Partial<LiveAgentOptions>): LivetoolsError => {
  try {
    createLiveAgent({ ai, model: 'gemini-3.8-live', ...options });
  } catch (error) {
    if (LivetoolsError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('createLiveAgent accepted the options');
};

describe('handoff options', () => {
  it.each([
    [{ marginMs: -1 }, /handoff\.marginMs must be a number of milliseconds/],
    [{ marginMs: Number.NaN }, /handoff\.marginMs/],
    [{ enabled: 'yes' as unknown as boolean }, /handoff\.enabled must be true or false, got string/],
  ])('refuses %j with INVALID_OPTION', (handoff, message) => {
    const error = thrown({ handoff });
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toMatch(message);
  });

  it("a streaming tool's onHandoff defaults to continue, takes end, and refuses anything else", () => {
    const base = {
      name: 'watch',
      description: 'Watches.',
      parameters: z.object({}),
      execute: () => EMPTY,
    };
    expect(defineStreamingTool(base).policies.onHandoff).toBe('continue');
    expect(defineStreamingTool({ ...base, onHandoff: 'end' }).policies.onHandoff).toBe('end');
    expect(() => defineStreamingTool({ ...base, onHandoff: 'stop' as never })).toThrow(ToolDefinitionError);
    expect(() => defineStreamingTool({ ...base, onHandoff: 'stop' as never })).toThrow(
      /`onHandoff` must be one of continue, end/,
    );
  });
});

describe('handoffBriefing', () => {
  it('names each running call with its arguments and how its results come; stop_streaming only for streaming calls', () => {
    expect(
      handoffBriefing([
        { callId: 'c1', toolName: 'watch', args: { label: 'x' }, streaming: true },
        { callId: 'c2', toolName: 'lookup', args: { q: 'y' }, streaming: false },
      ]),
    ).toBe(
      [
        '[session handed over] The connection of the earlier session ended and this session continues it. These function calls you made there are still running:',
        '- watch (call_id c1) with arguments {"label":"x"}: its results will follow as messages starting with [tool result watch call_id=c1]. To stop it, call stop_streaming with function_name "watch" (or call_id "c1").',
        '- lookup (call_id c2) with arguments {"q":"y"}: its results will follow as messages starting with [tool result lookup call_id=c2].',
      ].join('\n'),
    );
  });

  it('writes arguments that cannot be JSON without throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(handoffBriefing([{ callId: 'c', toolName: 'n', args: cyclic, streaming: false }])).toContain(
      'with arguments "(arguments that cannot be written as JSON)"',
    );
    expect(handoffBriefing([{ callId: 'c', toolName: 'n', args: 10n, streaming: false }])).toContain(
      'cannot be written',
    );
  });
});
