/**
 * One client connection to the fake Live server: what it received (see `fake-live-connection-base.ts`),
 * the session state it holds across resumptions, the profile's view of the model, and what a test
 * makes it send: tool calls and cancellations, model output and turn signals, `goAway`,
 * resumption updates, raw frames.
 *
 * @packageDocumentation
 */

import type { FunctionBehavior } from '../profiles/model-profile.js';
import { FakeLiveConnectionBase } from './fake-live-connection-base.js';
import type { FakeToolCall, RecordedFunctionResponse } from './fake-live-connection-types.js';
import type { FakeInteractionStatus, FakeTurnCompleteOptions } from './fake-live-profile.js';
import {
  after,
  checkCloseCode,
  durationMs,
  durationString,
  FAKE_LIVE_CLOSES,
  type FakeGoAwayCloseOptions,
} from './fake-live-timing.js';
import type { LiveClientFrame, LiveServerFrame } from './wire-types.js';

/**
 * One connection to the fake Live server. Records every client frame and sends server frames on
 * command. Created by the server; obtain it from `server.waitForConnection()` or `server.connections`.
 *
 * @example
 * ```ts
 * const connection = await server.waitForConnection();
 * const id = connection.callTool('countdown', { n: 3 });
 * const response = await connection.waitForToolResponse(id);
 * connection.interrupt();
 * ```
 */
export class FakeLiveConnection extends FakeLiveConnectionBase {
  /**
   * The session index of the first client message after this connection's setup. Client messages
   * are numbered per session from 0, setup messages not counted. A new session starts at 0; a
   * connection that resumed with a handle this server issued continues after the last message that
   * handle covers (so messages received on the old connection after the handle was issued are not
   * part of the resumed session); an unknown handle starts a new numbering at 0.
   */
  get firstClientMessageIndex(): number {
    return this.sessionState.firstClientMessageIndex;
  }

  /**
   * The session index of the last client message in this session's state (the value a
   * `sessionResumptionUpdate` carries as `lastConsumedClientMessageIndex` when the setup asked for
   * transparent resumption); `undefined` when the session holds none yet.
   */
  get lastConsumedClientMessageIndex(): number | undefined {
    return this.sessionState.lastConsumedClientMessageIndex;
  }

  /**
   * The client messages in the session's state as this connection sees it, setup messages left
   * out: those the resumption handle carried over from earlier connections, then those received
   * here. Element `i` is the message with session index `i`. A message that the client sent on an
   * old connection after the handle it resumed with was issued is not in it (the server resumed
   * from the handle's state), so a message replayed after a transparent resumption appears once.
   * With the server option `keepFrames`, only the messages each connection still keeps are listed
   * (their session indexes are unchanged, so element `i` is then a later message).
   */
  get sessionFrames(): readonly LiveClientFrame[] {
    return this.sessionState.entries().map((entry) => entry.frame);
  }

  /**
   * Every function response in the session's state (see {@link FakeLiveConnection.sessionFrames}),
   * optionally only those for one call id. `frameIndex` refers to the connection that received each one.
   */
  sessionToolResponses(callId?: string): readonly RecordedFunctionResponse[] {
    const all = this.sessionState.sessionResponses().map((entry) => entry.response);
    return callId === undefined ? all : all.filter((r) => r.id === callId);
  }

  /**
   * Function responses received on this connection for call ids the session never issued: not a
   * call sent on this connection, nor one in the state its resumption handle carried over (a call
   * issued after that handle was, on the old connection, is not; nor is a call sent with
   * {@link FakeLiveConnection.sendRaw}). A real server would not know what such a response
   * answers; the fake records it and goes on.
   *
   * @example
   * ```ts
   * expect(resumed.unknownCallResponses).toEqual([]); // nothing answered a call the session never made
   * ```
   */
  get unknownCallResponses(): readonly RecordedFunctionResponse[] {
    return this.sessionState.unknownCallResponses;
  }

  /**
   * Server frames held back because the model waits for the response to a `BLOCKING` call before
   * it says or calls anything else; they go out, in order, once the last such call is answered or
   * cancelled. Always empty without a profile.
   */
  get heldFrames(): readonly LiveServerFrame[] {
    return this.emulator?.heldFrames ?? [];
  }

  /**
   * Ids of the calls the model runs now (issued, neither answered with a final response nor
   * cancelled), with the behaviour it runs each with. Empty without a profile.
   */
  get runningCalls(): ReadonlyMap<string, FunctionBehavior> {
    return this.emulator?.runningCalls ?? new Map();
  }

