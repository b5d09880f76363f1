import { NEVER } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingLogger } from '../../test/support/profiled-session.js';
import { thrownBy } from '../../test/support/session-errors.js';
import type { LivetoolsError } from '../errors.js';
import type { GenAIClient } from '../protocol/genai-like.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import { createLiveAgent, type LiveAgentOptions } from './create-live-agent.js';

const ai = { live: { connect: () => Promise.reject(new Error('unused')) } } as GenAIClient;
const watch = defineStreamingTool({
  name: 'watch',
  description: 'Watches.',
  parameters: z.object({}),
  execute: () => NEVER,
});
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks up.',
  parameters: z.object({}),
  execute: () => 1,
});

const thrown = (options: Partial<LiveAgentOptions>): LivetoolsError =>
  thrownBy(() => createLiveAgent({ ai, model: 'gemini-3.8-live', ...options }));

describe('createLiveAgent resolves the model profile once', () => {
  it('exposes the profile and its notices, and logs each notice once however often it connects', async () => {
    const { logger, lines: entries } = recordingLogger();
    const agent = createLiveAgent({ ai, model: 'my-live-model', tools: [lookup], logger });
    expect(agent.profile.id).toBe('gemini-3.8-live');
    expect(agent.notices.map((n) => n.code)).toEqual(['UNKNOWN_MODEL']);
    await agent.connect().catch(() => {});
    await agent.connect().catch(() => {});
    const logged = entries.filter((e) => e.data?.code === 'UNKNOWN_MODEL');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', message: agent.notices[0]?.message });
  });

  it('takes modelFamily and modelProfile (an override) as resolveModelProfile does', () => {
    const agent = createLiveAgent({
      ai,
      model: 'proxy-model',
      modelFamily: 'gemini-3.8-live-extended-thinking',
      modelProfile: { sessionLimits: { connectionMs: 60_000 } },
      tools: [lookup, watch],
    });
    expect(agent.profile.idleSignal).toBe('interactionStatus');
    expect(agent.profile.sessionLimits.connectionMs).toBe(60_000);
    expect(agent.notices.map((n) => n.code)).toEqual(['OVERRIDDEN']);
    // async only: even a one-shot tool is declared NON_BLOCKING
    expect(agent.declarations().map((d) => [d.name, d.behavior])).toEqual([
      ['lookup', 'NON_BLOCKING'],
      ['watch', 'NON_BLOCKING'],
      ['stop_streaming', 'NON_BLOCKING'],
    ]);
  });

  it.each([
    ['a number', 42],
    ['a symbol', Symbol('x')],
    ['an object', { mode: 'function-response' }],
    ['a long string', 'x'.repeat(10_000)],
  ])('refuses a delivery that is %s with UNSUPPORTED_DELIVERY, never a crash', (_label, delivery) => {
    const error = thrown({ delivery: delivery as never });
    expect(error.code).toBe('UNSUPPORTED_DELIVERY');
    expect(error.message.length).toBeLessThan(300);
  });

  it('refuses an unknown modelFamily or a bad override with INVALID_OPTION', () => {
    expect(thrown({ modelFamily: 'gemini-9' }).code).toBe('INVALID_OPTION');
    expect(thrown({ modelFamily: 7 as never }).code).toBe('INVALID_OPTION');
    expect(thrown({ modelProfile: null as never }).code).toBe('INVALID_OPTION');
    expect(thrown({ modelProfile: { idleSignal: 'never' as never } }).message).toContain('idleSignal');
  });

  it('client-content declares one-shot tools BLOCKING (it no longer strips behavior)', () => {
    const agent = createLiveAgent({
      ai,
      model: 'gemini-3.8-live',
      tools: [watch, lookup],
      delivery: 'client-content',
    });
    expect(agent.declarations().map((d) => [d.name, d.behavior])).toEqual([
      ['watch', 'NON_BLOCKING'],
      ['lookup', 'BLOCKING'],
      ['stop_streaming', 'BLOCKING'],
    ]);
  });
});

describe('built-in tools in config.tools', () => {
  it('a function declaration named like a livetools tool is a TOOL_DEFINITION error naming it', () => {
    const error = thrown({
      tools: [watch],
      config: { tools: [{ functionDeclarations: [{ name: 'watch' }] }] },
    });
    expect(error.code).toBe('TOOL_DEFINITION');
    expect(error.message).toContain('"watch"');
  });

  it('a function declaration named stop_streaming clashes when a streaming tool is present', () => {
    const error = thrown({
      tools: [watch],
      config: { tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: 'stop_streaming' }] }] },
    });
    expect(error.code).toBe('TOOL_DEFINITION');
    expect(error.message).toContain('"stop_streaming"');
  });

  it('other function declarations are refused: livetools answers every call of the session', () => {
    const error = thrown({
      tools: [lookup],
      config: { tools: [{ functionDeclarations: [{ name: 'mine' }] }] },
    });
    expect(error.code).toBe('TOOL_DEFINITION');
    expect(error.message).toMatch(/defineTool/);
  });

  it.each([
    ['not an array', { googleSearch: {} }],
    ['a null entry', [null]],
    ['an array entry', [[]]],
    ['a string entry', ['googleSearch']],
    [
      'an entry whose getter throws',
      [
        Object.defineProperty({}, 'functionDeclarations', {
          enumerable: true,
          get() {
            throw new Error('boom');
          },
        }),
      ],
    ],
    ['functionDeclarations that is not an array', [{ functionDeclarations: 'x' }]],
    ['a declaration without a name', [{ functionDeclarations: [{}] }]],
  ])('hostile config.tools (%s) is a TOOL_DEFINITION error, never a crash', (_label, tools) => {
    const error = thrown({ tools: [lookup], config: { tools } as never });
    expect(error.code).toBe('TOOL_DEFINITION');
    expect(error.message).toContain('config.tools');
  });

  it('a config whose tools getter throws is a TOOL_DEFINITION error, never a crash', () => {
    const config = Object.defineProperty({}, 'tools', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const error = thrown({ tools: [lookup], config: config as never });
    expect(error.code).toBe('TOOL_DEFINITION');
    expect(error.message).toMatch(/Reading config\.tools failed \(boom\)/);
  });

  it('accepts built-in tools next to livetools tools', () => {
    const agent = createLiveAgent({
      ai,
      model: 'gemini-3.8-live',
      tools: [lookup],
      config: { tools: [{ googleSearch: {} }, { codeExecution: {} }, { functionDeclarations: [] }] },
    });
    expect(agent.declarations().map((d) => d.name)).toEqual(['lookup']);
  });
});
