/**
 * What Gemini's finish reasons (`candidates[0].finishReason`) and block reasons
 * (`promptFeedback.blockReason`) mean, in words for a {@link VisionAnalysisError}'s message.
 *
 * @packageDocumentation
 */

import { VisionAnalysisError, type VisionAnalysisErrorCode } from './gemini-analyzer-errors.js';

/** One reason: the code it fails with, what happened and what to do. */
interface Reason {
  readonly code: VisionAnalysisErrorCode;
  /** What happened, after the reason's name. */
  readonly says: string;
  /** What to do, a sentence. */
  readonly todo: string;
}

const retryOrReword = 'Nothing to do unless it keeps happening; then ask about something else.';
const removeTools = 'Remove tools (and toolConfig) from the config option: the analyzer needs a text answer.';
const raiseTokens = 'Raise maxOutputTokens in the config option, or lower thinkingLevel.';
const tryAnother = 'If it keeps happening, try another model.';

const filtered = (says: string, todo = retryOrReword): Reason => ({ code: 'BLOCKED', says, todo });
const empty = (says: string, todo: string): Reason => ({ code: 'EMPTY_RESPONSE', says, todo });

const modelArmor = filtered(
  'Model Armor (Vertex AI) blocked it',
  'Check the Model Armor template of the Google Cloud project, or ask about something else.',
);
const jailbreak = filtered(
  'the request was taken for a jailbreak attempt',
  'Reword the question option so that it only asks about the picture.',
);

/** Finish reasons, from the SDK's `FinishReason` (3.x). */
const finishReasons: Readonly<Record<string, Reason>> = {
  STOP: empty('the model stopped without answering', tryAnother),
  MAX_TOKENS: empty('the output token limit was reached first', raiseTokens),
  CONTINUATION: empty('the per-request token limit was reached before the answer was complete', raiseTokens),
  SAFETY: filtered('the answer was stopped by the safety filters'),
  IMAGE_SAFETY: filtered('the safety filters flagged the image'),
  RECITATION: filtered('the answer looked like a recitation of a source'),
  IMAGE_RECITATION: filtered('the image looked like a recitation of a source'),
  LANGUAGE: filtered('the answer was in a language Gemini does not support'),
  BLOCKLIST: filtered('the answer contained a term from a blocklist'),
  PROHIBITED_CONTENT: filtered('the answer may contain prohibited content'),
  IMAGE_PROHIBITED_CONTENT: filtered('the image may contain prohibited content'),
  SPII: filtered('the answer may contain sensitive personal information'),
  IMAGE_OTHER: filtered('the image was refused for a reason Gemini does not name'),
  OTHER: filtered('Gemini stopped and does not say why'),
  ESCALATION: filtered('an escalation rule filtered the request'),
  PUP_LIMITED_DISABLED: filtered(
    'the account is limited or disabled for violating the Prohibited Use Policy',
    'Check the account and its project in Google AI Studio.',
  ),
  MODEL_ARMOR: modelArmor,
  JAILBREAK: jailbreak,
  NO_IMAGE: empty(
    'the model was set to answer with an image and made none',
    'Remove image output (responseModalities) from the config option: the analyzer needs a text answer.',
  ),
  MALFORMED_FUNCTION_CALL: empty('the model made a function call that could not be parsed', removeTools),
  UNEXPECTED_TOOL_CALL: empty('the model called a tool that is not declared or not enabled', removeTools),
  TOO_MANY_TOOL_CALLS: empty('the model made too many tool calls', removeTools),
  MISSING_THOUGHT_SIGNATURE: empty(
    'Gemini wanted a thought signature the request did not carry',
    'The analyzer sends one turn: remove earlier turns or tools from the config option.',
  ),
  MALFORMED_RESPONSE: {
    code: 'BAD_RESPONSE',
    says: 'the model produced a malformed response',
    todo: 'Nothing to do: the watch asks again about the next frame. If it keeps happening, try another model.',
  },
};

/** Block reasons, from the SDK's `BlockedReason` (3.x). */
const blockReasons: Readonly<Record<string, Reason>> = {
  SAFETY: filtered('the safety filters flagged the frame or the question'),
  IMAGE_SAFETY: filtered('the safety filters flagged the frame'),
  OTHER: filtered(
    'Gemini does not say why (it may be the language of the question, or other harmful content)',
  ),
  BLOCKLIST: filtered('the question contains a term from a blocklist'),
  PROHIBITED_CONTENT: filtered('the frame or the question may contain prohibited content'),
  MODEL_ARMOR: modelArmor,
  JAILBREAK: jailbreak,
};

/**
 * A reason's name when it looks like one (`SAFETY`, `IMAGE_OTHER`...), else `undefined`: a
 * reason comes from the server and goes into a message the model reads, so it must be a name.
 */
function nameOf(reason: unknown): string | undefined {
  return typeof reason === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(reason) ? reason : undefined;
}

/** Whether a finish reason means the output was filtered (so partial text is not an answer). */
export function isFilteredFinish(reason: unknown): boolean {
  const name = nameOf(reason);
  return name !== undefined && finishReasons[name]?.code === 'BLOCKED';
}

/** Whether a finish reason means the output was cut off by a token limit. */
export function isCutOffFinish(reason: unknown): boolean {
  return reason === 'MAX_TOKENS' || reason === 'CONTINUATION';
}

/**
 * The error for an answer with no text, by its finish reason: `BLOCKED` for filters,
 * `EMPTY_RESPONSE` or `BAD_RESPONSE` otherwise; an unknown reason is named as the API gave it.
 */
export function finishError(reason: unknown, model: string): VisionAnalysisError {
  if (reason === undefined || reason === null || reason === '') {
    return new VisionAnalysisError('EMPTY_RESPONSE', `${model} returned no answer. ${tryAnother}`);
  }
  const name = nameOf(reason);
  const known = name === undefined ? undefined : finishReasons[name];
  const label =
    typeof reason !== 'string'
      ? undefined
      : name === undefined
        ? 'an unrecognised finish reason'
        : `finishReason ${name}${known ? `: ${known.says}` : ''}`;
  if (label === undefined) {
    return new VisionAnalysisError('EMPTY_RESPONSE', `${model} returned no answer. ${tryAnother}`);
  }
  const code = known?.code ?? 'EMPTY_RESPONSE';
  const todo = known?.todo ?? tryAnother;
  const what =
    code === 'BLOCKED'
      ? "Gemini's answer was blocked"
      : code === 'BAD_RESPONSE'
        ? `${model}'s answer could not be used`
        : `${model} returned no answer`;
  return new VisionAnalysisError(code, `${what} (${label}). ${todo}`);
}

/** The error for a prompt (the frame and the question) that Gemini refused to look at. */
export function blockError(reason: unknown, explanation: unknown): VisionAnalysisError {
  const name = nameOf(reason);
  const known = name === undefined ? undefined : blockReasons[name];
  const label =
    name === undefined
      ? 'an unrecognised block reason'
      : `blockReason ${name}${known ? `: ${known.says}` : ''}`;
  const said =
    typeof explanation === 'string' && explanation.trim() !== ''
      ? `; Gemini says: ${explanation.trim().slice(0, 300)}`
      : '';
  return new VisionAnalysisError(
    'BLOCKED',
    `Gemini refused to look at the frame (${label}${said}). ${known?.todo ?? retryOrReword}`,
  );
}
