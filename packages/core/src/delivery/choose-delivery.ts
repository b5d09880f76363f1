import { LivetoolsError } from '../errors.js';
import type { ModelProfile } from '../profiles/model-profile.js';
import type { DeliveryMode } from './delivery.js';

const MODES: readonly DeliveryMode[] = ['function-response', 'client-content', 'realtime-text'];

const asyncWithWillContinue = (profile: ModelProfile): boolean =>
  profile.functionCalling.modes !== 'sync' && profile.functionCalling.willContinue;

const clientContentAccepted = (profile: ModelProfile): boolean =>
  profile.clientContent.midSession === 'accepted';

const unsupported = (message: string): LivetoolsError => new LivetoolsError('UNSUPPORTED_DELIVERY', message);

/** Why `function-response` cannot carry a streaming tool's results on this profile, or `undefined`. */
function functionResponseProblem(profile: ModelProfile): string | undefined {
  if (profile.functionCalling.modes === 'sync') {
    return `"${profile.id}" calls functions synchronously only (no NON_BLOCKING calls), so a streaming tool cannot send several function responses to one call`;
  }
  if (!profile.functionCalling.willContinue) {
    const where =
      profile.platform === 'vertex-ai' ? 'Vertex AI does not support' : `"${profile.id}" does not support`;
    return `${where} willContinue, so a streaming tool cannot send several function responses to one call`;
  }
  return undefined;
}

function clientContentProblem(profile: ModelProfile): string | undefined {
  return clientContentAccepted(profile)
    ? undefined
    : `"${profile.id}" accepts clientContent only to seed the initial history, so a streaming tool's later results cannot go as text turns`;
}

/**
 * Why each delivery cannot carry a streaming tool's results on a profile, or `undefined`.
 * `realtime-text` always can: every Live model takes `realtimeInput.text`.
 */
const PROBLEMS: Readonly<Record<DeliveryMode, (profile: ModelProfile) => string | undefined>> = {
  'function-response': functionResponseProblem,
  'client-content': clientContentProblem,
  'realtime-text': () => undefined,
};

/** What else may help, after the delivery the profile would choose. */
function extraHint(requested: DeliveryMode, profile: ModelProfile): string {
  if (requested === 'client-content') {
    return " If your endpoint accepts clientContent all session long (the current model page says so for gemini-3.1-flash-live-preview), pass modelProfile: { clientContent: { midSession: 'accepted' } } to createLiveAgent.";
  }
  if (requested === 'function-response' && profile.functionCalling.modes === 'sync') {
    const move =
      profile.replacement === undefined
        ? 'a model with asynchronous function calls'
        : `"${profile.replacement}"`;
    return ` For results as function responses with willContinue, use ${move}.`;
  }
  return '';
}

/** The delivery the profile chooses when the user does not. */
function profileChoice(profile: ModelProfile, hasStreamingTools: boolean): DeliveryMode {
  if (asyncWithWillContinue(profile)) return 'function-response';
  if (clientContentAccepted(profile)) return 'client-content';
  return hasStreamingTools ? 'realtime-text' : 'function-response';
}

/**
 * @internal
 * The delivery a session uses: the user's choice when it can work on the profile, else (no choice)
 * the profile's own. With streaming tools, `function-response` needs asynchronous calls with
 * `willContinue`, and `client-content` needs `clientContent` accepted mid-session; `realtime-text`
 * works on every profile; with one-shot tools only, every delivery works (one response per call).
 * By default: `function-response` where the profile has asynchronous calls with `willContinue`,
 * else `client-content` where `clientContent` is accepted mid-session, else `realtime-text` with
 * streaming tools (a sync-only model such as `gemini-3.1-flash-live-preview`) and
 * `function-response` without.
 *
 * @throws {@link LivetoolsError} `UNSUPPORTED_DELIVERY` for an unknown mode, or a choice that cannot
 *   work on the profile; the message names the delivery to pass instead.
 */
export function chooseDelivery(
  profile: ModelProfile,
  requested: DeliveryMode | undefined,
  hasStreamingTools: boolean,
): DeliveryMode {
  if (requested === undefined) return profileChoice(profile, hasStreamingTools);
  if (!MODES.includes(requested)) {
    throw unsupported(
      `Unknown delivery ${typeof requested === 'string' ? JSON.stringify((requested as string).slice(0, 60)) : `(a ${typeof requested})`}; use 'function-response', 'client-content' or 'realtime-text', or leave it out to let the model profile choose.`,
    );
  }
  const problem = hasStreamingTools ? PROBLEMS[requested](profile) : undefined;
  if (problem === undefined) return requested;
  const instead = profileChoice(profile, true);
  throw unsupported(
    `${problem}. Pass delivery: '${instead}' to createLiveAgent (or leave delivery out to let the model profile choose).${extraHint(requested, profile)}`,
  );
}
