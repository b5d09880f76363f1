// @ts-check
/**
 * The agent's voice: PCM16 chunks scheduled back to back on an AudioContext timeline, so they play
 * without gaps; `interrupt()` silences everything scheduled at once.
 */

import { fromBase64 } from './base64.js';

/** How far ahead of "now" a chunk starts when the timeline has run dry, in seconds. */
const LEAD = 0.05;

export class AudioPlayer {
  /** @param {AudioContext} context */
  constructor(context) {
    this.context = context;
    /** When the next chunk starts, in context time; 0 when nothing is scheduled. */
    this.nextTime = 0;
    /** @type {Set<AudioBufferSourceNode>} */
    this.sources = new Set();
    this.output = context.createGain();
    this.output.connect(context.destination);
  }

  /**
   * Schedules one chunk after the ones already scheduled. Returns false (dropping it) while the
   * context is not running, i.e. before the page got a click.
   *
   * @param {string} base64 16-bit little-endian PCM, mono
   * @param {number} sampleRate
   * @returns {boolean}
   */
  play(base64, sampleRate) {
    if (this.context.state !== 'running') return false;
    const bytes = fromBase64(base64);
    const frames = bytes.byteLength >> 1;
    if (frames === 0) return true;
    const view = new DataView(bytes.buffer, bytes.byteOffset, frames * 2);
    const buffer = this.context.createBuffer(1, frames, sampleRate);
    const samples = buffer.getChannelData(0);
    for (let i = 0; i < frames; i++) samples[i] = view.getInt16(i * 2, true) / 0x8000;

    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.output);
    const startAt = Math.max(this.nextTime, this.context.currentTime + LEAD);
    source.start(startAt);
    this.nextTime = startAt + buffer.duration;
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      if (this.sources.size === 0) this.nextTime = 0;
    };
    return true;
  }

  /** Stops every scheduled chunk at once and resets the timeline. */
  interrupt() {
    for (const source of this.sources) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // Not started yet in some engines: disconnecting is enough.
      }
      source.disconnect();
    }
    this.sources.clear();
    this.nextTime = 0;
  }
}
