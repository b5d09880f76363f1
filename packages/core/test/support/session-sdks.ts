/** Both supported `@google/genai` majors, as clients of a fake server at `baseUrl`. */
import { GoogleGenAI } from '@google/genai';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import type { GenAIClient } from '../../src/protocol/genai-like.js';

/** `[name, makeAi]` for `describe.each`: SDK 3.x and 2.x (`genai2`). */
export const sdks: [string, (baseUrl: string) => GenAIClient][] = [
  ['@google/genai 3.x', (baseUrl) => new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl } })],
  ['@google/genai 2.x', (baseUrl) => new GoogleGenAI2({ apiKey: 'test-key', httpOptions: { baseUrl } })],
];

/**
 * A client whose sessions throw from `sendToolResponse` / `sendClientContent` for the messages
 * `poisoned` picks, as the SDK does for a value it cannot encode; everything else goes through.
 */
export function poisonedAi(
  makeAi: (baseUrl: string) => GenAIClient,
  baseUrl: string,
  poisoned: (params: unknown) => boolean,
): GenAIClient {
  const ai = makeAi(baseUrl);
  const live = ai.live as { connect: GenAIClient['live']['connect'] };
  const connect = live.connect;
  live.connect = async function (this: unknown, params) {
    const session = await connect.call(this, params);
    for (const method of ['sendToolResponse', 'sendClientContent'] as const) {
      const send = (session[method] as (p: unknown) => void).bind(session);
      (session as unknown as Record<string, (p: unknown) => void>)[method] = (p: unknown) => {
        if (poisoned(p)) throw new TypeError('Do not know how to serialize a BigInt');
        send(p);
      };
    }
    return session;
  };
  return ai;
}
