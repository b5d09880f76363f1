/**
 * The entry of a decode worker ({@link DecodePool}): turns base64 frames into luma thumbnails off
 * the main thread. Loaded as `dist/decode-worker.js`, or from source through tsx under the tests.
 *
 * @packageDocumentation
 */

import { parentPort } from 'node:worker_threads';
import { decodeFrameData } from './decode/decode-frame-data.js';
import { FrameDecodeError } from './decode/frame-decode-error.js';
import type { DecodeReply, DecodeRequest } from './decode-pool.js';

const port = parentPort;
if (port === null) throw new Error('decode-worker.js must be started as a worker thread.');

port.on('message', (request: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const t = decodeFrameData(request.data, request.mimeType, request.options);
    reply = { id: request.id, ok: true, ...t };
  } catch (error) {
    reply = {
      id: request.id,
      ok: false,
      code: FrameDecodeError.isInstance(error) ? error.code : undefined,
      message:
        error instanceof Error
          ? error.message
          : 'The frame decoder failed with a value that is not an Error.',
    };
  }
  port.postMessage(reply, reply.ok ? [reply.pixels.buffer as ArrayBuffer] : []);
});
