/**
 * The table of known Live API model families, one row per family and platform, with the pages each
 * fact rests on. Checked against the published docs in December 2026; where the docs disagree with
 * each other or with what users observed, the row takes the safer reading and says so in `notes`.
 *
 * @packageDocumentation
 */

import type { Scheduling } from '../tool/scheduling.js';
import type { ModelProfile, SessionLimitsProfile } from './model-profile.js';

const DOCS = 'https://ai.google.dev/gemini-api/docs';
const AGENT_PLATFORM = 'https://docs.cloud.google.com/gemini-enterprise-agent-platform/models';

/** @internal Pages the table cites, by what they document. */
export const PROFILE_SOURCES = {
  live38: `${DOCS}/models/gemini-3.8-live`,
  extendedThinking: `${DOCS}/models/gemini-3.8-live-extended-thinking`,
  thinking: `${DOCS}/live-api/thinking`,
  flash31: `${DOCS}/models/gemini-3.1-flash-live-preview`,
  tools: `${DOCS}/live-api/tools`,
  session: `${DOCS}/live-session`,
  deprecations: `${DOCS}/deprecations`,
  changelog: `${DOCS}/changelog`,
  sdkTypes: 'https://github.com/googleapis/js-genai/blob/main/src/types.ts',
  vertexMigrate38: `${AGENT_PLATFORM}/live-api/migrate-from-gemini-2-5-to-gemini-3-8-live`,
  vertexAsync: `${AGENT_PLATFORM}/live-api/asynchronous-function-calling`,
  vertexGuide38: `${AGENT_PLATFORM}/guides/gemini-3-8-live`,
  vertex25: `${AGENT_PLATFORM}/gemini/2-5-flash-live-api`,
  clientContent1007: 'https://github.com/google/adk-python/issues/5018',
} as const;

const S = PROFILE_SOURCES;

/** @internal Freezes a value and everything it holds, so the table cannot be changed by callers. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
const ALL_SCHEDULING: readonly Scheduling[] = ['SILENT', 'WHEN_IDLE', 'INTERRUPT'];
const NO_SCHEDULING: readonly Scheduling[] = [];

/** Documented for every Live model alike (session management page). */
const SESSION_LIMITS: SessionLimitsProfile = {
  audioOnlyWithoutCompressionMs: 15 * 60_000,
  audioVideoWithoutCompressionMs: 2 * 60_000,
  connectionMs: 10 * 60_000,
};

const HANDLE_VALID_MS = 2 * 60 * 60_000;

/** @internal One row of the table: the names it answers to and the profile it gives. */
export interface KnownModelEntry {
  /**
   * Model names without version suffixes. A name matches when it equals one of these or adds
   * version-like suffixes (`-preview`, `-latest`, `-001`, `-09-2025`, …); the longest match wins.
   */
  readonly names: readonly string[];
  readonly profile: ModelProfile;
}

const live38: ModelProfile = {
  id: 'gemini-3.8-live',
  platform: 'gemini-api',
  status: 'stable',
  functionCalling: {
    modes: 'both',
    defaultBehavior: 'NON_BLOCKING',
    blockingCancelledOnNewInput: true,
    willContinue: true,
    scheduling: ALL_SCHEDULING,
    interruptWhileUserSpeaks: 'after-user-turn',
  },
  idleSignal: 'turnComplete',
  clientContent: { midSession: 'accepted', turnCompleteInterrupts: true },
  sessionLimits: SESSION_LIMITS,
  resumption: { resumableWhileCallsRun: false, transparent: false, handleValidMs: HANDLE_VALID_MS },
  midSessionConfigUpdates: false,
  sources: [S.live38, S.vertexMigrate38, S.session, S.sdkTypes],
  notes: [
    'Stable since 2026-09-15 and the recommended default.',
    'NON_BLOCKING is the default behaviour: declare BLOCKING explicitly for a call the model must wait for.',
    'Proactive audio is always on (proactive_audio: false is an error); affective dialog was removed; thinking_level is not supported.',
    'Turn coverage defaults to TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO: every frame sent counts toward context and cost.',
    'Audio responses only; enable output transcription for text.',
    'An empty or uninformative function response makes the model retry with other arguments: say what happened (status, retryable, a message).',
  ],
};

const live38Vertex: ModelProfile = {
  ...live38,
  platform: 'vertex-ai',
  functionCalling: { ...live38.functionCalling, willContinue: false },
  resumption: { ...live38.resumption, transparent: true },
  sources: [S.vertexMigrate38, S.vertexAsync, S.vertexGuide38, S.sdkTypes],
  notes: [
    'Function calls are non-blocking by default; a BLOCKING call is cancelled when new input arrives.',
    'willContinue is not supported on Vertex AI: a streaming tool cannot send several responses to one call.',
    'The Agent Platform guide lists affective dialog as on by default, where the Gemini API page says it was removed.',
  ],
};

const extendedThinking: ModelProfile = {
  id: 'gemini-3.8-live-extended-thinking',
  platform: 'gemini-api',
  status: 'stable',
  functionCalling: {
    modes: 'async',
    defaultBehavior: 'NON_BLOCKING',
    blockingCancelledOnNewInput: false,
    willContinue: true,
    scheduling: ALL_SCHEDULING,
    interruptWhileUserSpeaks: 'after-user-turn',
  },
  idleSignal: 'interactionStatus',
  clientContent: { midSession: 'accepted', turnCompleteInterrupts: true },
  sessionLimits: SESSION_LIMITS,
  resumption: { resumableWhileCallsRun: false, transparent: false, handleValidMs: HANDLE_VALID_MS },
  midSessionConfigUpdates: false,
  sources: [S.extendedThinking, S.thinking, S.sdkTypes],
  notes: [
    'Function calling is asynchronous only; the model reasons and calls tools in the background while it speaks fillers.',
    'turnComplete ends one spoken part; interactionStatus IDLE (sent alongside turnComplete) means the whole task is done.',
    'willContinue, scheduling and client content are not documented separately for this model; the row assumes gemini-3.8-live rules.',
  ],
};

