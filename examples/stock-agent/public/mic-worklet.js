// @ts-check
/**
 * The microphone's AudioWorkletProcessor: resamples the context's audio (44.1 kHz, 48 kHz...) to
 * 16 kHz mono with a windowed-sinc low-pass filter, converts it to 16-bit PCM and posts one chunk
 * per 40 ms to the main thread as `{ pcm: ArrayBuffer, level: number }` (level: RMS, 0..1).
 */

const OUTPUT_RATE = 16_000;
/** 40 ms at 16 kHz. */
const CHUNK_SAMPLES = 640;

/**
 * Low-pass FIR taps for resampling by `ratio` (input rate / output rate): a Blackman-windowed sinc
 * with its cutoff a little below the output Nyquist frequency, normalised to unit gain.
 *
 * @param {number} ratio
 * @returns {Float32Array}
 */
function lowPassTaps(ratio) {
  const half = Math.max(8, Math.ceil(ratio * 8));
  const length = 2 * half + 1;
  const cutoff = (0.45 / ratio) * 0.98; // cycles per input sample; 0.5 / ratio is the output Nyquist
  const taps = new Float32Array(length);
  let sum = 0;
  for (let n = 0; n < length; n++) {
    const x = n - half;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const phase = (2 * Math.PI * n) / (length - 1);
    const window = 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase);
    taps[n] = sinc * window;
    sum += sinc * window;
  }
  for (let n = 0; n < length; n++) taps[n] = (taps[n] ?? 0) / sum;
  return taps;
}

class MicProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    /** Input samples per output sample. */
    this.ratio = sampleRate / OUTPUT_RATE;
    this.taps = this.ratio > 1 ? lowPassTaps(this.ratio) : new Float32Array([1]);
    this.half = (this.taps.length - 1) / 2;
    /** Input not yet consumed, with `half` samples of history (zeros at first) before `position`. */
    this.input = new Float32Array(4096 + this.taps.length);
    this.inputLength = this.half;
    /** Where the next output sample lies in `input`, in (fractional) input samples. */
    this.position = this.half;
    this.chunk = new Int16Array(CHUNK_SAMPLES);
    this.chunkLength = 0;
    this.sumOfSquares = 0;
  }

  /**
   * The low-pass filtered input at integer index `index`.
   *
   * @param {number} index
   */
  filtered(index) {
    const { taps, input, half } = this;
    let value = 0;
    for (let k = 0; k < taps.length; k++) value += (taps[k] ?? 0) * (input[index - half + k] ?? 0);
    return value;
  }

  /**
   * @param {Float32Array[][]} inputs
   * @returns {boolean}
   */
  process(inputs) {
    const channels = inputs[0];
    const first = channels?.[0];
    if (!channels || !first) return true;
    this.append(channels, first.length);
    // An output sample at `position` needs filtered values at floor(position) and the next index,
    // each of which needs `half` input samples after it.
    while (Math.floor(this.position) + 1 + this.half < this.inputLength) {
      const index = Math.floor(this.position);
      const fraction = this.position - index;
      const a = this.filtered(index);
      const sample = fraction === 0 ? a : a + (this.filtered(index + 1) - a) * fraction;
      this.emit(sample);
      this.position += this.ratio;
    }
    const consumed = Math.floor(this.position) - this.half;
    if (consumed > 0) {
      this.input.copyWithin(0, consumed, this.inputLength);
      this.inputLength -= consumed;
      this.position -= consumed;
    }
    return true;
  }

  /**
   * Appends one render quantum, mixed down to mono.
   *
   * @param {Float32Array[]} channels
   * @param {number} frames
   */
  append(channels, frames) {
    if (this.inputLength + frames > this.input.length) {
      const grown = new Float32Array((this.inputLength + frames) * 2);
      grown.set(this.input.subarray(0, this.inputLength));
      this.input = grown;
    }
    const scale = 1 / channels.length;
    for (let i = 0; i < frames; i++) {
      let value = 0;
      for (const channel of channels) value += channel[i] ?? 0;
      this.input[this.inputLength + i] = value * scale;
    }
    this.inputLength += frames;
  }

  /** @param {number} sample */
  emit(sample) {
    const clamped = Math.max(-1, Math.min(1, sample));
    this.sumOfSquares += clamped * clamped;
    this.chunk[this.chunkLength++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
    if (this.chunkLength < CHUNK_SAMPLES) return;
    const level = Math.sqrt(this.sumOfSquares / CHUNK_SAMPLES);
    const pcm = this.chunk.buffer;
    this.port.postMessage({ pcm, level }, [pcm]);
    this.chunk = new Int16Array(CHUNK_SAMPLES);
    this.chunkLength = 0;
    this.sumOfSquares = 0;
  }
}

registerProcessor('mic-16k', MicProcessor);

// A module, so these names stay out of the pages' global scope when type-checked.
export {};
