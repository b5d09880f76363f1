/**
 * A rule-based stand-in for the model, attached to fake Live server connections, for offline
 * demos and tests. Everything it says is labelled as coming from a simulator.
 *
 * @packageDocumentation
 */

import type {
  FakeLiveConnection,
  LiveClientFrame,
  LiveFunctionCallPart,
  LiveScheduling,
  RecordedFunctionResponse,
} from '@livetools/core/testing';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { type SimulatedNarrator, type SimulatedToolResult, summarizeToolResult } from './narration.js';
import { callList, interpretUserText, type SimulatedCall, type SimulatedRule, undeclared } from './rules.js';
import { Speaker } from './speech.js';
import { describeError } from './text.js';

/**
 * Options of {@link createSimulatedModel}.
 *
 * @example
 * ```ts
 * const model = createSimulatedModel({
 *   rules: [{ match: /^watch (\w+)$/i, call: (m) => ({ name: 'monitor_stock_price', args: { symbol: m[1] } }) }],
 *   narrators: { monitor_stock_price: ({ output }) => `Price update: ${JSON.stringify(output)}` },
 * });
 * ```
 */
export interface SimulatedModelOptions {
  /** Custom rules, tried in order before the built-in `stop ...` and `call <name> {json}` rules. */
  readonly rules?: readonly SimulatedRule[];
  /** Narrators by function name; others use `defaultNarrator`. */
  readonly narrators?: Readonly<Record<string, SimulatedNarrator>>;
  /** Narrator for functions without their own (default {@link summarizeToolResult}). */
  readonly defaultNarrator?: SimulatedNarrator;
  /** Drives the pace of speech (default `asyncScheduler`; pass a `VirtualTimeScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
  /** Delay between the chunks of a turn, and before its `turnComplete`, in ms (default 40). */
  readonly chunkIntervalMs?: number;
  /** Words per text chunk (default 5). */
  readonly wordsPerChunk?: number;
  /** Say which calls were made, as a short turn after each `toolCall` (default `true`). */
  readonly announceToolCalls?: boolean;
  /** Said once when a new (not resumed) conversation starts. */
  readonly greeting?: string;
  /** Prefix of every turn (default `"[simulated model]"`). */
  readonly label?: string;
}

/**
 * One entry of a simulated conversation's context, oldest first.
 *
 * @example
 * ```ts
 * const silent = session.context.filter((e) => e.kind === 'tool-result' && !e.narrated);
 * ```
 */
export type SimulatedContextEntry =
  | {
      /** A user text turn. */
      readonly kind: 'user';
      /** What the user typed or sent as realtime text. */
      readonly text: string;
    }
  | {
      /** A model turn. */
      readonly kind: 'model';
      /** What the model said (up to the cut, when interrupted). */
      readonly text: string;
      /** True when the turn was cut short. */
      readonly interrupted: boolean;
    }
  | {
      /** A function call the model made. */
      readonly kind: 'tool-call';
      /** The call as sent in `toolCall`. */
      readonly call: LiveFunctionCallPart;
    }
  | {
      /** A function response the client sent. */
      readonly kind: 'tool-result';
      /** The response, with the arguments of its call. */
      readonly result: SimulatedToolResult;
      /** False when nothing was said about it (`SILENT`, or the narrator returned `undefined`). */
      readonly narrated: boolean;
    };

/**
 * The simulated model on one connection.
 *
 * @example
 * ```ts
 * const session = model.sessions.at(-1);
 * console.log(session?.speaking, session?.openCalls.map((c) => c.id));
 * ```
 */
export interface SimulatedModelSession {
  /** The fake server connection this session runs on. */
  readonly connection: FakeLiveConnection;
  /** True when this connection resumed an earlier conversation of the same model. */
  readonly resumed: boolean;
  /** The conversation so far (kept across resumed connections). */
  readonly context: readonly SimulatedContextEntry[];
  /** Calls the model made that have not had a final response (`willContinue` not `true`) yet. */
  readonly openCalls: readonly LiveFunctionCallPart[];
  /** True while a model turn is in progress. */
  readonly speaking: boolean;
  /** Turns waiting for the current one to complete (WHEN_IDLE narrations, mostly). */
  readonly queuedTurns: number;
  /** Speaks a labelled turn: after the current one, or at once when `interrupt` is set. */
  say(text: string, options?: { readonly interrupt?: boolean }): void;
}

