import type { IdleSignal } from '../profiles/model-profile.js';
import type { SessionEvent, TurnCompleteEvent } from '../session/live-events.js';
import type { Logger } from '../tool/context.js';
import type { WireServerContent, WireServerMessage } from './genai-like.js';
import {
  describeValue,
  idleTransition,
  isRecord,
  type ReadTurnComplete,
  readInteractionStatus,
  readInterimTranscription,
  readTurnComplete,
  readVoiceActivity,
} from './server-signals.js';

/** @internal What the reader acts on in its session. */
export interface ServerContentTarget {
  /** Publishes a session event. */
  publish(event: SessionEvent): void;
  /** The model speaks or works: writes that wait for idle are queued. */
  busy(): void;
  /** The model is idle: the writes waiting for it run. */
  idle(): void;
  /** The user interrupted the model: the runner applies its interruption policies. */
  interrupted(): void;
}

/**
 * @internal
 * Reads the model output, transcriptions and turn signals of server messages (`serverContent`
 * and `voiceActivity`) into session events, and keeps the session's idle state as the model
 * profile's idle signal says: `turnComplete`, or `interactionStatus` on extended thinking, where a
 * `turnComplete` ends one spoken part only. An interruption makes the model idle either way.
 */
export class ServerContentReader {
  /** The warning that `turnComplete` came without the `interactionStatus` the profile waits for was logged. */
  #warnedNoStatus = false;

  readonly #idleSignal: IdleSignal;
  readonly #target: ServerContentTarget;
  readonly #logger: Logger;
  readonly #model: string;

  constructor(idleSignal: IdleSignal, target: ServerContentTarget, logger: Logger, model: string) {
    this.#idleSignal = idleSignal;
    this.#target = target;
    this.#logger = logger;
    this.#model = model;
  }

  /** Reads one message's `serverContent` and `voiceActivity`; `time` stamps the events. */
  read(message: WireServerMessage, time: number): void {
    const content: unknown = message.serverContent;
    if (content !== undefined && !isRecord(content)) this.#ignore('serverContent', describeValue(content));
    else if (content) this.#readContent(content as WireServerContent, time);
    const voice = readVoiceActivity(message.voiceActivity, this.#ignore);
    if (voice) {
      const { activity, audioOffset } = voice;
      this.#target.publish(
        audioOffset === undefined
          ? { type: 'voice-activity', activity, time }
          : { type: 'voice-activity', activity, audioOffset, time },
      );
    }
  }

  #readContent(content: WireServerContent, time: number): void {
    const target = this.#target;
    for (const part of content.modelTurn?.parts ?? []) {
      const text: unknown = part.text;
      if (text !== undefined && !part.thought) {
        if (typeof text === 'string') {
          target.busy();
          target.publish({ type: 'model-text', text, time });
        } else this.#ignore('modelTurn.parts[].text', describeValue(text));
      }
      const data: unknown = part.inlineData?.data;
      if (data) {
        if (typeof data === 'string') {
          const mimeType: unknown = part.inlineData?.mimeType;
          target.busy();
          target.publish({
            type: 'model-audio',
            data,
            mimeType: typeof mimeType === 'string' ? mimeType : 'audio/pcm;rate=24000',
            time,
          });
        } else this.#ignore('modelTurn.parts[].inlineData.data', describeValue(data));
      }
    }
    const interim = readInterimTranscription(content.interimInputTranscription, this.#ignore);
    if (interim !== undefined) target.publish({ type: 'interim-input-transcription', text: interim, time });
    const input = this.#text('inputTranscription', content.inputTranscription);
    if (input) target.publish({ type: 'input-transcription', text: input, time });
    const output = this.#text('outputTranscription', content.outputTranscription);
    if (output) target.publish({ type: 'output-transcription', text: output, time });
    if (content.interrupted) {
      target.publish({ type: 'interrupted', time });
      target.interrupted();
      target.idle();
    }
    const turnComplete = Boolean(content.turnComplete);
    if (turnComplete) target.publish(turnCompleteEvent(readTurnComplete(content, this.#ignore), time));
    const status = readInteractionStatus(content.interactionStatus, this.#ignore);
    if (status)
      target.publish({ type: 'interaction-status', status: status.status, idle: status.idle, time });
    switch (idleTransition(this.#idleSignal, turnComplete, status)) {
      case 'idle':
        target.idle();
        break;
      case 'busy':
        target.busy();
        break;
      case 'no-status':
        this.#warnNoStatus();
        break;
      case 'unchanged':
        break;
    }
  }

  /** Once per session: results waiting for idle may wait long if the model never sends `interactionStatus`. */
  #warnNoStatus(): void {
    if (this.#warnedNoStatus) return;
    this.#warnedNoStatus = true;
    this.#logger.warn(
      'turnComplete came without interactionStatus, which this model profile takes as its idle signal: ' +
        'results waiting for the model to be idle are sent on interactionStatus IDLE or an interruption. ' +
        "If this model never sends interactionStatus, pass modelProfile: { idleSignal: 'turnComplete' } to createLiveAgent.",
      { model: this.#model },
    );
  }

  /** The `text` of a transcription, or `undefined` when it has none (one that is not a string is ignored). */
  #text(field: string, transcription: { text?: unknown } | undefined): string | undefined {
    const text: unknown = transcription?.text;
    if (typeof text === 'string') return text;
    if (text !== undefined) this.#ignore(`${field}.text`, describeValue(text));
    return undefined;
  }

  /** A server value of the wrong type or an unknown enum value, left out of the events: logged at debug level. */
  readonly #ignore = (field: string, got: string): void => {
    this.#logger.debug('ignored a server value livetools cannot read', { field, got });
  };
}

/**
 * The `turn-complete` event, one object literal per shape. Events built with a spread get hidden
 * classes that V8 reaches only through transitions it holds weakly: while no such event is alive
 * (between turns) a full garbage collection may drop them, and the code that reads turn signals is
 * then deoptimized and has to warm up again on the next turns.
 */
function turnCompleteEvent(read: ReadTurnComplete, time: number): TurnCompleteEvent {
  const { reason, waitingForInput } = read;
  if (reason === undefined) {
    return waitingForInput === undefined
      ? { type: 'turn-complete', time }
      : { type: 'turn-complete', waitingForInput, time };
  }
  return waitingForInput === undefined
    ? { type: 'turn-complete', reason, time }
    : { type: 'turn-complete', reason, waitingForInput, time };
}
