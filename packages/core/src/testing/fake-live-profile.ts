/**
 * How the fake Live server plays one model profile: which calls the model waits for, what new input
 * does to a blocking call, which client messages break the protocol, when a resumption handle can
 * be issued, what `interactionStatus` a turn ends with, and when a session runs out of time.
 *
 * @packageDocumentation
 */

import type { Subscription } from 'rxjs';
import { LivetoolsError } from '../errors.js';
import type { FunctionBehavior, ModelProfile } from '../profiles/model-profile.js';
import { after, FAKE_LIVE_CLOSES, type FakeLiveClock } from './fake-live-timing.js';
import type { LiveClientFrame, LiveServerFrame, LiveSetup } from './wire-types.js';

/**
 * Which model profile the fake server plays: `'auto'` resolves each connection's profile from
 * the model name in its setup (with `resolveModelProfile`, Vertex AI connections as Vertex AI);
 * a `ModelProfile` is used for every connection. Without the option the server plays no profile.
 *
 * @example
 * ```ts
 * await using server = await createFakeLiveServer({ profile: 'auto' });
 * ```
 */
export type FakeLiveProfileOption = 'auto' | ModelProfile;

/**
 * What a client did that the profile's model does not accept. Each one closes the connection with
 * 1007 `Request contains an invalid argument.`, as the real service does.
 * - `NON_BLOCKING_ON_SYNC_MODEL`: a `NON_BLOCKING` declaration on a synchronous-only model.
 * - `WILL_CONTINUE_UNSUPPORTED`: a function response with `willContinue: true` on a model (or
 *   platform) without `willContinue`.
 * - `CLIENT_CONTENT_MID_SESSION`: `clientContent` on a model that takes it only to seed the
 *   initial history (with `historyConfig.initialHistoryInClientContent`, before the first turn).
 *
 * @example
 * ```ts
 * expect(connection.profileViolations.map((v) => v.code)).toEqual(['WILL_CONTINUE_UNSUPPORTED']);
 * ```
 */
export type FakeLiveProfileViolationCode =
  | 'NON_BLOCKING_ON_SYNC_MODEL'
  | 'WILL_CONTINUE_UNSUPPORTED'
  | 'CLIENT_CONTENT_MID_SESSION';

/**
 * One protocol violation the fake server saw, with a message that says what to send instead (the
 * close reason on the wire is the real service's terse one).
 *
 * @example
 * ```ts
 * const [violation] = connection.profileViolations;
 * console.log(violation?.code, violation?.message);
 * ```
 */
export interface FakeLiveProfileViolation {
  /** What was violated. */
  readonly code: FakeLiveProfileViolationCode;
  /** What happened and what the client should do instead. */
  readonly message: string;
}

/**
 * The `interactionStatus` of `serverContent` (extended thinking): `IN_PROGRESS` while the model
 * keeps working in the background, `IDLE` when the whole task is done.
 *
 * @example
 * ```ts
 * connection.sendTurnComplete({ interactionStatus: 'IN_PROGRESS' });
 * ```
 */
export type FakeInteractionStatus = 'IN_PROGRESS' | 'IDLE';

/**
 * Options of `FakeLiveConnection.sendTurnComplete`.
 *
 * @example
 * ```ts
 * connection.sendTurnComplete({ interactionStatus: 'IDLE', turnCompleteReason: 'NEED_MORE_INPUT' });
 * ```
 */
export interface FakeTurnCompleteOptions {
  /**
   * `interactionStatus` to send alongside `turnComplete`. When left out on a profile whose idle
   * signal is `interactionStatus` (extended thinking), the server sends `IN_PROGRESS` while calls
   * still run and `IDLE` otherwise; on other profiles, or without a profile, none.
   */
  readonly interactionStatus?: FakeInteractionStatus;
  /** `turnCompleteReason`, e.g. `NEED_MORE_INPUT`. */
  readonly turnCompleteReason?: string;
  /** `waitingForInput`: the model waits for more input from the user. */
  readonly waitingForInput?: boolean;
}