const flash31: ModelProfile = {
  id: 'gemini-3.1-flash-live-preview',
  platform: 'gemini-api',
  status: 'legacy-preview',
  replacement: 'gemini-3.8-live',
  functionCalling: {
    modes: 'sync',
    defaultBehavior: 'BLOCKING',
    blockingCancelledOnNewInput: false,
    willContinue: false,
    scheduling: NO_SCHEDULING,
    interruptWhileUserSpeaks: 'immediate',
  },
  idleSignal: 'turnComplete',
  clientContent: { midSession: 'initial-history-only', turnCompleteInterrupts: true },
  sessionLimits: SESSION_LIMITS,
  resumption: { resumableWhileCallsRun: false, transparent: false, handleValidMs: HANDLE_VALID_MS },
  midSessionConfigUpdates: false,
  sources: [S.flash31, S.tools, S.clientContent1007, S.session],
  notes: [
    'Function calling is synchronous only: the model does not answer until the tool response arrives.',
    'Client content: the live guide of March 2026 allows it only to seed history (historyConfig.initialHistoryInClientContent) and users saw later messages closed with 1007; the model page now says it is accepted all session long. The row keeps the safe reading: send text as realtimeInput.',
    'Turn coverage defaults to TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO.',
  ],
};

const nativeAudio25: ModelProfile = {
  id: 'gemini-2.5-flash-native-audio',
  platform: 'gemini-api',
  status: 'preview',
  replacement: 'gemini-3.8-live',
  functionCalling: {
    modes: 'both',
    defaultBehavior: 'BLOCKING',
    blockingCancelledOnNewInput: false,
    willContinue: true,
    scheduling: ALL_SCHEDULING,
    interruptWhileUserSpeaks: 'immediate',
  },
  idleSignal: 'turnComplete',
  clientContent: { midSession: 'accepted', turnCompleteInterrupts: true },
  sessionLimits: SESSION_LIMITS,
  resumption: { resumableWhileCallsRun: false, transparent: false, handleValidMs: HANDLE_VALID_MS },
  midSessionConfigUpdates: false,
  sources: [S.tools, S.vertexMigrate38, S.session, S.sdkTypes],
  notes: ['Superseded by gemini-3.8-live.', 'INTERRUPT speaks the result at once, even over the user.'],
};

const nativeAudio25Vertex: ModelProfile = {
  ...nativeAudio25,
  id: 'gemini-live-2.5-flash-native-audio',
  platform: 'vertex-ai',
  status: 'stable',
  functionCalling: { ...nativeAudio25.functionCalling, willContinue: false },
  resumption: { ...nativeAudio25.resumption, transparent: true },
  sources: [S.vertex25, S.vertexGuide38, S.vertexMigrate38, S.sdkTypes],
  notes: [
    'Superseded by gemini-3.8-live.',
    'willContinue is not supported on Vertex AI.',
    'The Agent Platform guide lists asynchronous and synchronous calls; some integrations report NON_BLOCKING ignored on this endpoint. Override functionCalling.modes to "sync" if you see that.',
  ],
};

const shutDown = (id: string, note: string): ModelProfile => ({
  ...nativeAudio25,
  id,
  status: 'shut-down',
  replacement: 'gemini-3.8-live',
  sources: [S.deprecations, S.changelog],
  notes: [note],
});

/**
 * @internal
 * Every known family, per platform. Shut-down families stay so that their names get a clear answer.
 */
export const KNOWN_MODEL_ENTRIES: Readonly<Record<'gemini-api' | 'vertex-ai', readonly KnownModelEntry[]>> =
  deepFreeze({
    'gemini-api': [
      { names: ['gemini-3.8-live'], profile: live38 },
      { names: ['gemini-3.8-live-extended-thinking'], profile: extendedThinking },
      { names: ['gemini-3.1-flash-live'], profile: flash31 },
      { names: ['gemini-2.5-flash-native-audio'], profile: nativeAudio25 },
      {
        names: ['gemini-2.0-flash-live'],
        profile: shutDown('gemini-2.0-flash-live-001', 'Shut down on 2025-12-09.'),
      },
      {
        names: ['gemini-live-2.5-flash-preview'],
        profile: shutDown('gemini-live-2.5-flash-preview', 'Shut down on 2025-12-09.'),
      },
    ],
    'vertex-ai': [
      { names: ['gemini-3.8-live'], profile: live38Vertex },
      {
        names: [
          'gemini-live-2.5-flash-native-audio',
          'gemini-live-2.5-flash-preview-native-audio',
          'gemini-live-2.5-flash',
        ],
        profile: nativeAudio25Vertex,
      },
    ],
  });

/**
 * @internal
 * What an unknown name gets: the current default family of its platform (see
 * `resolveModelProfile` for why), reported with an `UNKNOWN_MODEL` notice.
 */
export const FALLBACK_PROFILES: Readonly<Record<'gemini-api' | 'vertex-ai', ModelProfile>> = deepFreeze({
  'gemini-api': live38,
  'vertex-ai': live38Vertex,
});
