/**
 * The profile matrix of the session suites: every known live model family (shut-down ones left
 * out) on its platform, times both `@google/genai` majors, against a fake server playing that
 * profile (`profile: 'auto'`), and what a suite should expect of a session on each.
 *
 * The expectations are written from the profile's documented fields, not from livetools' own
 * choices (`chooseDelivery`, `declaredBehavior`), so a suite that asserts them can fail when the
 * session's choice and the documented behaviour part ways.
 */
import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { KNOWN_MODEL_ENTRIES } from '../../src/profiles/known-profiles.js';
import type { FunctionBehavior, IdleSignal, ModelProfile } from '../../src/profiles/model-profile.js';
import type { GenAIClient } from '../../src/protocol/genai-like.js';

/** A client of a fake server at `baseUrl`. */
export type MakeAi = (baseUrl: string) => GenAIClient;

/** One SDK major, with a client maker per platform. */
export interface MatrixSdk {
  readonly name: string;
  readonly geminiApi: MakeAi;
  readonly vertexAi: MakeAi;
}

/** Both supported SDK majors. */
export const MATRIX_SDKS: readonly MatrixSdk[] = [
  {
    name: '@google/genai 3.x',
    geminiApi: (baseUrl) => new GoogleGenAI3({ apiKey: 'test-key', httpOptions: { baseUrl } }),
    vertexAi: (baseUrl) => new GoogleGenAI3({ vertexai: true, apiKey: 'test-key', httpOptions: { baseUrl } }),
  },
  {
    name: '@google/genai 2.x',
    geminiApi: (baseUrl) => new GoogleGenAI2({ apiKey: 'test-key', httpOptions: { baseUrl } }),
    vertexAi: (baseUrl) => new GoogleGenAI2({ vertexai: true, apiKey: 'test-key', httpOptions: { baseUrl } }),
  },
];

/** Every live family in the table but the shut-down ones: the fake server's profiles. */
export const MATRIX_PROFILES: readonly ModelProfile[] = [
  ...KNOWN_MODEL_ENTRIES['gemini-api'],
  ...KNOWN_MODEL_ENTRIES['vertex-ai'],
]
  .map((entry) => entry.profile)
  .filter((profile) => profile.status !== 'shut-down');

/** A profile's label in test names: `gemini-3.8-live (vertex-ai)`. */
export const profileLabel = (profile: ModelProfile): string => `${profile.id} (${profile.platform})`;

/** How the session gets a streaming tool's later results to the model on a profile. */
export type StreamingDelivery = 'function-response' | 'client-content' | 'realtime-text';

/** What a session suite should expect on one profile. */
export interface ProfileExpectations {
  /** The model name to connect with (the profile's id, which resolves back to the profile). */
  readonly model: string;
  /** Whether the client must be made with `vertexai: true`. */
  readonly vertex: boolean;
  /** The `behavior` a one-shot tool is declared with. */
  readonly oneShot: FunctionBehavior;
  /** The `behavior` a streaming tool is declared with (when the agent accepts one). */
  readonly streaming: FunctionBehavior;
  /**
   * How a streaming tool's later results reach the model when the user does not choose:
   * several function responses (`willContinue`, async models that accept it), text turns
   * (`clientContent` accepted mid-session), else realtime text (a sync-only model that takes
   * clientContent only as initial history: every Live model takes `realtimeInput.text`).
   */
  readonly streamingDelivery: StreamingDelivery;
  /** Whether `delivery: 'function-response'` with a streaming tool is accepted (async calls with `willContinue`). */
  readonly functionResponseDelivery: boolean;
  /** Whether `delivery: 'client-content'` with a streaming tool is accepted. */
  readonly clientContentDelivery: boolean;
  /** The model holds back its output while a one-shot call runs (it runs the call BLOCKING). */
  readonly waitsForOneShot: boolean;
  /** New user input cancels a running one-shot call (a BLOCKING call on a model that cancels those). */
  readonly newInputCancelsOneShot: boolean;
  /** Sends `scheduling` with a streaming tool's function responses. */
  readonly sendsScheduling: boolean;
  /** The signal that means the model is idle. */
  readonly idleSignal: IdleSignal;
  /** `sendText` goes as realtime text (the model takes clientContent only as initial history). */
  readonly textAsRealtime: boolean;
  /** A resumption update carries a handle while calls run. */
  readonly resumableWhileCallsRun: boolean;
  /** Transparent resumption (Vertex AI): the session asks for it when resumption is on. */
  readonly transparent: boolean;
}

/**
 * What a session suite should expect of a session on `profile`, from the profile's documented
 * fields.
 *
 * @example
 * ```ts
 * const expected = profileExpectations(resolveModelProfile('gemini-3.1-flash-live-preview').profile);
 * expected.streamingDelivery; // 'realtime-text'
 * ```
 */
export function profileExpectations(profile: ModelProfile): ProfileExpectations {
  const { modes, willContinue, blockingCancelledOnNewInput, scheduling } = profile.functionCalling;
  const clientContentAccepted = profile.clientContent.midSession === 'accepted';
  const oneShot: FunctionBehavior = modes === 'async' ? 'NON_BLOCKING' : 'BLOCKING';
  const streaming: FunctionBehavior = modes === 'sync' ? 'BLOCKING' : 'NON_BLOCKING';
  const streamingDelivery: StreamingDelivery =
    modes !== 'sync' && willContinue
      ? 'function-response'
      : clientContentAccepted
        ? 'client-content'
        : 'realtime-text';
  return {
    model: profile.id,
    vertex: profile.platform === 'vertex-ai',
    oneShot,
    streaming,
    streamingDelivery,
    functionResponseDelivery: modes !== 'sync' && willContinue,
    clientContentDelivery: clientContentAccepted,
    waitsForOneShot: oneShot === 'BLOCKING',
    newInputCancelsOneShot: oneShot === 'BLOCKING' && blockingCancelledOnNewInput,
    sendsScheduling: streaming === 'NON_BLOCKING' && scheduling.length > 0,
    idleSignal: profile.idleSignal,
    textAsRealtime: !clientContentAccepted,
    resumableWhileCallsRun: profile.resumption.resumableWhileCallsRun,
    transparent: profile.resumption.transparent,
  };
}

/** `[label, profile, sdk]` rows for `describe.each`: every profile with every SDK major. */
export const PROFILE_SDK_ROWS: readonly [string, ModelProfile, MatrixSdk][] = MATRIX_PROFILES.flatMap(
  (profile) =>
    MATRIX_SDKS.map((sdk): [string, ModelProfile, MatrixSdk] => [
      `${profileLabel(profile)} over ${sdk.name}`,
      profile,
      sdk,
    ]),
);