/**
 * Checks the server's `profile` option: `'auto'`, or an object shaped like a `ModelProfile` (as
 * `resolveModelProfile` returns). Throws a `LivetoolsError` (`INVALID_OPTION`) otherwise. @internal
 */
export function checkProfileOption(option: unknown): FakeLiveProfileOption | undefined {
  if (option === undefined || option === 'auto') return option;
  const profile = option as Partial<ModelProfile> | null;
  const shaped =
    typeof profile === 'object' &&
    profile !== null &&
    typeof profile.id === 'string' &&
    ['sync', 'async', 'both'].includes(profile.functionCalling?.modes as string) &&
    typeof profile.clientContent?.midSession === 'string' &&
    typeof profile.sessionLimits?.audioVideoWithoutCompressionMs === 'number' &&
    typeof profile.resumption?.resumableWhileCallsRun === 'boolean';
  if (!shaped) {
    throw new LivetoolsError(
      'INVALID_OPTION',
      "createFakeLiveServer: profile must be 'auto' or a ModelProfile, e.g. resolveModelProfile('gemini-3.8-live').profile.",
    );
  }
  return option as ModelProfile;
}

/**
 * The model's state when a resumption handle was issued, which a connection that resumes with
 * the handle takes over. @internal
 */
export interface ProfileSnapshot {
  /** Calls the model ran then, with their behaviour. */
  readonly running: ReadonlyMap<string, FunctionBehavior>;
  readonly generating: boolean;
  readonly interactionStatus: FakeInteractionStatus | undefined;
  readonly conversationStarted: boolean;
  readonly sessionStartedAt: number;
  readonly sawVideo: boolean;
  readonly idleOwed: boolean;
}

/** What the emulator needs from its connection. @internal */
export interface ProfileHooks {
  /** Sends a frame at once, bypassing the hold. */
  readonly sendNow: (frame: LiveServerFrame) => void;
  readonly close: (code: number, reason: string) => void;
  readonly clock: FakeLiveClock;
}

/** What a received frame led to. @internal */
export interface ReceiveOutcome {
  readonly violation?: FakeLiveProfileViolation;
}

const heldContentKeys = [
  'modelTurn',
  'turnComplete',
  'generationComplete',
  'outputTranscription',
  'interactionStatus',
];

/**
 * The state of one connection under a profile. @internal
 */
export class ProfileEmulator {
  readonly profile: ModelProfile;
  readonly #hooks: ProfileHooks;
  readonly #declared = new Map<string, FunctionBehavior>();
  readonly #historySeeding: boolean;
  readonly #compression: boolean;
  /** Calls issued and neither finished (a final response) nor cancelled, with their behaviour. */
  readonly #running = new Map<string, FunctionBehavior>();
  readonly #held: LiveServerFrame[] = [];
  readonly #timers: Subscription[] = [];
  #generating = false;
  #interactionStatus: FakeInteractionStatus | undefined;
  #conversationStarted = false;
  #sawVideo = false;
  #videoLimitScheduled = false;
  #sessionStartedAt = 0;
  #disposed = false;
  /**
   * A turn ended with the `IN_PROGRESS` the profile chose (calls still ran): the model owes an
   * `IDLE` once the last of them ends, as the real model reports its task done.
   */
  #idleOwed = false;

  constructor(profile: ModelProfile, setup: LiveSetup, hooks: ProfileHooks) {
    this.profile = profile;
    this.#hooks = hooks;
    for (const tool of Array.isArray(setup.tools) ? setup.tools : []) {
      const declarations = tool?.functionDeclarations;
      for (const declaration of Array.isArray(declarations) ? declarations : []) {
        if (typeof declaration?.name !== 'string') continue;
        const behavior = declaration.behavior;
        if (behavior === 'BLOCKING' || behavior === 'NON_BLOCKING')
          this.#declared.set(declaration.name, behavior);
      }
    }
    const history = setup.historyConfig as { initialHistoryInClientContent?: unknown } | undefined;
    this.#historySeeding = history?.initialHistoryInClientContent === true;
    this.#compression =
      typeof setup.contextWindowCompression === 'object' && setup.contextWindowCompression !== null;
  }

