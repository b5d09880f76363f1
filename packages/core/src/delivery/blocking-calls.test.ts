import { describe, expect, it } from 'vitest';
import { resolveModelProfile } from '../profiles/resolve-model-profile.js';
import type { WireFunctionCall } from '../protocol/genai-like.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';
import { BlockingCallHold, cancellableBlockingCalls } from './blocking-calls.js';

const declarations: LiveFunctionDeclaration[] = [
  { name: 'lookup', description: 'one-shot', parametersJsonSchema: {}, behavior: 'BLOCKING' },
  { name: 'watch', description: 'streaming', parametersJsonSchema: {}, behavior: 'NON_BLOCKING' },
];
const live38 = resolveModelProfile('gemini-3.8-live').profile;

describe('cancellableBlockingCalls', () => {
  it('is undefined where new input cancels no BLOCKING call', () => {
    for (const model of ['gemini-3.1-flash-live-preview', 'gemini-2.5-flash-native-audio-preview-12-2025']) {
      expect(cancellableBlockingCalls(resolveModelProfile(model).profile, declarations)).toBeUndefined();
    }
    expect(cancellableBlockingCalls(undefined, declarations)).toBeUndefined();
  });

  it("picks the BLOCKING calls on gemini-3.8-live (an undeclared name: the profile's default), and skips calls that cannot be answered", () => {
    for (const vertexai of [false, true]) {
      const pick = cancellableBlockingCalls(
        resolveModelProfile('gemini-3.8-live', { vertexai }).profile,
        declarations,
      );
      const calls = [
        { id: 'a', name: 'lookup' },
        { id: 'b', name: 'watch' },
        { id: 'c', name: 'unknown' }, // NON_BLOCKING by default on 3.8
        { name: 'lookup' },
        { id: '', name: 'lookup' },
        null,
      ] as unknown as WireFunctionCall[];
      expect(pick?.(calls)).toEqual(['a']);
    }
    const blockingByDefault = {
      ...live38,
      functionCalling: { ...live38.functionCalling, defaultBehavior: 'BLOCKING' as const },
    };
    expect(
      cancellableBlockingCalls(blockingByDefault, declarations)?.([{ id: 'c', name: 'unknown' }]),
    ).toEqual(['c']);
  });
});

describe('BlockingCallHold', () => {
  it('tells the writer before the calls run, then lets go of those the runner neither answered nor keeps', () => {
    const log: string[] = [];
    const writer = {
      blockingCalls: (ids: readonly string[]) => log.push(`blocking ${ids.join(',')}`),
      blockingSettled: (ids: readonly string[], isOpen: (id: string) => boolean) =>
        log.push(`settled ${ids.map((id) => `${id}:${isOpen(id)}`).join(',')}`),
    };
    const runner = {
      handleToolCall: (calls: readonly WireFunctionCall[]) =>
        log.push(`run ${calls.map((c) => c.id).join(',')}`),
      activeCalls: () => [{ callId: 'a' }],
    };
    const hold = new BlockingCallHold(live38, () => declarations, writer);
    hold.run(
      [
        { id: 'a', name: 'lookup' },
        { id: 'r', name: 'lookup' },
        { id: 'w', name: 'watch' },
      ],
      runner,
    );
    hold.run([{ id: 'w2', name: 'watch' }], runner);
    expect(log).toEqual(['blocking a,r', 'run a,r,w', 'settled a:true,r:false', 'blocking ', 'run w2']);
  });

  it('lists the running calls only when the writer asks, and once per message', () => {
    let listed = 0;
    const runner = {
      handleToolCall: () => {},
      activeCalls: () => {
        listed += 1;
        return [{ callId: 'a' }];
      },
    };
    const calls = [
      { id: 'a', name: 'lookup' },
      { id: 'b', name: 'lookup' },
    ];
    // A writer whose BLOCKING calls were all answered while they ran asks nothing.
    new BlockingCallHold(live38, () => declarations, {
      blockingCalls: () => {},
      blockingSettled: () => {},
    }).run(calls, runner);
    expect(listed).toBe(0);
    const answers: boolean[] = [];
    new BlockingCallHold(live38, () => declarations, {
      blockingCalls: () => {},
      blockingSettled: (ids, isOpen) => {
        for (const id of ids) answers.push(isOpen(id));
      },
    }).run(calls, runner);
    expect(answers).toEqual([true, false]);
    expect(listed).toBe(1);
  });

  it('on a profile without the rule it only hands the calls on, and reads the declarations once', () => {
    let reads = 0;
    const told: string[][] = [];
    const hold = new BlockingCallHold(
      resolveModelProfile('gemini-3.1-flash-live-preview').profile,
      () => {
        reads += 1;
        return declarations;
      },
      { blockingCalls: (ids) => told.push([...ids]), blockingSettled: () => told.push(['settled']) },
    );
    const ran: string[] = [];
    const runner = {
      handleToolCall: (calls: readonly WireFunctionCall[]) => ran.push(...calls.map((c) => c.id ?? '')),
      activeCalls: () => [],
    };
    hold.run([{ id: 'a', name: 'lookup' }], runner);
    hold.run([{ id: 'b', name: 'lookup' }], runner);
    // The writer is told nothing: no call can hold anything on this profile.
    expect([reads, ran, told]).toEqual([1, ['a', 'b'], []]);
  });
});