/**
 * A simulated model: attach it to fake server connections with `onConnection: model.attach`.
 *
 * @example
 * ```ts
 * const model = createSimulatedModel();
 * await using server = await createFakeLiveServer({ onConnection: model.attach });
 * ```
 */
export interface SimulatedModel {
  /** Starts simulating on an accepted connection (a bound function: pass it as `onConnection`). */
  readonly attach: (connection: FakeLiveConnection) => SimulatedModelSession;
  /** Every session, in attach order. */
  readonly sessions: readonly SimulatedModelSession[];
}

interface Conversation {
  readonly context: SimulatedContextEntry[];
  readonly calls: Map<string, LiveFunctionCallPart>;
  readonly open: Map<string, LiveFunctionCallPart>;
  /** What to call once a call's final result arrives, by call id (`SimulatedCall.afterResult`). */
  readonly followUps: Map<string, NonNullable<SimulatedCall['afterResult']>>;
}

/**
 * Creates a rule-based simulated model. On a user text turn (`clientContent` with
 * `turnComplete: true`, or `realtimeInput.text`) it applies its rules to make function calls from
 * the declarations of the setup, or answers with what it can do. It narrates function responses
 * as model turns (`modelTurn` text + `outputTranscription`, then `turnComplete`) honouring
 * `scheduling`: `INTERRUPT` speaks at once (sending `interrupted` first when mid-turn), `WHEN_IDLE`
 * waits for the current turn to complete, `SILENT` is only added to the context. It answers
 * `sessionResumption` with handles and restores the conversation when a client resumes with one.
 * A call with `afterResult` (see {@link SimulatedCall}) leads to the calls `afterResult` returns
 * once its final result arrives: look a price up, then watch it with levels derived from that price.
 *
 * @example
 * ```ts
 * const model = createSimulatedModel({
 *   rules: [{ match: /count down from (\d+)/i, call: (m) => ({ name: 'countdown', args: { n: Number(m[1]) } }) }],
 * });
 * await using server = await createFakeLiveServer({ onConnection: model.attach });
 * const ai = new GoogleGenAI({ apiKey: 'simulated', httpOptions: { baseUrl: server.url } });
 * // session.sendClientContent({ turns: 'count down from 3' }) now yields a countdown toolCall.
 * ```
 */
export function createSimulatedModel(options: SimulatedModelOptions = {}): SimulatedModel {
  const sessions: SimulatedModelSession[] = [];
  const byHandle = new Map<string, Conversation>();
  let handles = 0;
  const attach = (connection: FakeLiveConnection): SimulatedModelSession => {
    const handle = connection.resumptionHandle;
    const previous = handle === undefined ? undefined : byHandle.get(handle);
    const conversation = previous ?? { context: [], calls: new Map(), open: new Map(), followUps: new Map() };
    const session = startSession(connection, conversation, previous !== undefined, options, () => {
      const next = `simulated-handle-${++handles}`;
      byHandle.set(next, conversation);
      return next;
    });
    sessions.push(session);
    return session;
  };
  return { attach, sessions };
}

