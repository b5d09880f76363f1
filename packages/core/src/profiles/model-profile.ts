/**
 * The shape of a model profile: what one Live API model family supports, as the published docs
 * describe it. The table of known families is in `known-profiles.ts`; `resolveModelProfile` picks
 * one by model name.
 *
 * @packageDocumentation
 */

import type { Scheduling } from '../tool/scheduling.js';

/**
 * How a model family runs function calls.
 * - `sync`: the model waits for the function response before it goes on (`BLOCKING` only).
 * - `async`: the model keeps talking while calls run (`NON_BLOCKING` only).
 * - `both`: each declaration chooses with its `behavior`.
 *
 * @example
 * ```ts
 * const mode: FunctionCallingMode = resolveModelProfile('gemini-3.1-flash-live-preview').profile.functionCalling.modes;
 * // 'sync'
 * ```
 */
export type FunctionCallingMode = 'sync' | 'async' | 'both';

/**
 * A function declaration's `behavior` on the Live API wire.
 *
 * @example
 * ```ts
 * const behavior: FunctionBehavior = 'NON_BLOCKING';
 * ```
 */
export type FunctionBehavior = 'BLOCKING' | 'NON_BLOCKING';

/**
 * The server signal that says the model is idle (done with everything it was doing), which is
 * when a `WHEN_IDLE` result or a queued client-content message may go out.
 * - `turnComplete`: `serverContent.turnComplete` (every family before extended thinking).
 * - `interactionStatus`: `serverContent.interactionStatus === 'IDLE'`; on extended thinking a
 *   `turnComplete` only ends one spoken part while background reasoning goes on.
 *
 * @example
 * ```ts
 * const signal: IdleSignal = resolveModelProfile('gemini-3.8-live-extended-thinking').profile.idleSignal;
 * // 'interactionStatus'
 * ```
 */
export type IdleSignal = 'turnComplete' | 'interactionStatus';

/**
 * What a family does with `scheduling: INTERRUPT` while the user is speaking.
 * - `immediate`: the result is spoken at once, over the user.
 * - `after-user-turn`: the server waits until the user has finished speaking.
 *
 * @example
 * ```ts
 * const whileSpeaking: InterruptWhileUserSpeaks = 'after-user-turn'; // gemini-3.8-live
 * ```
 */
export type InterruptWhileUserSpeaks = 'immediate' | 'after-user-turn';

/**
 * Whether `clientContent` messages are accepted after the conversation has started.
 * - `accepted`: any time, with explicit `user` / `model` roles.
 * - `initial-history-only`: only to seed history before the first turn (with
 *   `historyConfig.initialHistoryInClientContent`); later ones are rejected (close code 1007),
 *   so text mid-session must go through `realtimeInput.text`.
 *
 * @example
 * ```ts
 * const rule: ClientContentRule = resolveModelProfile('gemini-3.8-live').profile.clientContent.midSession;
 * // 'accepted'
 * ```
 */
export type ClientContentRule = 'accepted' | 'initial-history-only';

/**
 * Which backend a profile describes: the Gemini Developer API or Vertex AI (Agent Platform).
 *
 * @example
 * ```ts
 * const platform: ModelPlatform = resolveModelProfile('gemini-3.8-live', { vertexai: true }).profile.platform;
 * // 'vertex-ai'
 * ```
 */
export type ModelPlatform = 'gemini-api' | 'vertex-ai';

/**
 * Release stage of a model family. A `shut-down` family is kept in the table so that a retired
 * name gets a clear answer (and its replacement) instead of an unknown-model fallback.
 *
 * @example
 * ```ts
 * const status: ModelStatus = resolveModelProfile('gemini-3.8-live').profile.status;
 * // 'stable'; a retired name resolves to 'shut-down' and connect() refuses it
 * ```
 */
export type ModelStatus = 'stable' | 'preview' | 'legacy-preview' | 'shut-down';

/**
 * How a family handles function calls.
 *
 * @example
 * ```ts
 * const { functionCalling } = resolveModelProfile('gemini-3.8-live').profile;
 * functionCalling.defaultBehavior; // 'NON_BLOCKING': declare one-shot tools BLOCKING explicitly
 * ```
 */
