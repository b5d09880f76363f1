import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../test/support/session-errors.js';
import type { GenAIClient } from '../protocol/genai-like.js';
import { createLiveAgent, type LiveAgentOptions } from './create-live-agent.js';

const ai = { live: { connect: () => Promise.reject(new Error('unused')) } } as GenAIClient;
const make = (options: Partial<LiveAgentOptions>) => () => createLiveAgent({ ai, model: 'm', ...options });

describe('createLiveAgent duration options (issue 13 item 13)', () => {
  it.each([
    ['connectTimeoutMs', { connectTimeoutMs: 2 ** 31 }],
    ['closeTimeoutMs', { closeTimeoutMs: 3e9 }],
    ['reconnect.maxDelayMs', { reconnect: { maxDelayMs: 2 ** 32 } }],
    ['reconnect.initialDelayMs', { reconnect: { initialDelayMs: Number.POSITIVE_INFINITY } }],
    ['reconnect.stableAfterMs', { reconnect: { stableAfterMs: 2 ** 31 } }],
    ['connectTimeoutMs', { connectTimeoutMs: Number.NaN }],
    ['closeTimeoutMs', { closeTimeoutMs: -1 }],
  ] as const)(
    'durations above 2^31-1 ms fire at once: %s is refused with INVALID_OPTION',
    (name, options) => {
      const error = thrownBy(make(options as Partial<LiveAgentOptions>));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toContain(name);
      expect(error.message).toMatch(/2147483647/);
    },
  );

  it.each([
    ['reconnect.attempts', { reconnect: { attempts: 0 } }],
    ['reconnect.maxConsecutive', { reconnect: { maxConsecutive: 1.5 } }],
    ['maxUnacknowledged', { maxUnacknowledged: 0 }],
  ] as const)('refuses a count that is not a positive integer: %s', (name, options) => {
    const error = thrownBy(make(options as Partial<LiveAgentOptions>));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(name);
  });

  it('accepts the largest timer delay and zero delays', () => {
    expect(
      make({
        connectTimeoutMs: 2 ** 31 - 1,
        closeTimeoutMs: 2 ** 31 - 1,
        reconnect: { initialDelayMs: 0, maxDelayMs: 0, stableAfterMs: 0, attempts: 1, maxConsecutive: 1 },
        maxUnacknowledged: 1,
      }),
    ).not.toThrow();
  });
});

describe('createLiveAgent without a model (issue 20)', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['not a string', 42],
  ] as const)('a %s model is an INVALID_OPTION error, not a tool definition error', (_, model) => {
    const error = thrownBy(make({ model } as unknown as Partial<LiveAgentOptions>));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.name).toBe('LivetoolsError');
    expect(error.message).toContain('model');
  });
});
