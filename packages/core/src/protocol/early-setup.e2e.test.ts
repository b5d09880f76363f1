/**
 * A server that sends a `setupComplete` with its handshake, in the same read as the WebSocket
 * upgrade, before the SDK has sent its setup: the SDK's message handler then reads its session
 * before `connect()` has declared it, throws a `ReferenceError` in a promise nothing handles, and
 * the process ends. The frame check reports such a frame and drops it; the session waits for the
 * `setupComplete` that answers its setup. A plain HTTP server plays the Live server here, so that
 * the upgrade and the frame go out in one write (a WebSocket server library writes them apart).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { afterEach, describe, expect, it } from 'vitest';
import type { LivetoolsError } from '../errors.js';
import type { GenAIClient, GenAILiveSession, WireServerMessage } from './genai-like.js';
import { connectLive, ParsedFrames } from './sdk-live.js';

/** An unmasked text frame from the server (payloads under 126 bytes). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new Error('test frames are short');
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

let server: Server | undefined;
let session: GenAILiveSession | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  session?.close();
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = session = undefined;
});

/**
 * A Live server that answers the upgrade with `{"setupComplete":{}}` in the same write, then, once
 * the client has sent anything (its setup), with a `setupComplete` of its own and `later`.
 */
async function eagerServer(later: string): Promise<string> {
  server = createServer();
  server.on('upgrade', (request, socket: Socket) => {
    sockets.add(socket);
    const accept = createHash('sha1')
      .update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      Buffer.concat([
        Buffer.from(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
        ),
        textFrame('{"setupComplete":{"early":true}}'),
      ]),
    );
    socket.once('data', () => {
      socket.write(Buffer.concat([textFrame('{"setupComplete":{}}'), textFrame(later)]));
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sdks = [
  ['@google/genai 3.x', (baseUrl: string) => new GoogleGenAI3({ apiKey: 'k', httpOptions: { baseUrl } })],
  ['@google/genai 2.x', (baseUrl: string) => new GoogleGenAI2({ apiKey: 'k', httpOptions: { baseUrl } })],
] as const;

describe.each(sdks)('%s: a setupComplete before the setup was sent', (_name, makeAi) => {
  it.each([
    ['with the parsed frames handed over (Gemini API)', true],
    ['with the frames screened only (as on Vertex AI)', false],
  ])(
    'is reported and dropped, and the session connects on the one that answers its setup (%s)',
    async (_mode, handOver) => {
      const later = '{"serverContent":{"modelTurn":{"parts":[{"text":"after setup"}]}}}';
      const ai = makeAi(await eagerServer(later)) as unknown as GenAIClient;
      const messages: WireServerMessage[] = [];
      const bad: LivetoolsError[] = [];
      let arrived: () => void = () => {};
      session = await connectLive(
        ai.live,
        {
          model: 'gemini-3.8-live',
          config: {},
          callbacks: {
            onmessage: (message) => {
              messages.push(message);
              arrived();
            },
            onerror: () => {},
            onclose: () => {},
          },
        },
        { onBadFrame: (error) => bad.push(error), ...(handOver && { parsed: new ParsedFrames() }) },
      );
      await new Promise<void>((resolve) => {
        arrived = () => {
          if (messages.length >= 2) resolve();
        };
        arrived();
      });
      expect(bad.map((e) => e.code)).toEqual(['MALFORMED_FRAME']);
      expect(bad[0]?.message).toMatch(
        /^Ignored a setupComplete frame from the Live server that came before the setup was sent/,
      );
      expect(bad[0]?.message).toContain('early');
      expect(JSON.parse(JSON.stringify(messages))).toEqual([
        { setupComplete: {} },
        { serverContent: { modelTurn: { parts: [{ text: 'after setup' }] } } },
      ]);
    },
  );
});
