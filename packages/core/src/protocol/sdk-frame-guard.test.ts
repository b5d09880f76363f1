import { GoogleGenAI } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LivetoolsError } from '../errors.js';
import { createLiveAgent } from '../session/create-live-agent.js';
import { createFakeLiveServer } from '../testing/index.js';
import type { Logger } from '../tool/context.js';
import { defineTool } from '../tool/define-tool.js';
import type { GenAIClient } from './genai-like.js';
import { checkServerFrame, screenFrames } from './sdk-frame-guard.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('checkServerFrame', () => {
  it.each([
    ['a JSON object in a string', '{"setupComplete":{}}'],
    ['a JSON object in a Buffer', Buffer.from('{"serverContent":{"turnComplete":true}}')],
    ['a JSON object in an ArrayBuffer', text('{"goAway":{"timeLeft":"1s"}}').buffer],
    ['a JSON object in a Uint8Array', text('{"goAway":{"timeLeft":"1s"}}')],
    ['an empty JSON object with spaces around', '  {}\n'],
  ])('accepts %s', (_what, data) => {
    expect(checkServerFrame(data)).toBeUndefined();
  });

  it.each([
    ['a truncated object', '{"serverContent": {"modelTu', /Unterminated string/],
    ['an empty frame', '', /Unexpected end of JSON input/],
    ['trailing garbage', '{"a":1}}', /Unexpected non-whitespace character/],
    ['null', 'null', /it is null/],
    ['a number', '42', /it is a number/],
    ['a string', '"x"', /it is a string/],
    ['an array', '[{"setupComplete":{}}]', /it is an array/],
    ['invalid UTF-8 in a Buffer', Buffer.from([0xff, 0xfe, 0x7b]), /JSON/],
    // Read as Buffer.toString() reads it, the byte order mark kept: JSON has no place for it.
    ['a Buffer that starts with a byte order mark', Buffer.from('\ufeff{}'), /JSON/],
    ['a truncated object in an ArrayBuffer', text('{"toolCall":').buffer, /Unexpected end of JSON input/],
  ])('refuses %s with a MALFORMED_FRAME error that says why', (_what, data, why) => {
    const error = checkServerFrame(data);
    expect(LivetoolsError.isInstance(error)).toBe(true);
    expect(error?.code).toBe('MALFORMED_FRAME');
    expect(error?.message).toMatch(/^Ignored a frame from the Live server that is not a JSON object \(/);
    expect(error?.message).toMatch(why);
    expect(error?.message).toMatch(/The session carries on\./);
  });

  it('quotes at most the first 200 characters of a long frame, as a JSON string', () => {
    const frame = `{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"data":"${'A'.repeat(100_000)}`;
    const message = checkServerFrame(frame)?.message ?? '';
    expect(message).toContain(`${JSON.stringify(frame.slice(0, 200)).slice(0, -1)}..."`);
    expect(message.length).toBeLessThan(600);
  });

  it('quotes control characters escaped, so a frame cannot garble a log line', () => {
    const message = checkServerFrame('\u001b[2J\nnot json')?.message ?? '';
    expect([...message].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(message).toContain('\\u001b[2J\\nnot json');
  });

  it('refuses a payload whose string conversion throws, without throwing', () => {
    const hostile = Object.create(null) as object;
    const error = checkServerFrame(hostile);
    expect(error?.code).toBe('MALFORMED_FRAME');
    expect(error?.message).toMatch(/cannot be read as text/);
  });

  it('leaves a Blob to the SDK (its Node socket never delivers one; it cannot be read synchronously)', () => {
    expect(checkServerFrame(new Blob(['not json']))).toBeUndefined();
  });
});

/** A stand-in for `ai.live`: a socket factory, and a connect that feeds frames through what it creates. */
function fakeLive() {
  const delivered: unknown[] = [];
  let socket: { onmessage: (event: { data: unknown }) => void } | undefined;
  const live = {
    webSocketFactory: {
      create: (
        _url: string,
        _headers: Record<string, string>,
        callbacks: { onmessage: (e: { data: unknown }) => void },
      ) => {
        socket = callbacks;
        return {};
      },
    },
    connect(this: { webSocketFactory: { create: (u: string, h: object, c: object) => unknown } }) {
      this.webSocketFactory.create(
        'ws://x',
        {},
        { onmessage: (e: { data: unknown }) => delivered.push(e.data) },
      );
      return Promise.resolve({} as never);
    },
  };
  const feed = (data: unknown) => socket?.onmessage({ data });
  return { live, delivered, feed };
}

