// @ts-check
/**
 * The camera: getUserMedia video shown in a preview, and JPEG frames taken at a chosen rate. A frame
 * is skipped (never queued) while the previous one is still being encoded or sent.
 */

import { toBase64 } from './base64.js';

const MAX_WIDTH = 640;
const MAX_HEIGHT = 480;
const JPEG_QUALITY = 0.7;

/**
 * @typedef {object} CameraHandlers
 * @property {(base64: string) => void} onFrame one JPEG frame, base64
 * @property {() => boolean} canSend false to skip this frame (socket closed or backed up)
 * @property {() => void} onEnded the camera went away (unplugged, or permission revoked)
 */

export class Camera {
  /**
   * @param {HTMLVideoElement} preview
   * @param {CameraHandlers} handlers
   */
  constructor(preview, handlers) {
    this.preview = preview;
    this.handlers = handlers;
    /** @type {MediaStream | undefined} */
    this.stream = undefined;
    this.fps = 1;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    /** A frame is being encoded or sent. */
    this.busy = false;
    this.canvas = document.createElement('canvas');
    this.sent = 0;
  }

  get running() {
    return this.stream !== undefined;
  }

  async start() {
    if (this.running) return;
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: MAX_WIDTH }, height: { ideal: MAX_HEIGHT } },
      audio: false,
    });
    this.stream = stream;
    for (const track of stream.getVideoTracks()) {
      track.addEventListener('ended', () => {
        if (this.stream !== stream) return;
        this.stop();
        this.handlers.onEnded();
      });
    }
    this.preview.srcObject = stream;
    await this.preview.play().catch(() => {});
    this.schedule();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.preview.srcObject = null;
    this.busy = false;
  }

  /**
   * Changes the frame rate; takes effect at once.
   *
   * @param {number} fps
   */
  setFps(fps) {
    if (!(fps > 0)) return;
    this.fps = fps;
    if (this.running) this.schedule();
  }

  schedule() {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.capture(), 1000 / this.fps);
  }

  async capture() {
    const video = this.preview;
    if (this.busy || !this.running || video.videoWidth === 0 || !this.handlers.canSend()) {
      return;
    }
    this.busy = true;
    try {
      const scale = Math.min(1, MAX_WIDTH / video.videoWidth, MAX_HEIGHT / video.videoHeight);
      const width = Math.round(video.videoWidth * scale);
      const height = Math.round(video.videoHeight * scale);
      if (this.canvas.width !== width) this.canvas.width = width;
      if (this.canvas.height !== height) this.canvas.height = height;
      const context = this.canvas.getContext('2d');
      if (!context) return;
      context.drawImage(video, 0, 0, width, height);
      /** @type {Blob | null} */
      const blob = await new Promise((resolve) => this.canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
      if (!blob || !this.running) return;
      const data = toBase64(await blob.arrayBuffer());
      if (!this.running || !this.handlers.canSend()) {
        return;
      }
      this.handlers.onFrame(data);
      this.sent++;
    } finally {
      this.busy = false;
    }
  }
}
