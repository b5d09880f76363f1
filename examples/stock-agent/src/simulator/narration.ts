/**
 * How the simulated model puts a tool result into words.
 *
 * @packageDocumentation
 */

import type { LiveFunctionCallPart, LiveScheduling } from '@livetools/core/testing';
import { describeError, truncate } from './text.js';

/**
 * One function response as the simulated model sees it, with the arguments of its call when known.
 *
 * @example
 * ```ts
 * const result: SimulatedToolResult = {
 *   id: 'function-call-1', name: 'countdown', args: { n: 3 },
 *   output: { remaining: 2 }, error: undefined, willContinue: true, scheduling: 'WHEN_IDLE',
 * };
 * ```
 */
export interface SimulatedToolResult {
  /** The call id. */
  readonly id: string | undefined;
  /** The function name (from the response, else from its call). */
  readonly name: string;
  /** The arguments of the call, when the call was issued on this conversation. */
  readonly args: Readonly<Record<string, unknown>> | undefined;
  /** `response.output`. */
  readonly output: unknown;
  /** `response.error`. */
  readonly error: unknown;
  /** True when more responses for this call will follow. */
  readonly willContinue: boolean;
  /** The effective scheduling: `WHEN_IDLE` when the client sent none. */
  readonly scheduling: LiveScheduling;
}

/**
 * What a narrator can look up in the conversation besides the result itself.
 *
 * @example
 * ```ts
 * const narrateStop: SimulatedNarrator = ({ output }, { callOf }) => {
 *   const [first] = (output as { stopped: { call_id: string }[] }).stopped;
 *   return `Stopped ${String(callOf(first?.call_id ?? '')?.args.symbol)}.`;
 * };
 * ```
 */
export interface SimulatedNarrationContext {
  /** A call this conversation made, by id (with its arguments), or `undefined`. */
  readonly callOf: (id: string) => LiveFunctionCallPart | undefined;
}

/**
 * Turns a tool result into what the simulated model says; `undefined` says nothing. The simulator
 * label is added in front of whatever it returns. The second argument looks up the conversation's
 * calls (to name what a `stop_streaming` result stopped, say).
 *
 * @example
 * ```ts
 * const narrateQuote: SimulatedNarrator = ({ output }) => {
 *   const { symbol, price } = output as { symbol: string; price: number };
 *   return `${symbol} is at ${price}.`;
 * };
 * ```
 */
export type SimulatedNarrator = (
  result: SimulatedToolResult,
  context: SimulatedNarrationContext,
) => string | undefined;

const maxLength = 160;

/**
 * The default narrator: a brief summary of the output (`countdown: remaining 2`), the error
 * (`countdown failed: boom`), or `countdown finished.` for an empty final response.
 *
 * @example
 * ```ts
 * summarizeToolResult({
 *   id: 'function-call-1', name: 'quote', args: undefined, output: { symbol: 'ACME', price: 12.5 },
 *   error: undefined, willContinue: true, scheduling: 'WHEN_IDLE',
 * }); // 'quote: symbol ACME, price 12.5'
 * ```
 */
export function summarizeToolResult(result: SimulatedToolResult): string | undefined {
  if (result.error !== undefined && result.error !== null) {
    return truncate(`${result.name} failed: ${errorText(result.error)}`, maxLength);
  }
  if (isEmpty(result.output)) return result.willContinue ? undefined : `${result.name} finished.`;
  const summary = `${result.name}: ${summarizeValue(result.output)}${result.willContinue ? '' : ' (final)'}`;
  return truncate(summary, maxLength);
}

/** The `message` of a wire error payload (a plain object, not an `Error`), else the error described. */
function errorText(error: unknown): string {
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : describeError(error);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

function summarizeValue(value: unknown): string {
  if (Array.isArray(value)) return itemCount(value);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([key, v]) => `${key} ${summarizeLeaf(v)}`)
      .join(', ');
  }
  return String(value);
}

function summarizeLeaf(value: unknown): string {
  if (Array.isArray(value)) return `[${itemCount(value)}]`;
  if (typeof value === 'object' && value !== null) return truncate(JSON.stringify(value), 40);
  return String(value);
}

function itemCount(list: readonly unknown[]): string {
  return `${list.length} item${list.length === 1 ? '' : 's'}`;
}