  /**
   * How the model runs a call to `name` under the profile: its declared `behavior` where the model
   * allows both, else the only one it has, and the profile's default for a declaration without one.
   * `undefined` without a profile.
   */
  behaviorOf(name: string): FunctionBehavior | undefined {
    return this.emulator?.behaviorOf(name);
  }

  /**
   * False while a resumption update would say `resumable: false` under the profile (calls run, the
   * model generates, or an interaction is in progress, on a model whose handles are not resumable
   * then). Always true without a profile.
   */
  get resumable(): boolean {
    return this.emulator?.resumable ?? true;
  }

  /** Sends one `toolCall` with a single function call and returns its id (`function-call-<n>` when omitted). */
  callTool(name: string, args: Readonly<Record<string, unknown>> = {}, id?: string): string {
    const [callId] = this.callTools([id === undefined ? { name, args } : { name, args, id }]);
    return callId!;
  }

  /** Sends one `toolCall` frame carrying several function calls; returns their ids in order. */
  callTools(calls: readonly FakeToolCall[]): string[] {
    const functionCalls = calls.map((c) => ({
      id: c.id ?? this.init.nextCallId(),
      name: c.name,
      args: c.args ?? {},
    }));
    this.send({ toolCall: { functionCalls } });
    this.issuedCalls.push(...functionCalls);
    this.sessionState.issued(functionCalls.map((c) => c.id));
    return functionCalls.map((c) => c.id);
  }

  /** Sends `toolCallCancellation` for the given call ids. */
  cancelToolCalls(ids: string | readonly string[]): void {
    this.send({ toolCallCancellation: { ids: typeof ids === 'string' ? [ids] : [...ids] } });
  }

  /** Sends `serverContent.interrupted`: the user barged in on the model's speech. */
  interrupt(): void {
    this.send({ serverContent: { interrupted: true } });
  }

  /**
   * Sends a model text chunk (`modelTurn` with one text part); `turnComplete` defaults to `false`.
   * With `turnComplete`, `interactionStatus` is chosen as {@link FakeLiveConnection.sendTurnComplete} does.
   */
  sendModelText(
    text: string,
    options: { readonly turnComplete?: boolean; readonly interactionStatus?: FakeInteractionStatus } = {},
  ): void {
    const status =
      options.interactionStatus ??
      (options.turnComplete ? this.emulator?.defaultTurnCompleteStatus() : undefined);
    this.send({
      serverContent: {
        modelTurn: { role: 'model', parts: [{ text }] },
        ...(options.turnComplete ? { turnComplete: true } : {}),
        ...(status === undefined ? {} : { interactionStatus: status }),
      },
    });
  }

  /** Sends a model audio chunk: base64 16-bit PCM, `audio/pcm;rate=24000` unless told otherwise. */
  sendModelAudio(base64Pcm: string, options: { readonly mimeType?: string } = {}): void {
    const mimeType = options.mimeType ?? 'audio/pcm;rate=24000';
    this.send({
      serverContent: { modelTurn: { role: 'model', parts: [{ inlineData: { mimeType, data: base64Pcm } }] } },
    });
  }

  /** Sends `serverContent.inputTranscription`: what the user said. */
  sendInputTranscription(text: string): void {
    this.send({ serverContent: { inputTranscription: { text } } });
  }

  /** Sends `serverContent.outputTranscription`: what the model said. */
  sendOutputTranscription(text: string): void {
    this.send({ serverContent: { outputTranscription: { text } } });
  }

  /** Sends `serverContent.turnComplete` (as {@link FakeLiveConnection.sendTurnComplete} with no options). */
  turnComplete(): void {
    this.sendTurnComplete();
  }

  /**
   * Sends `serverContent.turnComplete` with the new turn fields. Under a profile whose idle signal
   * is `interactionStatus` (extended thinking), `interactionStatus` defaults to `IN_PROGRESS` while
   * calls run and `IDLE` otherwise, so a test shows that a `turnComplete` need not mean the model is idle.
   * After a turn it ended `IN_PROGRESS` this way, the fake sends a `turnComplete` with `IDLE` on its
   * own once the last call is answered or cancelled, as the model reports its task done.
   *
   * @example
   * ```ts
   * connection.sendModelText('Let me look that up.');
   * connection.sendTurnComplete(); // on extended thinking with a call running: interactionStatus IN_PROGRESS
   * ```
   */
  sendTurnComplete(options: FakeTurnCompleteOptions = {}): void {
    const status = options.interactionStatus ?? this.emulator?.defaultTurnCompleteStatus();
    this.send({
      serverContent: {
        turnComplete: true,
        ...(status === undefined ? {} : { interactionStatus: status }),
        ...(options.turnCompleteReason === undefined
          ? {}
          : { turnCompleteReason: options.turnCompleteReason }),
        ...(options.waitingForInput === undefined ? {} : { waitingForInput: options.waitingForInput }),
      },
    });
  }

