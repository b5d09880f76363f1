/**
 * The frame check parses each server frame; the SDK would parse it again. On the Gemini API the
 * SDK is handed `{}` and the parsed frame is put into its message ({@link ParsedFrames}): checked
 * here with both SDK majors against the fake Live server, for the message the session gets and
 * for the number of parses.
 */
import { GoogleGenAI as GoogleGenAI3, LiveServerMessage as LiveServerMessage3 } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2, LiveServerMessage as LiveServerMessage2 } from 'genai2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LivetoolsError } from '../errors.js';
import { createFakeLiveServer, type FakeLiveConnection, type FakeLiveServer } from '../testing/index.js';
import type { GenAIClient, GenAILiveSession, WireServerMessage } from './genai-like.js';
import { connectLive, ParsedFrames } from './sdk-live.js';

const sdks = [
  [
    '@google/genai 3.x',
    (baseUrl: string) => new GoogleGenAI3({ apiKey: 'k', httpOptions: { baseUrl } }),
    LiveServerMessage3,
  ],
  [
    '@google/genai 2.x',
    (baseUrl: string) => new GoogleGenAI2({ apiKey: 'k', httpOptions: { baseUrl } }),
    LiveServerMessage2,
  ],
] as const;

/** Frames the session must get as sent: model text with a marker, a tool call, a turn signal. */
const frames = (marker: string) => [
  { serverContent: { modelTurn: { parts: [{ text: `first ${marker}` }] } } },
  { toolCall: { functionCalls: [{ id: `call-${marker}`, name: 'look', args: { word: marker, n: 2 } }] } },
  { serverContent: { turnComplete: true }, usageMetadata: { totalTokenCount: 7 } },
];

let server: FakeLiveServer | undefined;
let session: GenAILiveSession | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  session?.close();
  await server?.close();
  server = session = undefined;
});

/**
 * Connects through the adapter with the handover; `early` frames are sent right after setupComplete.
 * With `setupFrame`, the server sends that frame as its `setupComplete` instead of its own.
 */
async function open(
  makeAi: (baseUrl: string) => unknown,
  early: readonly object[] = [],
  setupFrame?: object,
) {
  let accepted: FakeLiveConnection | undefined;
  server = await createFakeLiveServer({
    onConnection: (connection) => {
      for (const frame of early) connection.sendRaw(frame);
    },
    ...(setupFrame && {
      onSetup: (_setup, connection) => {
        accepted = connection;
        connection.sendRaw(setupFrame);
        return 'ignore' as const;
      },
    }),
  });
  const ai = makeAi(server.url) as GenAIClient;
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
    { onBadFrame: (error) => bad.push(error), parsed: new ParsedFrames() },
  );
  const connection = accepted ?? (await server.waitForConnection());
  /** Resolves once `count` messages (setupComplete included) have reached the callback. */
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      arrived = () => {
        if (messages.length >= count) resolve();
      };
      arrived();
    });
  return { connection, messages, bad, until };
}

/** A message as data: its own enumerable fields, as JSON carries them. */
const data = (message: unknown) => JSON.parse(JSON.stringify(message)) as unknown;

describe.each(sdks)('%s: a frame is parsed once', (_name, makeAi, LiveServerMessage) => {
  it('gives the session the message the SDK makes, from one JSON.parse of the frame', async () => {
    const { connection, messages, bad, until } = await open(makeAi);
    await until(1); // setupComplete, which the SDK reads itself
    const parse = vi.spyOn(JSON, 'parse');
    const marker = `m${Math.random().toString(36).slice(2)}`;
    for (const frame of frames(marker)) connection.sendRaw(frame);
    await until(4);
    const parsesOfFrames = parse.mock.calls.filter(([text]) => String(text).includes(marker));
    expect(parsesOfFrames).toHaveLength(2); // the text frame and the tool call (not twice each)
    // After connect() resolved the frames skip the SDK's handler, and its parse of `{}` with it.
    expect(parse.mock.calls.map(([text]) => text)).toEqual([
      expect.stringContaining(marker),
      expect.stringContaining(marker),
      expect.stringContaining('turnComplete'),
    ]);
    expect(bad).toEqual([]);
    const got = messages.slice(1);
    expect(got.map(data)).toEqual(frames(marker));
    for (const message of got) expect(message).toBeInstanceOf(LiveServerMessage);
    // The SDK's getters read the filled message.
    expect((got[0] as InstanceType<typeof LiveServerMessage>).text).toBe(`first ${marker}`);
  });

  it('keeps the frames that come before connect() resolves, in order (the SDK queues them)', async () => {
    const marker = 'early';
    const { messages, until } = await open(makeAi, frames(marker));
    await until(4);
    expect(messages[0]?.setupComplete).toBeDefined();
    expect(messages.slice(1).map(data)).toEqual(frames(marker));
  });

  it('keeps the order across the switch from the SDK to the session at once, and the messages alike', async () => {
    const { connection, messages, until } = await open(makeAi, frames('early'));
    // Frames sent while connect() resolves and after: some through the SDK, the rest without it.
    for (const frame of frames('late')) connection.sendRaw(frame);
    await until(7);
    expect(messages.slice(1).map(data)).toEqual([...frames('early'), ...frames('late')]);
    for (const message of messages) expect(message).toBeInstanceOf(LiveServerMessage);
    expect(Object.getPrototypeOf(messages[6])).toBe(Object.getPrototypeOf(messages[1]));
  });

  it('keeps a frame whose field the SDK message has a getter for (text), before and after connect() resolves', async () => {
    // The SDK's own assignment of such a frame throws in a promise nobody handles (the process ends).
    const odd = {
      text: 'not the getter',
      toolCall: { functionCalls: [{ id: 'c1', name: 'look', args: {} }] },
    };
    const { connection, messages, bad, until } = await open(makeAi, [odd]);
    await until(2);
    connection.sendRaw(odd);
    await until(3);
    expect(bad).toEqual([]);
    for (const message of messages.slice(1)) {
      expect(message).toBeInstanceOf(LiveServerMessage);
      expect(data(message)).toEqual(odd);
      expect((message as { text?: unknown }).text).toBe('not the getter');
    }
  });

  it('keeps a setupComplete frame with a field the SDK message has a getter for (data), and connects', async () => {
    // The SDK reads setupComplete itself; assigning this whole frame would throw in its handler.
    const setup = { setupComplete: {}, data: 'not the getter' };
    const { connection, messages, bad, until } = await open(makeAi, [], setup);
    await until(1);
    connection.sendRaw(frames('after')[1]!);
    await until(2);
    expect(bad).toEqual([]);
    expect(messages.map(data)).toEqual([setup, frames('after')[1]]);
    expect((messages[0] as { data?: unknown }).data).toBe('not the getter');
    for (const message of messages) expect(message).toBeInstanceOf(LiveServerMessage);
  });

  it('still drops and reports a frame that is not a JSON object, and the next frame arrives whole', async () => {
    const { connection, messages, bad, until } = await open(makeAi);
    await until(1);
    connection.sendRawText('{"toolCall": ');
    connection.sendRaw(frames('after')[1]!);
    await until(2);
    expect(bad.map((e) => e.code)).toEqual(['MALFORMED_FRAME']);
    expect(data(messages[1])).toEqual(frames('after')[1]);
  });
});
