/**
 * The AudioWorkletGlobalScope names that public/mic-worklet.js uses; TypeScript's lib.dom does not
 * declare them.
 */

/** The base class of every audio worklet processor. */
declare class AudioWorkletProcessor {
  /** The port to the AudioWorkletNode on the main thread. */
  readonly port: MessagePort;
}

/** Registers a processor class under a name for `new AudioWorkletNode(context, name)`. */
declare function registerProcessor(
  name: string,
  processorCtor: new (options?: AudioWorkletNodeOptions) => AudioWorkletProcessor,
): void;

/** The sample rate of the AudioContext the worklet runs in, in Hz. */
declare const sampleRate: number;
