/**
 * How the simulated model turns a typed request into function calls or a short answer.
 *
 * @packageDocumentation
 */

import { STOP_STREAMING } from '@livetools/core';
import type { LiveFunctionCallPart, LiveFunctionDeclarationPart } from '@livetools/core/testing';
import type { SimulatedToolResult } from './narration.js';

/**
 * A function call the simulated model decides to make.
 *
 * @example
 * ```ts
 * const call: SimulatedCall = { name: 'monitor_stock_price', args: { symbol: 'ACME' } };
 * ```
 */
export interface SimulatedCall {
  /** The function to call; it must be declared in the setup. */
  readonly name: string;
  /** Its arguments (default `{}`). */
  readonly args?: Readonly<Record<string, unknown>>;
  /**
   * What to do with this call's final result (its response without `willContinue`), as a model that
   * looks something up before it acts: the calls returned are made then, in a new `toolCall`.
   * Called with failed results too; `undefined` makes no call.
   *
   * @example
   * ```ts
   * const lookUpThenWatch: SimulatedCall = {
   *   name: 'get_stock_price',
   *   args: { symbol: 'ACME' },
   *   afterResult: ({ output }) => ({
   *     name: 'monitor_stock_price',
   *     args: { symbol: 'ACME', alertAbove: (output as { price: number }).price * 1.01 },
   *   }),
   * };
   * ```
   */
  readonly afterResult?: (
    result: SimulatedToolResult,
  ) => SimulatedCall | readonly SimulatedCall[] | undefined;
}

/**
 * A rule's answer in words, when it matched but has nothing to call (`stop the camera` with no camera
 * watch running, say).
 *
 * @example
 * ```ts
 * const reply: SimulatedReply = { say: 'Nothing is watching the camera.' };
 * ```
 */
export interface SimulatedReply {
  /** What the model says (the simulator label is added in front). */
  readonly say: string;
}

/**
 * What a rule can look at besides its match.
 *
 * @example
 * ```ts
 * const rule: SimulatedRule = {
 *   match: /^again$/i,
 *   call: (_match, { openCalls }) => openCalls.map((c) => ({ name: c.name, args: c.args })),
 * };
 * ```
 */
export interface SimulatedRuleContext {
  /** The whole user text. */
  readonly text: string;
  /** Function declarations of the current setup. */
  readonly declarations: readonly LiveFunctionDeclarationPart[];
  /** Calls this conversation made that have not had a final response yet, oldest first. */
  readonly openCalls: readonly LiveFunctionCallPart[];
}

/**
 * A rule that turns a matching user text into one or more function calls, or an answer in words
 * ({@link SimulatedReply}); returning `undefined` lets the next rule try. Rules run in order, before the built-in `stop` and `call` rules.
 *
 * @example
 * ```ts
 * const watch: SimulatedRule = {
 *   match: /^watch (\w+)$/i,
 *   call: (m) => ({ name: 'monitor_stock_price', args: { symbol: m[1]!.toUpperCase() } }),
 *   example: 'watch ACME',
 * };
 * ```
 */
export interface SimulatedRule {
  /** Tried against the whole (trimmed) user text. */
  readonly match: RegExp;
  /** The call or calls to make for a match, or what to say; `undefined` passes the text on to the next rule. */
  readonly call: (
    match: RegExpExecArray,
    context: SimulatedRuleContext,
  ) => SimulatedCall | readonly SimulatedCall[] | SimulatedReply | undefined;
  /** A request this rule understands, listed in the simulator's help answer. */
  readonly example?: string;
}

/** The outcome of reading one user text: calls to make, or something to say. @internal */
export type Interpretation =
  | { readonly calls: readonly SimulatedCall[]; readonly say?: undefined }
  | { readonly say: string; readonly calls?: undefined };

const stopPattern = /^\s*(?:please\s+)?(?:stop|cancel)\b(.*)$/is;
const callPattern = /^\s*(?:(?:call|run|use)\s+)?([A-Za-z_][\w.:-]*)\s*(\{[\s\S]*\})?\s*[.!]?\s*$/i;
const everything = new Set(['', 'all', 'everything', 'all of them', 'all calls']);
const fillerWords = new Set([
  'the',
  'a',
  'my',
  'all',
  'of',
  'watching',
  'monitoring',
  'streaming',
  'tool',
  'call',
  'calls',
]);

/**
 * Reads a user text: custom rules first, then `stop ...` (when `stop_streaming` is declared), then
 * `call <name> {json}` / `<name> {json}` for a declared function, else a help answer.
 *
 * @internal
 */
