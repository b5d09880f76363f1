/**
 * A user's partial override of a model profile: the type, the merge over a matched profile, and the
 * checks that keep the merged profile consistent. Overrides may come from plain JavaScript or a
 * config file, so every field is checked at run time and a bad one is a typed error naming it.
 *
 * @packageDocumentation
 */

import { LivetoolsError } from '../errors.js';
import type { Scheduling } from '../tool/scheduling.js';
import type {
  ClientContentProfile,
  FunctionCallingProfile,
  ModelProfile,
  ResumptionProfile,
  SessionLimitsProfile,
} from './model-profile.js';

/**
 * A partial model profile, merged over the matched one: top-level fields replace, and the nested
 * groups (`functionCalling`, `clientContent`, `sessionLimits`, `resumption`) merge field by field.
 *
 * @example
 * ```ts
 * const override: ModelProfileOverride = { functionCalling: { willContinue: false } };
 * resolveModelProfile('gemini-3.8-live', { override }).profile.functionCalling.willContinue; // false
 * ```
 */
export interface ModelProfileOverride {
  /** Replaces {@link ModelProfile.status}. */
  readonly status?: ModelProfile['status'];
  /** Replaces {@link ModelProfile.replacement}. */
  readonly replacement?: string;
  /** Merged field by field into {@link ModelProfile.functionCalling}. */
  readonly functionCalling?: Partial<FunctionCallingProfile>;
  /** Replaces {@link ModelProfile.idleSignal}. */
  readonly idleSignal?: ModelProfile['idleSignal'];
  /** Merged field by field into {@link ModelProfile.clientContent}. */
  readonly clientContent?: Partial<ClientContentProfile>;
  /** Merged field by field into {@link ModelProfile.sessionLimits}. */
  readonly sessionLimits?: Partial<SessionLimitsProfile>;
  /** Merged field by field into {@link ModelProfile.resumption}. */
  readonly resumption?: Partial<ResumptionProfile>;
  /** Replaces {@link ModelProfile.midSessionConfigUpdates}. */
  readonly midSessionConfigUpdates?: boolean;
  /** Replaces {@link ModelProfile.notes}. */
  readonly notes?: readonly string[];
}

const GROUPS = ['functionCalling', 'clientContent', 'sessionLimits', 'resumption'] as const;
const SCALARS = ['status', 'replacement', 'idleSignal', 'midSessionConfigUpdates', 'notes'] as const;

const CHOICES: Record<string, readonly unknown[]> = {
  status: ['stable', 'preview', 'legacy-preview', 'shut-down'],
  idleSignal: ['turnComplete', 'interactionStatus'],
  'functionCalling.modes': ['sync', 'async', 'both'],
  'functionCalling.defaultBehavior': ['BLOCKING', 'NON_BLOCKING'],
  'functionCalling.interruptWhileUserSpeaks': ['immediate', 'after-user-turn'],
  'clientContent.midSession': ['accepted', 'initial-history-only'],
};
const BOOLEANS = new Set([
  'midSessionConfigUpdates',
  'functionCalling.blockingCancelledOnNewInput',
  'functionCalling.willContinue',
  'functionCalling.responseJsonSchema',
  'clientContent.turnCompleteInterrupts',
  'resumption.resumableWhileCallsRun',
  'resumption.transparent',
]);
const DURATIONS = new Set([
  'sessionLimits.audioOnlyWithoutCompressionMs',
  'sessionLimits.audioVideoWithoutCompressionMs',
  'sessionLimits.connectionMs',
  'resumption.handleValidMs',
]);
const SCHEDULING: readonly Scheduling[] = ['SILENT', 'WHEN_IDLE', 'INTERRUPT'];
const KNOWN_GROUP_FIELDS: Record<(typeof GROUPS)[number], readonly string[]> = {
  functionCalling: [
    'modes',
    'defaultBehavior',
    'blockingCancelledOnNewInput',
    'willContinue',
    'scheduling',
    'interruptWhileUserSpeaks',
    'responseJsonSchema',
  ],
  clientContent: ['midSession', 'turnCompleteInterrupts'],
  sessionLimits: ['audioOnlyWithoutCompressionMs', 'audioVideoWithoutCompressionMs', 'connectionMs'],
  resumption: ['resumableWhileCallsRun', 'transparent', 'handleValidMs'],
};

const invalid = (message: string): LivetoolsError => new LivetoolsError('INVALID_OPTION', message);

const describe = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return `${value}`;
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
};

