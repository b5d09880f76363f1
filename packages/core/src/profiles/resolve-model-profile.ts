/**
 * Picks the model profile for a model name: by name from the table of known families, or by an
 * explicit family, or, for a name the table does not know, the current default family with a notice
 * saying so. A user's partial override is merged over the result.
 *
 * @packageDocumentation
 */

import { LivetoolsError } from '../errors.js';
import {
  deepFreeze,
  FALLBACK_PROFILES,
  KNOWN_MODEL_ENTRIES,
  type KnownModelEntry,
} from './known-profiles.js';
import { familyMatchLength, normalizeModelName } from './model-name.js';
import type { ModelPlatform, ModelProfile } from './model-profile.js';
import { type ModelProfileOverride, mergeProfileOverride } from './profile-override.js';

/**
 * Why a resolution deserves the user's attention (each comes with a message that says what to do).
 * - `UNKNOWN_MODEL`: the name is not in the table; the fallback profile was used.
 * - `SHUT_DOWN_MODEL`: the family was shut down; the server will refuse the session.
 * - `SUPERSEDED_MODEL`: a preview or legacy family that a newer one replaces.
 * - `PLATFORM_MISMATCH`: the family is documented for the other platform only; its profile was
 *   adapted (Vertex AI has no `willContinue`; only Vertex AI has transparent resumption).
 * - `OVERRIDDEN`: fields of the profile come from the user's override, not the docs.
 *
 * @example
 * ```ts
 * const { notices } = resolveModelProfile('my-tuned-live-model');
 * notices[0]?.code; // 'UNKNOWN_MODEL'
 * ```
 */
export type ModelProfileNoticeCode =
  | 'UNKNOWN_MODEL'
  | 'SHUT_DOWN_MODEL'
  | 'SUPERSEDED_MODEL'
  | 'PLATFORM_MISMATCH'
  | 'OVERRIDDEN';

/**
 * One notice about a resolution: a stable code and a message for logs or a console.
 *
 * @example
 * ```ts
 * for (const notice of resolveModelProfile('gemini-live-test').notices) console.warn(notice.message);
 * ```
 */
export interface ModelProfileNotice {
  /** What the notice is about. */
  readonly code: ModelProfileNoticeCode;
  /** One sentence for a log or a console, naming the model and what to do. */
  readonly message: string;
}

/**
 * Options of {@link resolveModelProfile}.
 *
 * @example
 * ```ts
 * const options: ResolveModelProfileOptions = { vertexai: true, override: { sessionLimits: { connectionMs: 300_000 } } };
 * ```
 */
export interface ResolveModelProfileOptions {
  /** True for a Vertex AI (Agent Platform) client, as `GoogleGenAI.vertexai` says. Default false. */
  readonly vertexai?: boolean;
  /**
   * Treat the model as this known family (a profile id such as `gemini-3.1-flash-live-preview`)
   * whatever its name says: for tuned or proxied endpoints and test servers.
   */
  readonly family?: string;
  /** Fields to change in the matched profile; see {@link ModelProfileOverride}. */
  readonly override?: ModelProfileOverride;
}

/**
 * The outcome of {@link resolveModelProfile}.
 *
 * @example
 * ```ts
 * const resolution = resolveModelProfile('models/gemini-3.8-live');
 * resolution.matchedBy; // 'name'
 * resolution.profile.id; // 'gemini-3.8-live'
 * ```
 */
export interface ModelProfileResolution {
  /** The model name as given. */
  readonly model: string;
  /** The bare, lower-case name that was looked up (see {@link normalizeModelName}). */
  readonly normalizedModel: string;
  /** The profile, override merged in; frozen. */
  readonly profile: ModelProfile;
  /** How the profile was found: by the model's name, by the `family` option, or as the fallback. */
  readonly matchedBy: 'name' | 'family' | 'fallback';
  /** What the caller should tell the user (empty for a known, current model without override). */
  readonly notices: readonly ModelProfileNotice[];
}

const otherPlatform = (platform: ModelPlatform): ModelPlatform =>
  platform === 'vertex-ai' ? 'gemini-api' : 'vertex-ai';

function longestMatch(name: string, entries: readonly KnownModelEntry[]): ModelProfile | undefined {
  let best: ModelProfile | undefined;
  let bestLength = 0;
  for (const entry of entries) {
    for (const familyName of entry.names) {
      const length = familyMatchLength(name, familyName);
      if (length > bestLength) {
        best = entry.profile;
        bestLength = length;
      }
    }
  }
  return best;
}

/** A family documented for one platform, used on the other: keep what differs by platform right. */
function adaptToPlatform(profile: ModelProfile, platform: ModelPlatform): ModelProfile {
  return {
    ...profile,
    platform,
    functionCalling:
      platform === 'vertex-ai'
        ? { ...profile.functionCalling, willContinue: false }
        : profile.functionCalling,
    resumption: { ...profile.resumption, transparent: platform === 'vertex-ai' },
  };
}

function platformLabel(platform: ModelPlatform): string {
  return platform === 'vertex-ai' ? 'Vertex AI' : 'the Gemini API';
}

function findFamily(
  id: string,
  platform: ModelPlatform,
): { profile: ModelProfile; adapted: boolean } | undefined {
  const wanted = id.trim().toLowerCase();
  const own = KNOWN_MODEL_ENTRIES[platform].find((entry) => entry.profile.id === wanted);
  if (own) return { profile: own.profile, adapted: false };
  const other = KNOWN_MODEL_ENTRIES[otherPlatform(platform)].find((entry) => entry.profile.id === wanted);
  return other ? { profile: adaptToPlatform(other.profile, platform), adapted: true } : undefined;
}

