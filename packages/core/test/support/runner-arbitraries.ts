/** fast-check arbitraries for the scheduler's property tests: random sessions of actions. */
import fc from 'fast-check';
import {
  type ArgsSpec,
  type CallSpec,
  type GenAction,
  type IdRef,
  MODES,
  type NameRef,
  ONE_SHOT_NAMES,
  STREAMING_NAMES,
  type Step,
  type StopArgsSpec,
  UNKNOWN_NAMES,
} from './runner-world.js';

const backArb = fc.integer({ min: 0, max: 3 });

/** Mostly fresh ids for calls; sometimes a recent id (a duplicate) or none. */
const callIdArb: fc.Arbitrary<IdRef> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ ref: 'fresh' as const }) },
  { weight: 2, arbitrary: backArb.map((back) => ({ ref: 'recent' as const, back })) },
  { weight: 1, arbitrary: fc.constant({ ref: 'none' as const }) },
);

/** Ids to cancel or stop: mostly recent calls (live or ended), sometimes an id never issued. */
const targetIdArb: fc.Arbitrary<IdRef> = fc.oneof(
  { weight: 6, arbitrary: backArb.map((back) => ({ ref: 'recent' as const, back })) },
  { weight: 1, arbitrary: fc.constant({ ref: 'unknown' as const }) },
);

const givenNameArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...STREAMING_NAMES) },
  { weight: 3, arbitrary: fc.constantFrom(...ONE_SHOT_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_NAMES) },
  { weight: 2, arbitrary: fc.constant('stop_streaming') },
);

/** A given name, or the name of a recent call, so that duplicate policies see repeated tools. */
const nameArb: fc.Arbitrary<NameRef> = fc.oneof(
  { weight: 3, arbitrary: givenNameArb.map((name) => ({ ref: 'name' as const, name })) },
  { weight: 2, arbitrary: backArb.map((back) => ({ ref: 'recent' as const, back })) },
);

const argsArb: fc.Arbitrary<ArgsSpec> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      mode: fc.constantFrom(...MODES),
      n: fc.integer({ min: 0, max: 4 }),
      ms: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('invalid' as const),
      variant: fc.constantFrom(
        'bad-mode',
        'n-string',
        'no-token',
        'string',
        'array',
        'number',
        'null',
        'missing',
      ) as fc.Arbitrary<Extract<ArgsSpec, { kind: 'invalid' }>['variant']>,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('crash-validator' as const), mode: fc.constantFrom(...MODES) }),
  },
);

const stopArgsArb: fc.Arbitrary<StopArgsSpec> = fc.oneof(
  targetIdArb.map((call_id) => ({ call_id })),
  nameArb.map((function_name) => ({ function_name })),
  fc.constant({}),
  fc.record({ call_id: targetIdArb, function_name: nameArb }),
  fc.constant({ call_id: '' as const }),
);

const callArb: fc.Arbitrary<CallSpec> = fc.record({
  id: callIdArb,
  name: nameArb,
  args: argsArb,
  stopArgs: stopArgsArb,
});

const actionArb: fc.Arbitrary<GenAction> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('call' as const),
      calls: fc.array(callArb, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      ids: fc.array(targetIdArb, { maxLength: 3 }),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'interrupt' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('app-stop' as const),
      target: fc.oneof(
        targetIdArb.map((callId) => ({ callId })),
        nameArb.map((name) => ({ name })),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reentrant-stop' as const),
      on: fc.constantFrom('tool-start' as const, 'tool-result' as const, 'tool-queued' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'dispose' as const }) },
);

const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.integer({ min: 0, max: 12 }),
  sameTick: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  action: actionArb,
});

/** A random session of up to `maxLength` steps (lengths spread over the whole range). */
export function stepsArb(maxLength = 30): fc.Arbitrary<Step[]> {
  return fc.array(stepArb, { maxLength, size: 'max' });
}
