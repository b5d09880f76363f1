import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import fc from 'fast-check';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenAIClient } from '../../src/protocol/genai-like.js';
import { runSession, type SessionAction } from '../support/session-world.js';

const sdks: [string, (baseUrl: string) => GenAIClient][] = [
  ['@google/genai 3.x', (baseUrl) => new GoogleGenAI3({ apiKey: 'test-key', httpOptions: { baseUrl } })],
  ['@google/genai 2.x', (baseUrl) => new GoogleGenAI2({ apiKey: 'test-key', httpOptions: { baseUrl } })],
];

const pickArb = fc.integer({ min: 0, max: 3 });

const actionArb: fc.Arbitrary<SessionAction> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('call' as const),
      tool: fc.constantFrom('watch' as const, 'camera' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'call-invalid' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'call-unknown' as const }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      pick: pickArb,
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: pickArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('server-cancel' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('app-stop' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('model-stop' as const), pick: pickArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'interrupt' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'handle' as const }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'go-away' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'drop' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'release' as const }) },
);

/**
 * Two sessions in three are resumable from the start (a handle, then a call); the others may never
 * get one. One in four is closed at a random point (during a resumption attempt, a wait between
 * attempts, or while connected).
 */
const sessionArb = fc
  .tuple(
    fc.integer({ min: 0, max: 2 }).map((n) => n > 0),
    fc.array(actionArb, { minLength: 8, maxLength: 30, size: 'max' }),
    fc.option(fc.nat(), { freq: 3 }),
  )
  .map(([resumable, actions, closeAt]): SessionAction[] => {
    const all: SessionAction[] = resumable
      ? [{ kind: 'handle' }, { kind: 'call', tool: 'watch' }, ...actions]
      : [...actions];
    if (closeAt !== null) all.splice(closeAt % (all.length + 1), 0, { kind: 'close' });
    return all;
  });

/** Runs per mode: `LIVETOOLS_SESSION_RUNS`, 25 by default; fewer than one would pass without checking anything. */
const runs = sessionRuns(process.env.LIVETOOLS_SESSION_RUNS);

/**
 * Histories that once broke a property, run first in every mode. The first resumed with a handle
 * issued before a call, so the call was handed over, and the session wrote the parked results of
 * the calls the handle knew before publishing `connected`. In the second, a call completed while the
 * session resumed (its final parked) and the server then cancelled it: the parked final was still
 * written, because only a cancellation that ended a running call dropped parked results.
 */
const regressions: SessionAction[][] = [
  [
    { kind: 'handle' },
    { kind: 'call', tool: 'watch' },
    { kind: 'go-away' },
    { kind: 'handle' },
    { kind: 'drop' },
    { kind: 'push', pick: 0, count: 1 },
    { kind: 'server-cancel', pick: 0 },
    { kind: 'drop' },
    { kind: 'release' },
    { kind: 'complete', pick: 0 },
    { kind: 'complete', pick: 0 },
    { kind: 'server-cancel', pick: 0 },
    { kind: 'call', tool: 'watch' },
    { kind: 'handle' },
  ],
  [
    { kind: 'handle' },
    { kind: 'call', tool: 'watch' },
    { kind: 'go-away' },
    { kind: 'complete', pick: 0 },
    { kind: 'handle' },
    { kind: 'server-cancel', pick: 0 },
    { kind: 'drop' },
    { kind: 'call', tool: 'watch' },
    { kind: 'call', tool: 'watch' },
    { kind: 'fail', pick: 0 },
    { kind: 'go-away' },
    { kind: 'call-unknown' },
    { kind: 'drop' },
    { kind: 'push', pick: 0, count: 1 },
    { kind: 'server-cancel', pick: 0 },
  ],
];

function sessionRuns(setting: string | undefined): number {
  if (setting === undefined) return 25;
  const n = Number(setting);
  if (setting.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new Error(
      `LIVETOOLS_SESSION_RUNS must be a whole number of at least 1, got ${JSON.stringify(setting)}`,
    );
  }
  return n;
}

/** Unhandled rejections while the sessions ran (an error thrown into the SDK's socket handler lands here). */
const escaped: unknown[] = [];
const onRejection = (reason: unknown) => escaped.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onRejection);
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
});

/** What the runs of both SDKs reached, and how many actions they ran. */
const exercised = new Set<string>();
let steps = 0;

/**
 * The same SDKs in Vertex AI mode, the only one in which they send `sessionResumption.transparent`.
 * The client is presented without its `vertexai` flag so that the session keeps the
 * `function-response` delivery the model of the world checks (the fake server accepts it either way).
 */
const transparentSdks: [string, (baseUrl: string) => GenAIClient][] = [
  [
    '@google/genai 3.x, Vertex AI',
    (baseUrl) => {
      const ai = new GoogleGenAI3({ vertexai: true, apiKey: 'test-key', httpOptions: { baseUrl } });
      return { live: ai.live };
    },
  ],
  [
    '@google/genai 2.x, Vertex AI',
    (baseUrl) => {
      const ai = new GoogleGenAI2({ vertexai: true, apiKey: 'test-key', httpOptions: { baseUrl } });
      return { live: ai.live };
    },
  ],
];

const modes: [string, (baseUrl: string) => GenAIClient, boolean][] = [
  ...sdks.map(([name, makeAi]): [string, (baseUrl: string) => GenAIClient, boolean] => [name, makeAi, false]),
  ...transparentSdks.map(([name, makeAi]): [string, (baseUrl: string) => GenAIClient, boolean] => [
    `${name}, transparent resumption`,
    makeAi,
    true,
  ]),
];

describe.each(modes)(
  'live session under random disconnections (%s, fake server)',
  (_sdk, makeAi, transparent) => {
    it('the session state holds every result once and in order, and one final response per call unless the server cancelled it; without transparent resumption, nothing is missing but what was in flight when the handle used was issued', async () => {
      let executed = 0;
      await fc.assert(
        fc.asyncProperty(sessionArb, async (actions) => {
          executed += 1;
          const {
            violations,
            exercised: seen,
            steps: ran,
          } = await runSession(actions, makeAi, { transparent });
          steps += ran;
          for (const s of seen) exercised.add(s);
          await new Promise((resolve) => setImmediate(resolve));
          expect(violations, violations.join('\n')).toEqual([]);
          expect(escaped).toEqual([]);
        }),
        { numRuns: runs, examples: regressions.map((history) => [history]) },
      );
      expect(executed).toBe(runs); // the regressions are among the runs
    }, 120_000);
  },
);

it('reached every interesting state across the runs (a vacuous run would pass anyway)', (ctx) => {
  if (steps === 0) ctx.skip(); // the properties were filtered out
  expect([...exercised].sort()).toEqual(
    expect.arrayContaining([
      'call while disconnected',
      'drop with handle',
      'drop during resumption',
      'go-away',
      'result while disconnected',
      'final while disconnected',
      'message in flight at a handle issuance',
      // Not required: whether a resumption then uses that very handle depends on the machine's
      // timing, not on the actions drawn. connection-faults.test.ts ("the one loss left is a message
      // in flight when the server issued the handle the session resumes with") makes it happen for sure.
      'close() at a random point',
      'calls handed over on resumption',
    ]),
  );
  expect(steps).toBeGreaterThan(runs * modes.length * 8);
});