function knownFamilyIds(): string {
  const ids = new Set<string>();
  for (const entries of Object.values(KNOWN_MODEL_ENTRIES))
    for (const entry of entries) ids.add(entry.profile.id);
  return [...ids].map((id) => `"${id}"`).join(', ');
}

/**
 * Finds what a Live API model supports: its {@link ModelProfile}, from the table of known families.
 *
 * Matching: the name is normalised ({@link normalizeModelName}: `models/` and other resource paths,
 * `@version` tags, case and spaces do not matter), then compared with each family's names; a name may
 * add version-like suffixes (`-preview`, `-latest`, `-001`, `-12-2025`, …) and the most specific
 * family wins. Families documented for the other platform only are adapted and reported with
 * `PLATFORM_MISMATCH`.
 *
 * Fallback: a name no family matches gets the current default family of its platform
 * (`gemini-3.8-live`, or its Vertex AI variant) and an `UNKNOWN_MODEL` notice. An unknown name is most
 * likely a newer model or an alias, and the default family is what the docs recommend today; if the
 * model is really sync-only or otherwise different, say so with `family` or `override`.
 *
 * @param model - The model name as passed to the Live API.
 * @param options - Platform, an explicit family, and a partial override.
 * @returns The profile (frozen), how it was found, and notices for the user.
 * @throws {@link LivetoolsError} `INVALID_OPTION` when `model` is not a non-empty string, `family` is
 *   not a known profile id, or the override has an unknown field, a bad value, or contradicts itself.
 *
 * @example
 * ```ts
 * const { profile, notices } = resolveModelProfile('models/gemini-3.1-flash-live-preview');
 * profile.functionCalling.modes; // 'sync'
 * notices.map((n) => n.code); // ['SUPERSEDED_MODEL']
 *
 * const test = resolveModelProfile('gemini-live-test', { family: 'gemini-3.8-live-extended-thinking' });
 * test.profile.idleSignal; // 'interactionStatus'
 * ```
 */
export function resolveModelProfile(
  model: string,
  options: ResolveModelProfileOptions = {},
): ModelProfileResolution {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new LivetoolsError(
      'INVALID_OPTION',
      `resolveModelProfile needs a model name such as "gemini-3.8-live"; got ${typeof model === 'string' ? 'an empty string' : typeof model}.`,
    );
  }
  const platform: ModelPlatform = options.vertexai === true ? 'vertex-ai' : 'gemini-api';
  const normalizedModel = normalizeModelName(model);
  const notices: ModelProfileNotice[] = [];
  let profile: ModelProfile;
  let matchedBy: ModelProfileResolution['matchedBy'];

  if (options.family !== undefined) {
    const found = typeof options.family === 'string' ? findFamily(options.family, platform) : undefined;
    if (!found) {
      throw new LivetoolsError(
        'INVALID_OPTION',
        `resolveModelProfile: family ${JSON.stringify(options.family)} is not a known model profile; use one of ${knownFamilyIds()}, or leave it out and pass an override.`,
      );
    }
    profile = found.profile;
    matchedBy = 'family';
    if (found.adapted) {
      notices.push({
        code: 'PLATFORM_MISMATCH',
        message: `Family "${profile.id}" is not documented for ${platformLabel(platform)}; its profile was adapted (willContinue ${profile.functionCalling.willContinue ? 'kept' : 'off'}, transparent resumption ${profile.resumption.transparent ? 'on' : 'off'}).`,
      });
    }
  } else {
    const own = longestMatch(normalizedModel, KNOWN_MODEL_ENTRIES[platform]);
    const other = own
      ? undefined
      : longestMatch(normalizedModel, KNOWN_MODEL_ENTRIES[otherPlatform(platform)]);
    if (own) {
      profile = own;
      matchedBy = 'name';
    } else if (other) {
      profile = adaptToPlatform(other, platform);
      matchedBy = 'name';
      notices.push({
        code: 'PLATFORM_MISMATCH',
        message: `Model "${model}" is documented for ${platformLabel(otherPlatform(platform))}, not ${platformLabel(platform)}; using the "${other.id}" profile adapted to ${platformLabel(platform)}. Check the model name for this client.`,
      });
    } else {
      profile = FALLBACK_PROFILES[platform];
      matchedBy = 'fallback';
      notices.push({
        code: 'UNKNOWN_MODEL',
        message: `Model "${model}" is not in livetools' profile table; assuming it behaves like "${profile.id}" on ${platformLabel(platform)} (non-blocking by default, turnComplete as the idle signal). If it does not, pass \`family\` or \`override\`.`,
      });
    }
  }

  if (profile.status === 'shut-down') {
    notices.push({
      code: 'SHUT_DOWN_MODEL',
      message: `Model "${model}" (${profile.id}) was shut down and the Live API will refuse it; use "${profile.replacement ?? 'gemini-3.8-live'}".`,
    });
  } else if ((profile.status === 'preview' || profile.status === 'legacy-preview') && profile.replacement) {
    notices.push({
      code: 'SUPERSEDED_MODEL',
      message: `Model "${model}" (${profile.id}) is a ${profile.status === 'legacy-preview' ? 'legacy preview' : 'preview'} superseded by "${profile.replacement}".`,
    });
  }

  if (options.override !== undefined) {
    profile = mergeProfileOverride(profile, options.override);
    notices.push({
      code: 'OVERRIDDEN',
      message: `The "${profile.id}" profile has fields set by an override, not by the published docs.`,
    });
  }

  return { model, normalizedModel, profile: deepFreeze(profile), matchedBy, notices };
}