describe('screenFrames', () => {
  it('passes JSON objects to the SDK and reports everything else, without modifying ai.live', async () => {
    const { live, delivered, feed } = fakeLive();
    const original = live.webSocketFactory;
    const reported: LivetoolsError[] = [];
    const screened = screenFrames(live as unknown as GenAIClient['live'], (e) => reported.push(e));
    expect(screened).not.toBe(live);
    await screened.connect({ model: 'm', callbacks: {} as never });
    feed('{"setupComplete":{}}');
    feed('{"serverContent":');
    feed('[]');
    feed('{"toolCall":{}}');
    expect(delivered).toEqual(['{"setupComplete":{}}', '{"toolCall":{}}']);
    expect(reported.map((e) => e.code)).toEqual(['MALFORMED_FRAME', 'MALFORMED_FRAME']);
    expect(live.webSocketFactory).toBe(original);
    expect(Object.keys(live)).toEqual(['webSocketFactory', 'connect']);
  });

  it('hands the SDK the text it read (a binary frame is decoded once, not again by the SDK)', async () => {
    const { live, delivered, feed } = fakeLive();
    const screened = screenFrames(live as unknown as GenAIClient['live'], () => {});
    await screened.connect({ model: 'm', callbacks: {} as never });
    feed(new TextEncoder().encode('{"toolCall":{"functionCalls":[]}}').buffer);
    feed(Buffer.from('{"setupComplete":{}}'));
    feed('{"usageMetadata":{}}');
    expect(delivered).toEqual([
      '{"toolCall":{"functionCalls":[]}}',
      '{"setupComplete":{}}',
      '{"usageMetadata":{}}',
    ]);
  });

  it('contains a report that throws: nothing escapes into the socket listener', async () => {
    const { live, delivered, feed } = fakeLive();
    const screened = screenFrames(live as unknown as GenAIClient['live'], () => {
      throw new Error('logger down');
    });
    await screened.connect({ model: 'm', callbacks: {} as never });
    expect(() => feed('nope')).not.toThrow();
    feed('{}');
    expect(delivered).toEqual(['{}']);
  });

  it('returns a client without a socket factory as it is (a stand-in client parses nothing)', () => {
    const live = { connect: () => Promise.resolve({} as never) };
    expect(screenFrames(live, () => {})).toBe(live);
  });
});

describe.each([
  ['@google/genai 3.x', (baseUrl: string) => new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl } })],
  [
    '@google/genai 2.x',
    (baseUrl: string) =>
      new GoogleGenAI2({ apiKey: 'k', httpOptions: { baseUrl } }) as unknown as GenAIClient,
  ],
])('the SDK hook, %s', (_name, client) => {
  it('keeps its socket factory on ai.live (if an upgrade moves it, frames are no longer screened: this fails)', () => {
    const live = client('http://127.0.0.1:1').live as unknown as { webSocketFactory?: { create?: unknown } };
    expect(typeof live.webSocketFactory?.create).toBe('function');
  });

  it('a bad frame before setupComplete is reported and the session still opens and answers a call', async () => {
    await using server = await createFakeLiveServer({
      onSetup: (_setup, connection) => {
        connection.sendRaw('{"serverContent": {"modelTurn"');
        return 'accept';
      },
    });
    const warnings: unknown[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (m, d) => warnings.push([m, d]),
      error: (m, d) => warnings.push([m, d]),
    };
    const agent = createLiveAgent({
      ai: client(server.url),
      model: 'gemini-3.8-live',
      tools: [
        defineTool({ name: 'ping', description: 'Pong.', parameters: z.object({}), execute: () => 'pong' }),
      ],
      logger,
    });
    await using session = await agent.connect();
    const connection = await server.waitForConnection();
    const id = connection.callTool('ping');
    expect((await connection.waitForToolResponse(id)).output).toBe('pong');
    expect(session.isOpen).toBe(true);
    expect(warnings).toEqual([
      [
        'ignored a server frame that is not a JSON object',
        { error: expect.stringMatching(/^Ignored a frame from the Live server that is not a JSON object/) },
      ],
    ]);
  });

  it('a Vertex AI client is screened the same way', async () => {
    await using server = await createFakeLiveServer();
    const vertex =
      _name === '@google/genai 3.x'
        ? new GoogleGenAI({ vertexai: true, apiKey: 'k', httpOptions: { baseUrl: server.url } })
        : (new GoogleGenAI2({
            vertexai: true,
            apiKey: 'k',
            httpOptions: { baseUrl: server.url },
          }) as unknown as GenAIClient);
    const agent = createLiveAgent({
      ai: vertex,
      model: 'gemini-3.8-live',
      delivery: 'client-content',
      tools: [
        defineTool({ name: 'ping', description: 'Pong.', parameters: z.object({}), execute: () => 'pong' }),
      ],
    });
    await using session = await agent.connect();
    const errors: Error[] = [];
    session.events$.subscribe((e) => {
      if (e.type === 'error') errors.push(e.error);
    });
    const connection = await server.waitForConnection();
    connection.sendRaw('null');
    connection.sendRaw('{"toolCall": {"functionCalls": [');
    const id = connection.callTool('ping');
    await connection.waitForToolResponse(id);
    expect(errors.map((e) => (e as LivetoolsError).code)).toEqual(['MALFORMED_FRAME', 'MALFORMED_FRAME']);
  });
});