function startSession(
  connection: FakeLiveConnection,
  conversation: Conversation,
  resumed: boolean,
  options: SimulatedModelOptions,
  newHandle: () => string,
): SimulatedModelSession {
  const label = options.label ?? '[simulated model]';
  const resumable = connection.setup.sessionResumption !== undefined;
  const updateHandle = () => {
    if (resumable && connection.state === 'open') connection.sendResumptionUpdate(newHandle());
  };
  const speaker = new Speaker(
    options.scheduler ?? asyncScheduler,
    options.chunkIntervalMs ?? 40,
    options.wordsPerChunk ?? 5,
    {
      chunk: (text) => {
        if (connection.state !== 'open') return;
        connection.sendModelText(text);
        connection.sendOutputTranscription(text);
      },
      complete: () => {
        if (connection.state !== 'open') return;
        connection.generationComplete();
        connection.turnComplete();
      },
      interrupted: () => {
        if (connection.state !== 'open') return;
        connection.interrupt();
        connection.turnComplete();
      },
      ended: (text, interrupted) => {
        conversation.context.push({ kind: 'model', text, interrupted });
        if (!interrupted) updateHandle();
      },
    },
  );
  const labelled = (text: string) => `${label} ${text}`;
  let pendingUserText = '';

  const hear = (text: string): void => {
    const trimmed = text.trim();
    if (trimmed === '') return;
    speaker.interrupt();
    conversation.context.push({ kind: 'user', text });
    const interpretation = interpretUserText(options.rules ?? [], {
      text: trimmed,
      declarations: connection.declarations,
      openCalls: [...conversation.open.values()],
    });
    if (interpretation.say !== undefined) {
      speaker.say(labelled(interpretation.say), 'front');
      return;
    }
    makeCalls(interpretation.calls, 'front');
  };

  const makeCalls = (requested: readonly SimulatedCall[], place: 'front' | 'queue'): void => {
    if (requested.length === 0 || connection.state !== 'open') return;
    const ids = connection.callTools(requested.map(({ name, args }) => (args ? { name, args } : { name })));
    const calls = requested.map((c, i) => ({ id: ids[i]!, name: c.name, args: c.args ?? {} }));
    calls.forEach((call, i) => {
      conversation.calls.set(call.id, call);
      conversation.open.set(call.id, call);
      conversation.context.push({ kind: 'tool-call', call });
      const afterResult = requested[i]?.afterResult;
      if (afterResult) conversation.followUps.set(call.id, afterResult);
    });
    if (options.announceToolCalls ?? true) {
      const described = calls.map((c) => `${c.name} ${JSON.stringify(c.args)}`).join(', ');
      speaker.say(labelled(`Calling ${described}.`), place);
    }
    speaker.pump();
  };

  const followUp = (result: SimulatedToolResult): void => {
    if (result.willContinue || result.id === undefined) return;
    const next = conversation.followUps.get(result.id);
    if (!next) return;
    conversation.followUps.delete(result.id);
    let calls: readonly SimulatedCall[];
    try {
      calls = callList(next(result));
    } catch (error) {
      speaker.say(labelled(`I could not follow up on ${result.name}: ${describeError(error)}`), 'queue');
      return;
    }
    const missing = undeclared(calls, new Set(connection.declarations.map((d) => d.name)));
    if (missing !== undefined) speaker.say(labelled(missing), 'queue');
    else makeCalls(calls, 'queue');
  };

  const narration = { callOf: (id: string) => conversation.calls.get(id) };

  const narrate = (response: RecordedFunctionResponse): void => {
    const call = response.id === undefined ? undefined : conversation.calls.get(response.id);
    const scheduling: LiveScheduling =
      response.scheduling === undefined || response.scheduling === 'SCHEDULING_UNSPECIFIED'
        ? 'WHEN_IDLE'
        : response.scheduling;
    const result: SimulatedToolResult = {
      id: response.id,
      name: response.name ?? call?.name ?? 'unknown_function',
      args: call?.args,
      output: response.output,
      error: response.error,
      willContinue: response.willContinue === true,
      scheduling,
    };
    if (!result.willContinue && response.id !== undefined) conversation.open.delete(response.id);
    const narrator = options.narrators?.[result.name] ?? options.defaultNarrator ?? summarizeToolResult;
    const text = scheduling === 'SILENT' ? undefined : narrator(result, narration);
    conversation.context.push({ kind: 'tool-result', result, narrated: text !== undefined });
    if (text !== undefined) speaker.say(labelled(text), scheduling === 'INTERRUPT' ? 'interrupt' : 'queue');
    followUp(result);
  };

  const onFrame = (
    frame: LiveClientFrame,
    _index: number,
    responses: readonly RecordedFunctionResponse[],
  ): void => {
    if (frame.realtimeInput?.text !== undefined) hear(frame.realtimeInput.text);
    if (frame.clientContent) {
      for (const turn of frame.clientContent.turns ?? []) {
        if (turn.role !== undefined && turn.role !== 'user') continue;
        pendingUserText += (turn.parts ?? []).map((p) => p.text ?? '').join('');
      }
      if (frame.clientContent.turnComplete === true) {
        const text = pendingUserText;
        pendingUserText = '';
        hear(text);
      }
    }
    for (const response of responses) narrate(response);
  };

  const stopListening = connection.onFrame(onFrame);
  connection.onClose(() => {
    stopListening();
    speaker.dispose();
  });
  updateHandle();
  if (options.greeting !== undefined && !resumed) speaker.say(labelled(options.greeting), 'queue');

  return {
    connection,
    resumed,
    get context() {
      return conversation.context;
    },
    get openCalls() {
      return [...conversation.open.values()];
    },
    get speaking() {
      return speaker.speaking;
    },
    get queuedTurns() {
      return speaker.queued;
    },
    say(text, sayOptions = {}) {
      speaker.say(labelled(text), sayOptions.interrupt ? 'interrupt' : 'queue');
    },
  };
}
