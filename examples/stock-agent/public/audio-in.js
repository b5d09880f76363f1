// @ts-check
/**
 * The microphone: getUserMedia audio into an AudioWorklet (mic-worklet.js) that resamples to
 * 16 kHz mono PCM16 and posts 40 ms chunks.
 */

/**
 * @typedef {object} MicHandlers
 * @property {(pcm: ArrayBuffer) => void} onChunk 16-bit little-endian PCM, mono, 16 kHz
 * @property {(level: number) => void} onLevel RMS level of the last chunk, 0..1
 * @property {() => void} onEnded the microphone went away (unplugged, or permission revoked)
 */

/** @type {WeakSet<AudioContext>} contexts whose audioWorklet already has mic-worklet.js */
const loaded = new WeakSet();

export class Microphone {
  /** @param {MicHandlers} handlers */
  constructor(handlers) {
    this.handlers = handlers;
    /** @type {MediaStream | undefined} */
    this.stream = undefined;
    /** @type {MediaStreamAudioSourceNode | undefined} */
    this.source = undefined;
    /** @type {AudioWorkletNode | undefined} */
    this.node = undefined;
  }

  get running() {
    return this.stream !== undefined;
  }

  /**
   * Starts capturing into `context`.
   *
   * @param {AudioContext} context
   */
  async start(context) {
    if (this.running) return;
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
    try {
      if (!loaded.has(context)) {
        await context.audioWorklet.addModule(new URL('mic-worklet.js', import.meta.url));
        loaded.add(context);
      }
      const source = context.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(context, 'mic-16k', {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
      });
      node.port.onmessage = (/** @type {MessageEvent<{ pcm: ArrayBuffer; level: number }>} */ event) => {
        this.handlers.onChunk(event.data.pcm);
        this.handlers.onLevel(event.data.level);
      };
      source.connect(node);
      for (const track of stream.getAudioTracks()) {
        track.addEventListener('ended', () => {
          if (this.stream !== stream) return;
          this.stop();
          this.handlers.onEnded();
        });
      }
      this.stream = stream;
      this.source = source;
      this.node = node;
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      throw error;
    }
  }

  /** Stops capturing and releases the microphone. */
  stop() {
    this.source?.disconnect();
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.port.close();
    }
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.source = undefined;
    this.node = undefined;
    this.handlers.onLevel(0);
  }
}