function checkField(path: string, value: unknown): void {
  const choices = CHOICES[path];
  if (choices && !choices.includes(value)) {
    throw invalid(
      `Model profile override: ${path} is ${describe(value)}; use one of ${choices.map((c) => `"${c}"`).join(', ')}.`,
    );
  }
  if (BOOLEANS.has(path) && typeof value !== 'boolean') {
    throw invalid(`Model profile override: ${path} is ${describe(value)}; use true or false.`);
  }
  if (DURATIONS.has(path) && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw invalid(
      `Model profile override: ${path} is ${describe(value)}; use a positive number of milliseconds.`,
    );
  }
  if (path === 'replacement' && (typeof value !== 'string' || value.trim() === '')) {
    throw invalid(`Model profile override: replacement is ${describe(value)}; use a model name.`);
  }
  if (path === 'notes' && !(Array.isArray(value) && value.every((note) => typeof note === 'string'))) {
    throw invalid(`Model profile override: notes is ${describe(value)}; use an array of strings.`);
  }
  if (path === 'functionCalling.scheduling') {
    const ok =
      Array.isArray(value) &&
      value.every((item) => (SCHEDULING as readonly unknown[]).includes(item)) &&
      new Set(value).size === value.length;
    if (!ok) {
      throw invalid(
        `Model profile override: functionCalling.scheduling is ${describe(value)}; use an array of distinct "SILENT", "WHEN_IDLE", "INTERRUPT" (empty when the model ignores scheduling).`,
      );
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Copies the own enumerable fields of a user object. Getters and proxy traps run once here; one
 * that throws becomes an `INVALID_OPTION` error rather than escaping as whatever it threw.
 */
function readFields(path: string, value: unknown): Record<string, unknown> {
  let plain: boolean;
  const copy: Record<string, unknown> = {};
  try {
    plain = isPlainObject(value);
    if (plain)
      for (const key of Object.keys(value as object)) copy[key] = (value as Record<string, unknown>)[key];
  } catch (cause) {
    throw new LivetoolsError(
      'INVALID_OPTION',
      `Model profile override: reading ${path} failed; pass plain data.`,
      {
        cause,
      },
    );
  }
  if (!plain) throw invalid(`Model profile override: ${path} is ${describe(value)}; use a plain object.`);
  return copy;
}

/**
 * @internal
 * Merges `override` over `base`, checking every overridden field, then the consistency of the
 * result. Throws `LivetoolsError` `INVALID_OPTION` naming the field and what to use instead.
 */
export function mergeProfileOverride(base: ModelProfile, override: unknown): ModelProfile {
  try {
    return mergeChecked(base, override);
  } catch (error) {
    if (LivetoolsError.isInstance(error)) throw error;
    throw new LivetoolsError(
      'INVALID_OPTION',
      'Model profile override: reading it failed; pass plain data.',
      {
        cause: error,
      },
    );
  }
}

/** Arrays are copied so that freezing the profile never freezes the caller's own array. */
const own = (value: unknown): unknown => (Array.isArray(value) ? [...value] : value);

function mergeChecked(base: ModelProfile, override: unknown): ModelProfile {
  const fields = readFields('override', override);
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((GROUPS as readonly string[]).includes(key)) {
      const group = key as (typeof GROUPS)[number];
      const inner = readFields(group, value);
      for (const [field, fieldValue] of Object.entries(inner)) {
        if (!KNOWN_GROUP_FIELDS[group].includes(field)) {
          throw invalid(
            `Model profile override: ${group}.${field} is not a profile field; known fields: ${KNOWN_GROUP_FIELDS[group].join(', ')}.`,
          );
        }
        if (fieldValue !== undefined) checkField(`${group}.${field}`, fieldValue);
      }
      const defined = Object.fromEntries(
        Object.entries(inner)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, own(v)]),
      );
      merged[group] = { ...(base[group] as object), ...defined };
    } else if ((SCALARS as readonly string[]).includes(key)) {
      checkField(key, value);
      merged[key] = own(value);
    } else {
      const hint =
        key === 'id' || key === 'platform' || key === 'sources'
          ? ' (it names the matched family; choose another family with the `family` option)'
          : `; known fields: ${[...SCALARS, ...GROUPS].join(', ')}`;
      throw invalid(`Model profile override: "${key}" cannot be overridden${hint}.`);
    }
  }
  const profile = merged as unknown as ModelProfile;
  assertConsistentProfile(profile);
  return profile;
}

/**
 * @internal
 * Checks the rules every profile keeps, so an override cannot describe a model that cannot exist.
 */
export function assertConsistentProfile(profile: ModelProfile): void {
  const { modes, defaultBehavior, willContinue, scheduling, blockingCancelledOnNewInput } =
    profile.functionCalling;
  if (modes === 'sync' && defaultBehavior !== 'BLOCKING') {
    throw invalid(
      `Model profile "${profile.id}": a sync-only model cannot default to NON_BLOCKING; set functionCalling.defaultBehavior to "BLOCKING" or functionCalling.modes to "both".`,
    );
  }
  if (modes === 'async' && defaultBehavior !== 'NON_BLOCKING') {
    throw invalid(
      `Model profile "${profile.id}": an async-only model cannot default to BLOCKING; set functionCalling.defaultBehavior to "NON_BLOCKING" or functionCalling.modes to "both".`,
    );
  }
  if (modes === 'sync' && (willContinue || scheduling.length > 0)) {
    throw invalid(
      `Model profile "${profile.id}": willContinue and scheduling apply to NON_BLOCKING calls only, which a sync-only model does not run; set functionCalling.willContinue to false and functionCalling.scheduling to [], or functionCalling.modes to "both".`,
    );
  }
  if (modes === 'async' && blockingCancelledOnNewInput) {
    throw invalid(
      `Model profile "${profile.id}": an async-only model runs no BLOCKING calls to cancel; set functionCalling.blockingCancelledOnNewInput to false.`,
    );
  }
}