  /** Sends `serverContent.generationComplete`. */
  generationComplete(): void {
    this.send({ serverContent: { generationComplete: true } });
  }

  /** Sends `goAway`: the connection will end after `timeLeft` (a duration string, default `"50s"`). */
  goAway(timeLeft = '50s'): void {
    this.send({ goAway: { timeLeft } });
  }

  /**
   * Sends `goAway` and closes the connection once `timeLeft` has passed on the server's scheduler
   * (server options `scheduler` and `timeScale`), as the real service does. `timeLeft` is a
   * duration string (`"50s"`, `"0.5s"`) or milliseconds; anything else throws a `LivetoolsError`
   * (`INVALID_OPTION`), as does a `code` no server may send. The close is 1011 {@link FAKE_LIVE_CLOSES}`.goAwayTimeLeft` unless told
   * otherwise, and is dropped if the connection closed before.
   *
   * @example
   * ```ts
   * const scheduler = new VirtualTimeScheduler();
   * await using server = await createFakeLiveServer({ scheduler });
   * // ... connect, then:
   * connection.goAwayThenClose('50s');
   * scheduler.flush(); // 50 virtual seconds later: close 1011
   * ```
   */
  goAwayThenClose(timeLeft: string | number = '50s', options: FakeGoAwayCloseOptions = {}): void {
    const ms = durationMs(timeLeft);
    const code = checkCloseCode(options.code ?? FAKE_LIVE_CLOSES.goAwayTimeLeft.code);
    this.send({ goAway: { timeLeft: typeof timeLeft === 'string' ? timeLeft : durationString(ms) } });
    const reason = options.reason ?? FAKE_LIVE_CLOSES.goAwayTimeLeft.reason;
    this.timers.push(after(this.clock, ms, () => void this.close(code, reason)));
  }

  /**
   * Sends `sessionResumptionUpdate` with a new handle. When the setup asked for transparent
   * resumption, it also carries `lastConsumedClientMessageIndex` (an int64 as a string, as proto
   * JSON sends it): the session index of the last client message received so far, left out while
   * the session holds none. The handle stands for the session up to that message: a connection
   * that resumes with it continues from there.
   *
   * Under a profile whose handles are not resumable while calls run (every documented model), an
   * update asked for while calls run or the model generates goes out as `{ resumable: false }`
   * without a handle, and the handle is not issued. Returns whether the update was resumable.
   *
   * A connection that resumes with the handle takes over the session state it stands for: the
   * calls issued before it (a response for a later call is recorded in
   * {@link FakeLiveConnection.unknownCallResponses}) and, under a profile, the calls the model
   * ran, whether it was generating, and its interaction status then.
   */
  sendResumptionUpdate(handle: string, resumable = true): boolean {
    if (resumable && !this.resumable) {
      this.send({ sessionResumptionUpdate: { resumable: false } });
      return false;
    }
    const last = this.lastConsumedClientMessageIndex;
    if (resumable && handle !== '') {
      this.init.registerHandle?.(handle, {
        connection: this,
        state: this.sessionState,
        lastIndex: last ?? this.firstClientMessageIndex - 1,
        calls: this.sessionState.knownCalls(),
        model: this.emulator?.snapshot(),
      });
    }
    this.send({
      sessionResumptionUpdate: {
        newHandle: handle,
        resumable,
        ...(this.transparent && last !== undefined ? { lastConsumedClientMessageIndex: String(last) } : {}),
      },
    });
    return resumable;
  }

  /**
   * Sends any object as one binary JSON frame, or a string verbatim as one binary frame. It goes
   * out at once, past the profile: never held, and not counted as model output or calls.
   */
  sendRaw(message: object | string): void {
    this.write(message);
  }

  /**
   * Sends a string verbatim as one text frame (the Live API sends binary frames; a proxy may turn
   * them into text frames). Like a string given to {@link sendRaw}, it is not recorded in {@link sentFrames}.
   */
  sendRawText(text: string): void {
    this.writeText(text);
  }
}
