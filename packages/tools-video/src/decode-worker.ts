/**
 * The entry of a decode worker ({@link DecodePool}): turns base64 frames into luma thumbnails off
 * the main thread. Loaded as `dist/decode-worker.js`, or from source through tsx under the tests.
 *
 * @packageDocumentation
 */

import { parentPort } from 'node:worker_threads';
import { scratchBytes } from './decode/base64-scratch.js';
import { FrameDecodeError } from './decode/frame-decode-error.js';
import { decodeLumaThumbnail } from './decode/index.js';
import type { DecodeReply, DecodeRequest } from './decode-pool.js';

const port = parentPort;
if (port === null) throw new Error('decode-worker.js must be started as a worker thread.');

port.on('message', (request: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const t = decodeLumaThumbnail(scratchBytes(request.data), request.mimeType);
    reply = { id: request.id, ok: true, ...t };
  } catch (error) {
    reply = {
      id: request.id,
      ok: false,
      code: FrameDecodeError.isInstance(error) ? error.code : undefined,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(reply, reply.ok ? [reply.pixels.buffer as ArrayBuffer] : []);
});
