import { LivetoolsError } from '../errors.js';
import type { ModelProfile } from '../profiles/model-profile.js';
import type { DeliveryMode } from './delivery.js';

const MODES: readonly DeliveryMode[] = ['function-response', 'client-content'];

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

/** Why each delivery cannot carry a streaming tool's results on a profile, or `undefined`. */
const PROBLEMS: Readonly<Record<DeliveryMode, (profile: ModelProfile) => string | undefined>> = {
  'function-response': functionResponseProblem,
  'client-content': clientContentProblem,
};

const OVERRIDE_HINT =
  "If your endpoint accepts clientContent all session long (the current model page says so for gemini-3.1-flash-live-preview), pass modelProfile: { clientContent: { midSession: 'accepted' } } to createLiveAgent";

/**
 * @internal
 * The delivery a session uses: the user's choice when it can work on the profile, else (no choice)
 * the profile's own. With streaming tools, `function-response` needs asynchronous calls with
 * `willContinue`, and `client-content` needs `clientContent` accepted mid-session; with one-shot
 * tools only, either works (one response per call). By default: `function-response` where the
 * profile has asynchronous calls with `willContinue`, else `client-content` where `clientContent`
 * is accepted mid-session, else `function-response` when no tool streams.
 *
 * @throws {@link LivetoolsError} `UNSUPPORTED_DELIVERY` for an unknown mode, a choice that cannot
 *   work on the profile, or streaming tools on a profile that no delivery serves; the message says
 *   what to do.
 */
export function chooseDelivery(
  profile: ModelProfile,
  requested: DeliveryMode | undefined,
  hasStreamingTools: boolean,
): DeliveryMode {
  if (requested !== undefined && !MODES.includes(requested)) {
    throw unsupported(
      `Unknown delivery ${typeof requested === 'string' ? JSON.stringify(requested.slice(0, 60)) : `(a ${typeof requested})`}; use 'function-response' or 'client-content', or leave it out to let the model profile choose.`,
    );
  }
  if (requested !== undefined) {
    const problem = hasStreamingTools ? PROBLEMS[requested](profile) : undefined;
    if (problem === undefined) return requested;
    const other: DeliveryMode = requested === 'function-response' ? 'client-content' : 'function-response';
    throw unsupported(
      PROBLEMS[other](profile) === undefined
        ? `${problem}. Pass delivery: '${other}' to createLiveAgent (or leave delivery out to let the model profile choose).`
        : `${problem}. ${noDeliveryHint(profile)}`,
    );
  }
  if (asyncWithWillContinue(profile)) return 'function-response';
  if (clientContentAccepted(profile)) return 'client-content';
  if (!hasStreamingTools) return 'function-response';
  throw unsupported(
    `No delivery can bring a streaming tool's later results to "${profile.id}": ${functionResponseProblem(profile)}, and ${clientContentProblem(profile)}. ${noDeliveryHint(profile)}`,
  );
}

function noDeliveryHint(profile: ModelProfile): string {
  const move = `Use ${profile.replacement === undefined ? 'a model with asynchronous function calls' : `"${profile.replacement}"`} for streaming tools, or pass one-shot tools only.`;
  return `${move} ${OVERRIDE_HINT}.`;
}