export interface FunctionCallingProfile {
  /** Which `behavior` values the family runs. */
  readonly modes: FunctionCallingMode;
  /** What a declaration without `behavior` becomes. Declarations should always state it. */
  readonly defaultBehavior: FunctionBehavior;
  /** True when the server cancels a running `BLOCKING` call as soon as new user input arrives. */
  readonly blockingCancelledOnNewInput: boolean;
  /** True when `FunctionResponse.willContinue` (several responses to one call) is accepted. */
  readonly willContinue: boolean;
  /** `FunctionResponse.scheduling` values the family honours (empty: scheduling is ignored). */
  readonly scheduling: readonly Scheduling[];
  /** What `INTERRUPT` does while the user speaks (meaningful when `scheduling` has `INTERRUPT`). */
  readonly interruptWhileUserSpeaks: InterruptWhileUserSpeaks;
  /**
   * True to send a tool's output contract as `FunctionDeclaration.responseJsonSchema`. No Live
   * model documents it, so no known profile sets it: opt in with a profile override.
   */
  readonly responseJsonSchema?: boolean;
}

/**
 * The rules for `clientContent` messages.
 *
 * @example
 * ```ts
 * const { clientContent } = resolveModelProfile('gemini-3.1-flash-live-preview').profile;
 * clientContent.midSession; // 'initial-history-only': send text as realtimeInput instead
 * ```
 */
export interface ClientContentProfile {
  /** Whether `clientContent` is accepted once the conversation runs. */
  readonly midSession: ClientContentRule;
  /** True when `turnComplete: true` on client content interrupts a generation in progress. */
  readonly turnCompleteInterrupts: boolean;
}

/**
 * Documented session and connection limits, in milliseconds.
 *
 * @example
 * ```ts
 * const { sessionLimits } = resolveModelProfile('gemini-3.8-live').profile;
 * sessionLimits.audioVideoWithoutCompressionMs; // 120_000: set contextWindowCompression for camera sessions
 * ```
 */
export interface SessionLimitsProfile {
  /** How long an audio-only session lasts without `contextWindowCompression`. */
  readonly audioOnlyWithoutCompressionMs: number;
  /** How long an audio+video session lasts without `contextWindowCompression`. */
  readonly audioVideoWithoutCompressionMs: number;
  /** About how long one connection lasts before `goAway` and a close (resumption spans them). */
  readonly connectionMs: number;
}

/**
 * What session resumption offers on this family.
 *
 * @example
 * ```ts
 * const { resumption } = resolveModelProfile('gemini-3.8-live').profile;
 * resumption.resumableWhileCallsRun; // false: no fresh handle while function calls run
 * ```
 */
export interface ResumptionProfile {
  /** True when resumption updates stay `resumable: true` while function calls run. */
  readonly resumableWhileCallsRun: boolean;
  /** True when `sessionResumption.transparent` (and `lastConsumedClientMessageIndex`) is available. */
  readonly transparent: boolean;
  /** How long a handle stays valid after the session ends. */
  readonly handleValidMs: number;
}

/**
 * What one Live API model family supports. Profiles are plain, frozen data; `resolveModelProfile`
 * returns the one that fits a model name, with a user's partial override merged over it.
 *
 * @example
 * ```ts
 * const { profile } = resolveModelProfile('models/gemini-3.8-live');
 * if (profile.functionCalling.modes === 'sync') {
 *   // every tool must be declared BLOCKING and stream its updates another way
 * }
 * ```
 */
export interface ModelProfile {
  /** The family's id, e.g. `gemini-3.8-live` (a Vertex variant has the same id, other `platform`). */
  readonly id: string;
  /** The backend this profile describes. */
  readonly platform: ModelPlatform;
  /** Release stage. */
  readonly status: ModelStatus;
  /** For a shut-down or superseded family: the model to move to. */
  readonly replacement?: string;
  /** Function-calling support. */
  readonly functionCalling: FunctionCallingProfile;
  /** The server signal that means the model is idle. */
  readonly idleSignal: IdleSignal;
  /** Rules for `clientContent`. */
  readonly clientContent: ClientContentProfile;
  /** Session limits without context-window compression. */
  readonly sessionLimits: SessionLimitsProfile;
  /** Session resumption support. */
  readonly resumption: ResumptionProfile;
  /** True when system instructions and tools can be updated mid-session. */
  readonly midSessionConfigUpdates: boolean;
  /** Where the facts come from (published pages), for the docs and for a reader checking them. */
  readonly sources: readonly string[];
  /** Facts worth knowing that no field carries (e.g. "proactive audio always on"). */
  readonly notes: readonly string[];
}
