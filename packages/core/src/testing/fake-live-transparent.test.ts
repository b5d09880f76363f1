/**
 * Transparent resumption in the fake Live server: `lastConsumedClientMessageIndex` in resumption
 * updates, the numbering carried over by a resumed connection, and the session state view. The
 * real SDK in Vertex AI mode, the only mode in which it sends `sessionResumption.transparent`.
 */
import { GoogleGenAI, type LiveServerMessage } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { createFakeLiveServer, type FakeLiveServer } from './index.js';

async function open(
  server: FakeLiveServer,
  sessionResumption: { transparent?: boolean; handle?: string },
  vertexai = true,
) {
  const ai = new GoogleGenAI({ vertexai, apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
  const messages: LiveServerMessage[] = [];
  const waiting = new Set<() => void>();
  const session = await ai.live.connect({
    model: 'gemini-live-test',
    config: { sessionResumption },
    callbacks: {
      onmessage: (m) => {
        messages.push(m);
        for (const w of waiting) w();
      },
    },
  });
  const connection = await server.waitForConnection();
  /** The next resumption update the client receives. */
  const nextUpdate = () =>
    new Promise<NonNullable<LiveServerMessage['sessionResumptionUpdate']>>((resolve) => {
      const seen = messages.length;
      const check = () => {
        const found = messages.slice(seen).find((m) => m.sessionResumptionUpdate);
        if (found) {
          waiting.delete(check);
          resolve(found.sessionResumptionUpdate!);
        }
      };
      waiting.add(check);
    });
  const send = async (n: number) => {
    for (let i = 0; i < n; i++) session.sendRealtimeInput({ text: `m${i}` });
    const target = connection.frames.length + n;
    await connection.waitForFrame(() => connection.frames.length >= target);
  };
  return { session, connection, nextUpdate, send };
}

describe('fake Live server: transparent resumption', () => {
  it('numbers client messages from 0 (setup not counted) and reports the last one in each update', async () => {
    await using server = await createFakeLiveServer();
    const a = await open(server, { transparent: true });
    expect(a.connection.platform).toBe('vertex-ai');
    expect(a.connection.transparent).toBe(true);
    expect(a.connection.lastConsumedClientMessageIndex).toBeUndefined();
    let update = a.nextUpdate();
    a.connection.sendResumptionUpdate('h-0');
    expect(await update).toEqual({ newHandle: 'h-0', resumable: true }); // nothing consumed yet
    a.session.sendToolResponse({ functionResponses: [{ id: 'c1', name: 'f', response: { output: 1 } }] });
    a.session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    await a.send(1);
    expect(a.connection.lastConsumedClientMessageIndex).toBe(2);
    update = a.nextUpdate();
    a.connection.sendResumptionUpdate('h-2');
    expect(await update).toEqual({ newHandle: 'h-2', resumable: true, lastConsumedClientMessageIndex: '2' });
    a.session.close();
  });

  it('continues the numbering on a resumed connection from the last message its handle covers', async () => {
    await using server = await createFakeLiveServer();
    const a = await open(server, { transparent: true });
    await a.send(2); // indexes 0, 1
    a.connection.sendResumptionUpdate('h-1');
    await a.send(1); // index 2: consumed after h-1 was issued
    a.session.close();

    const b = await open(server, { transparent: true, handle: 'h-1' });
    expect(b.connection.firstClientMessageIndex).toBe(2);
    expect(b.connection.lastConsumedClientMessageIndex).toBe(1);
    await b.send(1); // index 2 again: the resumed state does not hold the old connection's third message
    const update = b.nextUpdate();
    b.connection.sendResumptionUpdate('h-2');
    expect((await update).lastConsumedClientMessageIndex).toBe('2');
    expect(b.connection.sessionFrames.map((f) => f.realtimeInput?.text)).toEqual(['m0', 'm1', 'm0']);
    b.session.close();

    const c = await open(server, { transparent: true, handle: 'h-2' });
    expect(c.connection.sessionFrames).toHaveLength(3);
    expect(c.connection.firstClientMessageIndex).toBe(3);
    c.session.close();

    const unknown = await open(server, { transparent: true, handle: 'never-issued' });
    expect(unknown.connection.firstClientMessageIndex).toBe(0);
    expect(unknown.connection.sessionFrames).toEqual([]);
    unknown.session.close();
  });

  it('keeps function responses in the session state across resumptions', async () => {
    await using server = await createFakeLiveServer();
    const a = await open(server, { transparent: true });
    const respond = (s: typeof a.session, output: number) =>
      s.sendToolResponse({ functionResponses: [{ id: 'c1', name: 'f', response: { output } }] });
    respond(a.session, 1);
    await a.connection.waitForToolResponse('c1');
    a.connection.sendResumptionUpdate('h');
    respond(a.session, 2);
    await a.connection.waitForToolResponse('c1', (r) => r.output === 2);
    a.session.close();
    const b = await open(server, { transparent: true, handle: 'h' });
    respond(b.session, 3);
    await b.connection.waitForToolResponse('c1');
    expect(b.connection.sessionToolResponses('c1').map((r) => r.output)).toEqual([1, 3]);
    expect(b.connection.sessionToolResponses().map((r) => r.output)).toEqual([1, 3]);
    b.session.close();
  });

  it('with keepFrames, carries over the kept responses a handle covers, at their session indexes', async () => {
    await using server = await createFakeLiveServer({ keepFrames: 2 });
    const a = await open(server, { transparent: true });
    const respond = async (s: typeof a.session, connection: typeof a.connection, output: number) => {
      s.sendToolResponse({ functionResponses: [{ id: 'c1', name: 'f', response: { output } }] });
      await connection.waitForToolResponse('c1', (r) => r.output === output);
    };
    for (const output of [1, 2, 3]) await respond(a.session, a.connection, output); // session indexes 0-2
    a.connection.sendResumptionUpdate('h'); // covers 0-2, of which the connection keeps 1 and 2
    await respond(a.session, a.connection, 4); // index 3: after the handle; 1 is forgotten now
    expect(a.connection.toolResponses().map((r) => r.output)).toEqual([3, 4]);
    a.session.close();

    const b = await open(server, { transparent: true, handle: 'h' });
    expect(b.connection.firstClientMessageIndex).toBe(3);
    await respond(b.session, b.connection, 5);
    expect(b.connection.sessionToolResponses('c1').map((r) => r.output)).toEqual([3, 5]);
    expect(b.connection.lastConsumedClientMessageIndex).toBe(3);
    b.session.close();
  });

  it('sends no index without transparent resumption (the Gemini API), but still keeps the session state', async () => {
    await using server = await createFakeLiveServer();
    const a = await open(server, {}, false);
    expect(a.connection.platform).toBe('gemini-api');
    await a.send(1);
    const update = a.nextUpdate();
    a.connection.sendResumptionUpdate('h');
    expect(await update).toEqual({ newHandle: 'h', resumable: true });
    expect(a.connection.lastConsumedClientMessageIndex).toBe(0);
    a.session.close();
  });
});
