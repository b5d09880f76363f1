/**
 * The Gemini vision analyzer's question and answer: the prompt, the JSON Schema of the answer, and
 * how the answer is read from a response.
 *
 * @packageDocumentation
 */

import type { AnalysisRequest } from './frame-analyzer.js';
import type { GeminiVisionResponse } from './gemini-analyzer-client.js';
import { VisionAnalysisError } from './gemini-analyzer-errors.js';
import { blockError, finishError, isCutOffFinish, isFilteredFinish } from './gemini-analyzer-reasons.js';

/**
 * The default comparison key of answers: trimmed, lower case, runs of white space collapsed to one
 * space, trailing punctuation removed. `"Two people."` and `" two  people"` are the same answer.
 *
 * @param answer - An answer as the model gave it.
 * @returns The answer's comparison key.
 *
 * @example
 * ```ts
 * normalizeAnswer('  Two   People. '); // 'two people'
 * ```
 */
export function normalizeAnswer(answer: string): string {
  return answer
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.,;:!?…]+$/u, '');
}

/** The JSON Schema of the answer the model is asked for. */
export const answerSchema = {
  type: 'object',
  properties: {
    answer: {
      type: 'string',
      description:
        'The shortest answer to the question: a number, yes or no, or a few words. Use exactly the same ' +
        'words whenever the answer is the same.',
    },
    description: {
      type: 'string',
      description: 'One sentence saying what in the picture supports the answer.',
    },
  },
  required: ['answer', 'description'],
} as const;

/** The question asked when the app gives none: built from the call's `watchFor`. */
export function defaultQuestion(request: AnalysisRequest): string {
  const watchFor = request.watchFor?.trim();
  return watchFor
    ? `The user asked to watch for: "${watchFor}". What does this picture show about it?`
    : 'What are the main subjects in the picture and what are they doing?';
}

/** The text part sent with the frame. */
export function prompt(question: string): string {
  return (
    `Question about this camera frame: ${question}\n` +
    'Reply with JSON: "answer" is the shortest answer (a number, yes or no, or a few words) and stays ' +
    'word for word the same while the situation does not change; "description" is one sentence about ' +
    'what you see that supports it.'
  );
}

/** The model's answer and the sentence that supports it. */
export interface Answer {
  /** The short answer, compared between looks. */
  readonly answer: string;
  /** One sentence about what in the picture supports it (may be empty). */
  readonly description: string;
}

function parseJsonAnswer(text: string): Answer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { answer, description } = value as { answer?: unknown; description?: unknown };
  if (typeof answer !== 'string' && typeof answer !== 'number' && typeof answer !== 'boolean')
    return undefined;
  const answerText = `${answer}`.trim();
  if (answerText === '') return undefined;
  return { answer: answerText, description: typeof description === 'string' ? description.trim() : '' };
}

/**
 * Reads `{ answer, description }` from the model's reply, or takes a plain-text reply as the
 * answer. Throws a {@link VisionAnalysisError} when the prompt was blocked, the reply is empty,
 * or the text was cut off or filtered before it was complete.
 */
export function readAnswer(response: GeminiVisionResponse, model: string): Answer {
  if (typeof response !== 'object' || response === null) {
    throw new VisionAnalysisError(
      'BAD_RESPONSE',
      `${model}'s reply is not a response object; check the ai option (a GoogleGenAI client, or one that returns what generateContent does).`,
    );
  }
  const feedback = response.promptFeedback;
  if (feedback?.blockReason !== undefined && feedback.blockReason !== null && feedback.blockReason !== '') {
    throw blockError(feedback.blockReason, feedback.blockReasonMessage);
  }
  const candidate = response.candidates?.[0];
  const finishReason = candidate?.finishReason;
  const parts = Array.isArray(candidate?.content?.parts) ? (candidate?.content?.parts ?? []) : [];
  const text = parts
    .filter((part) => part?.thought !== true && typeof part?.text === 'string')
    .map((part) => part.text)
    .join('')
    .trim();
  if (text === '') throw finishError(finishReason, model);
  const parsed = parseJsonAnswer(text);
  if (parsed !== undefined) return parsed;
  if (isCutOffFinish(finishReason)) {
    throw new VisionAnalysisError(
      'BAD_RESPONSE',
      `${model}'s answer was cut off (finishReason ${finishReason}). Raise maxOutputTokens in the config option.`,
    );
  }
  // Text that stopped at a filter is what was left of an answer, not the answer.
  if (isFilteredFinish(finishReason)) throw finishError(finishReason, model);
  const plain = text
    .replace(/^```\w*\s*|\s*```$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { answer: plain, description: plain };
}