export function interpretUserText(
  rules: readonly SimulatedRule[],
  context: SimulatedRuleContext,
): Interpretation {
  const declared = new Set(context.declarations.map((d) => d.name));
  for (const rule of rules) {
    rule.match.lastIndex = 0;
    const match = rule.match.exec(context.text);
    if (!match) continue;
    const result = rule.call(match, context);
    if (result === undefined) continue;
    if (isReply(result)) return { say: result.say };
    const calls: readonly SimulatedCall[] = isCallList(result) ? result : [result];
    const missing = undeclared(calls, declared);
    if (missing !== undefined) return { say: missing };
    if (calls.length > 0) return { calls };
  }
  if (declared.has(STOP_STREAMING)) {
    const stop = stopPattern.exec(context.text);
    if (stop) return interpretStop(stop[1] ?? '', context);
  }
  const call = callPattern.exec(context.text);
  if (call && declared.has(call[1]!)) {
    const name = call[1]!;
    if (call[2] === undefined) return { calls: [{ name, args: {} }] };
    try {
      const args: unknown = JSON.parse(call[2]);
      if (typeof args === 'object' && args !== null && !Array.isArray(args)) {
        return { calls: [{ name, args: args as Record<string, unknown> }] };
      }
    } catch {
      // Reported below.
    }
    return { say: `The arguments for ${name} must be one JSON object, like: call ${name} {"key": "value"}.` };
  }
  return { say: helpText(rules, context) };
}

/** What the model says when it would call a function the setup does not declare. @internal */
export function undeclared(
  calls: readonly SimulatedCall[],
  declared: ReadonlySet<string>,
): string | undefined {
  const missing = calls.filter((c) => !declared.has(c.name)).map((c) => c.name);
  return missing.length > 0
    ? `I would call ${missing.join(', ')}, but this session does not declare it.`
    : undefined;
}

/** A rule's or follow-up's result as a list of calls. @internal */
export function callList(
  result: SimulatedCall | readonly SimulatedCall[] | undefined,
): readonly SimulatedCall[] {
  if (result === undefined) return [];
  return isCallList(result) ? result : [result];
}

function isCallList(
  result: SimulatedCall | readonly SimulatedCall[] | SimulatedReply,
): result is readonly SimulatedCall[] {
  return Array.isArray(result);
}

function isReply(
  result: SimulatedCall | readonly SimulatedCall[] | SimulatedReply,
): result is SimulatedReply {
  return !Array.isArray(result) && typeof (result as SimulatedReply).say === 'string';
}

function interpretStop(rest: string, context: SimulatedRuleContext): Interpretation {
  const target = rest.replace(/[.!?]+\s*$/, '').trim();
  const running = context.openCalls.filter((c) => c.name !== STOP_STREAMING);
  if (everything.has(target.toLowerCase())) {
    if (running.length === 0) return { say: 'Nothing is running, so there is nothing to stop.' };
    return { calls: stopEverything(running) };
  }
  if (running.some((c) => c.id === target) || /^function-call-\S+$/.test(target)) {
    return { calls: [{ name: STOP_STREAMING, args: { call_id: target } }] };
  }
  const functions = context.declarations.map((d) => d.name).filter((n) => n !== STOP_STREAMING);
  const exact = functions.find((n) => n.toLowerCase() === target.toLowerCase().replace(/\s+/g, '_'));
  if (exact) return { calls: [{ name: STOP_STREAMING, args: { function_name: exact } }] };
  const words = target
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !fillerWords.has(w));
  const candidates = functions.filter((n) => words.some((w) => n.toLowerCase().includes(w)));
  if (candidates.length === 1)
    return { calls: [{ name: STOP_STREAMING, args: { function_name: candidates[0] } }] };
  if (running.length === 0) {
    return { say: `Nothing running matches "${target}", so there is nothing to stop. Nothing is running.` };
  }
  const list = running.map((c) => `${c.name} (${c.id})`).join(', ') || 'nothing';
  return {
    say: `I am not sure what "${target}" means. Running now: ${list}. Say "stop" followed by a name or call id.`,
  };
}

/** One stop per function: its call id when it has one running call, its name when it has several. */
function stopEverything(running: readonly LiveFunctionCallPart[]): SimulatedCall[] {
  const byName = new Map<string, LiveFunctionCallPart[]>();
  for (const call of running) byName.set(call.name, [...(byName.get(call.name) ?? []), call]);
  return [...byName].map(([name, calls]) => ({
    name: STOP_STREAMING,
    args: calls.length === 1 && calls[0] ? { call_id: calls[0].id } : { function_name: name },
  }));
}

function helpText(rules: readonly SimulatedRule[], context: SimulatedRuleContext): string {
  const names = context.declarations.map((d) => d.name);
  if (names.length === 0) {
    return 'I am a simulated model, not Gemini, and this session declares no functions, so this is all I can say.';
  }
  const examples = rules.flatMap((r) => (r.example ? [`"${r.example}"`] : []));
  const stop = names.includes(STOP_STREAMING) ? ', "stop <name or call id>" or "stop"' : '';
  const tries = [...examples, `"call <name> {json arguments}"`].join(', ');
  return `I am a simulated model, not Gemini: I only follow simple typed requests. I can call ${names.join(', ')}. Try ${tries}${stop}.`;
}
