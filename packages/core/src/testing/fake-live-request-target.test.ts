import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LiveTestClient, sdk3 } from '../../test/support/live-client.js';
import { createFakeLiveServer } from './index.js';

/** Sends raw bytes (what an HTTP client refuses to send) and resolves with the status line of the answer. */
function rawStatus(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n');
      if (end >= 0) {
        resolve(received.slice(0, end));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () =>
      reject(new Error(`closed without an answer; received ${JSON.stringify(received)}`)),
    );
  });
}

const upgrade = (target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
const post = (target: string) =>
  `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n` +
  'Connection: close\r\n\r\n{}';

describe('fake Live server with a malformed request target', () => {
  it.each(['http://[', 'http://[/v1beta/models/m:generateContent', 'http://:99999/', '//[', '*'])(
    'answers 404 to %j, upgrade and plain request, and still serves a real SDK client',
    async (target) => {
      await using server = await createFakeLiveServer();
      server.generateContent.respond('ok');

      expect(await rawStatus(server.url, upgrade(target))).toMatch(/^HTTP\/1\.1 (400|404) /);
      expect(await rawStatus(server.url, post(target))).toMatch(/^HTTP\/1\.1 (400|404) /);

      const client = new LiveTestClient(sdk3, server.url);
      await client.connected();
      expect((await server.waitForConnection()).accepted).toBe(true);
    },
  );

  it('lives through clients that reset the connection right after a refused upgrade request', async () => {
    await using server = await createFakeLiveServer();
    const { hostname, port } = new URL(server.url);
    const resets = Array.from(
      { length: 100 },
      (_, i) =>
        new Promise<void>((resolve) => {
          const socket = connect(Number(port), hostname, () =>
            socket.write(upgrade(i % 2 === 0 ? '/nowhere' : 'http://['), () => {
              socket.resetAndDestroy();
              resolve();
            }),
          );
          socket.on('error', () => resolve());
        }),
    );
    await Promise.all(resets);

    const client = new LiveTestClient(sdk3, server.url);
    await client.connected();
    expect((await server.waitForConnection()).accepted).toBe(true);
  });
});