  /** How the model runs a call to `name`: as declared where the model allows it, else its default. */
  behaviorOf(name: string): FunctionBehavior {
    const { modes, defaultBehavior } = this.profile.functionCalling;
    if (modes === 'sync') return 'BLOCKING';
    if (modes === 'async') return 'NON_BLOCKING';
    return this.#declared.get(name) ?? defaultBehavior;
  }

  /** A violation in the setup itself, checked before `setupComplete`. */
  checkSetup(): FakeLiveProfileViolation | undefined {
    if (this.profile.functionCalling.modes !== 'sync') return undefined;
    const names = [...this.#declared].filter(([, b]) => b === 'NON_BLOCKING').map(([name]) => name);
    if (names.length === 0) return undefined;
    return {
      code: 'NON_BLOCKING_ON_SYNC_MODEL',
      message: `${this.profile.id} runs function calls synchronously only, but ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} declared NON_BLOCKING: declare every function BLOCKING (or leave behavior out).`,
    };
  }

  /**
   * Starts the session clocks (at `setupComplete`). A resumed session takes over the model's
   * state at its handle (the calls it ran, generation, interaction status), keeps the start of
   * the session it resumes, and its video (`sawVideoSince`: video that came after the handle,
   * which the time limit counts all the same).
   */
  start(resumedFrom: ProfileSnapshot | undefined, sawVideoSince = false): void {
    const now = this.#hooks.clock.scheduler.now();
    this.#sessionStartedAt = resumedFrom?.sessionStartedAt ?? now;
    if (resumedFrom !== undefined) {
      for (const [id, behavior] of resumedFrom.running) this.#running.set(id, behavior);
      this.#generating = resumedFrom.generating;
      this.#interactionStatus = resumedFrom.interactionStatus;
      this.#conversationStarted = resumedFrom.conversationStarted;
      this.#idleOwed = resumedFrom.idleOwed;
    }
    if (this.#compression) return;
    this.#scheduleLimit(
      this.profile.sessionLimits.audioOnlyWithoutCompressionMs,
      FAKE_LIVE_CLOSES.audioOnlySessionLimit,
    );
    if (resumedFrom?.sawVideo || sawVideoSince) this.#videoSeen();
  }

  /** The model's state now, for a resumption handle issued now. */
  snapshot(): ProfileSnapshot {
    return {
      running: new Map(this.#running),
      generating: this.#generating,
      interactionStatus: this.#interactionStatus,
      conversationStarted: this.#conversationStarted,
      sessionStartedAt: this.#sessionStartedAt,
      sawVideo: this.#sawVideo,
      idleOwed: this.#idleOwed,
    };
  }

  /** When the session started, on the clock's scheduler (a resumed session keeps the first start). */
  get sessionStartedAt(): number {
    return this.#sessionStartedAt;
  }

  /** True once the session received video. */
  get sawVideo(): boolean {
    return this.#sawVideo;
  }

  /** Calls the model runs now: ids with their behaviour. */
  get runningCalls(): ReadonlyMap<string, FunctionBehavior> {
    return this.#running;
  }

  /** Frames the model holds back until it has the responses it waits for. */
  get heldFrames(): readonly LiveServerFrame[] {
    return this.#held;
  }

  /** True when a resumption update may carry a handle now. */
  get resumable(): boolean {
    if (this.profile.resumption.resumableWhileCallsRun) return true;
    return this.#running.size === 0 && !this.#generating && this.#interactionStatus !== 'IN_PROGRESS';
  }

  /**
   * The `interactionStatus` a turnComplete carries when the test does not say (extended
   * thinking): `IN_PROGRESS` while calls run, and the model then owes an `IDLE` once they end.
   */
  defaultTurnCompleteStatus(): FakeInteractionStatus | undefined {
    if (this.profile.idleSignal !== 'interactionStatus') return undefined;
    if (this.#running.size === 0) return 'IDLE';
    this.#idleOwed = true;
    return 'IN_PROGRESS';
  }

  /** True when `frame` must wait: the model waits for a blocking call's response before anything else. */
  holds(frame: LiveServerFrame): boolean {
    if (this.#held.length > 0) return isModelOutput(frame);
    return this.#waiting() && isModelOutput(frame);
  }

  /** Keeps a frame until the responses the model waits for arrive. */
  hold(frame: LiveServerFrame): void {
    this.#held.push(frame);
  }

  /** Records what the server sent. */
  sent(frame: LiveServerFrame): void {
    for (const call of frame.toolCall?.functionCalls ?? []) {
      this.#running.set(call.id, this.behaviorOf(call.name));
      this.#conversationStarted = true;
    }
    for (const id of frame.toolCallCancellation?.ids ?? []) this.#running.delete(id);
    const content = frame.serverContent;
    if (content === undefined) {
      this.#payIdle();
      return;
    }
    if (content.modelTurn !== undefined || content.outputTranscription !== undefined) {
      this.#generating = true;
      this.#conversationStarted = true;
    }
    if (content.turnComplete === true || content.interrupted === true) this.#generating = false;
    if (content.interactionStatus !== undefined) {
      this.#interactionStatus = content.interactionStatus === 'IN_PROGRESS' ? 'IN_PROGRESS' : 'IDLE';
      if (this.#interactionStatus === 'IDLE') this.#idleOwed = false;
    }
  }

  /** Sends the `IDLE` the model owes once its last call has ended (extended thinking). */
  #payIdle(): void {
    if (!this.#idleOwed || this.#running.size > 0 || this.#disposed || this.#held.length > 0) return;
    this.#idleOwed = false;
    const frame: LiveServerFrame = { serverContent: { turnComplete: true, interactionStatus: 'IDLE' } };
    this.#hooks.sendNow(frame);
    this.sent(frame);
  }

  /** Applies the profile to one client frame received after the setup. */
  received(frame: LiveClientFrame): ReceiveOutcome {
    const violation = this.#violation(frame);
    if (violation !== undefined) return { violation };
    const responses = frame.toolResponse?.functionResponses;
    for (const response of Array.isArray(responses) ? responses : []) {
      if (typeof response?.id === 'string' && response.willContinue !== true)
        this.#running.delete(response.id);
    }
    const input = frame.realtimeInput;
    if (input !== undefined && isVideo(input)) this.#videoSeen();
    // History that seeds the conversation (no turnComplete) does not start it; anything else does.
    if (input !== undefined || frame.clientContent?.turnComplete === true) this.#conversationStarted = true;
    // A clientContent turn is new input when it asks for an answer (turnComplete); without it,
    // it only adds context (seeding history, or a result the model need not answer).
    if (frame.clientContent?.turnComplete === true || isNewInput(input)) this.#cancelBlockingCalls();
    this.release();
    this.#payIdle();
    return {};
  }

  /** A media chunk counted without being parsed (`recordMedia: false`). */
  unparsedMedia(kind: 'audio' | 'video' | 'other'): void {
    this.#conversationStarted = true;
    if (kind === 'video') this.#videoSeen();
  }

  /** Frees the timers (the connection closed). */
  dispose(): void {
    this.#disposed = true;
    for (const timer of this.#timers) timer.unsubscribe();
    this.#timers.length = 0;
  }

  #waiting(): boolean {
    for (const behavior of this.#running.values()) if (behavior === 'BLOCKING') return true;
    return false;
  }

  #violation(frame: LiveClientFrame): FakeLiveProfileViolation | undefined {
    const id = this.profile.id;
    if (
      frame.clientContent !== undefined &&
      this.profile.clientContent.midSession === 'initial-history-only'
    ) {
      if (!this.#historySeeding || this.#conversationStarted) {
        return {
          code: 'CLIENT_CONTENT_MID_SESSION',
          message: `${id} takes clientContent only to seed the initial history (historyConfig.initialHistoryInClientContent, before the first turn): send mid-session text as realtimeInput.text.`,
        };
      }
    }
    const responses = frame.toolResponse?.functionResponses;
    if (!this.profile.functionCalling.willContinue && Array.isArray(responses)) {
      const streamed = responses.find((r) => r?.willContinue === true);
      if (streamed !== undefined) {
        // The id is the client's: String() of an object whose toString is not a function throws.
        const callId = streamed.id;
        const call =
          typeof callId === 'string' || typeof callId === 'number'
            ? `call "${callId}"`
            : callId === undefined
              ? 'a call without an id'
              : `a call whose id is ${callId === null ? 'null' : typeof callId === 'object' ? 'an object' : `a ${typeof callId}`}`;
        return {
          code: 'WILL_CONTINUE_UNSUPPORTED',
          message: `${id} (${this.profile.platform}) does not accept willContinue: send one final response per call (${call}) and deliver later updates another way.`,
        };
      }
    }
    return undefined;
  }

  #cancelBlockingCalls(): void {
    if (!this.profile.functionCalling.blockingCancelledOnNewInput) return;
    const ids = [...this.#running].filter(([, b]) => b === 'BLOCKING').map(([id]) => id);
    if (ids.length === 0) return;
    const frame: LiveServerFrame = { toolCallCancellation: { ids } };
    this.#hooks.sendNow(frame);
    this.sent(frame);
  }

  /** Sends the held frames, in order, once the model no longer waits for a response. */
  release(): void {
    while (this.#held.length > 0 && !this.#waiting() && !this.#disposed) {
      const frame = this.#held.shift()!;
      this.#hooks.sendNow(frame);
      this.sent(frame);
    }
  }

  #videoSeen(): void {
    if (this.#videoLimitScheduled) return;
    this.#sawVideo = true;
    if (this.#compression || this.#disposed) return;
    this.#videoLimitScheduled = true;
    this.#scheduleLimit(
      this.profile.sessionLimits.audioVideoWithoutCompressionMs,
      FAKE_LIVE_CLOSES.audioVideoSessionLimit,
    );
  }

  /** Closes the connection once `limitMs` (scaled) have passed since the session started. */
  #scheduleLimit(limitMs: number, close: { readonly code: number; readonly reason: string }): void {
    const { clock } = this.#hooks;
    const elapsed = (clock.scheduler.now() - this.#sessionStartedAt) / clock.timeScale;
    this.#timers.push(after(clock, limitMs - elapsed, () => this.#hooks.close(close.code, close.reason)));
  }
}

/** Model output and calls: what a model that waits for a response does not send meanwhile. */
function isModelOutput(frame: LiveServerFrame): boolean {
  if (frame.toolCall !== undefined) return true;
  const content = frame.serverContent;
  if (content === undefined) return false;
  return heldContentKeys.some((key) => content[key as keyof typeof content] !== undefined);
}

/** Input that starts a new user turn: text, or the start of speech (the fake has no voice detection). */
function isNewInput(input: LiveClientFrame['realtimeInput']): boolean {
  return input !== undefined && (typeof input.text === 'string' || input.activityStart !== undefined);
}

function isVideo(input: NonNullable<LiveClientFrame['realtimeInput']>): boolean {
  if (input.video !== undefined) return true;
  const chunks = input.mediaChunks;
  return (
    Array.isArray(chunks) &&
    chunks.some((chunk) => {
      const mime = (chunk as { mimeType?: unknown } | null)?.mimeType;
      return typeof mime === 'string' && (mime.startsWith('image/') || mime.startsWith('video/'));
    })
  );
}
