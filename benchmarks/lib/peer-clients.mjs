// The clients of the peer bench's one-shot round trips (the server's `add(a, b)` tool): the raw
// @google/genai client and livetools, as peer-adk.mjs and tools/one-client.mjs open them.
import * as genai3 from '@google/genai';
import { createLiveAgent, defineTool } from '@livetools/core';
import { z } from 'zod';

/**
 * The peer bench's scenarios: A, a 3.x model and `toolCall` alone; B, a 2.5 model and `toolCall` +
 * `turnComplete` (ADK JS runs a call of a 3.x "flash-live" model at once, of any other at turnComplete).
 */
export const PEER_SCENARIOS = {
  A: { model: 'gemini-3.1-flash-live-preview', turnComplete: false },
  B: { model: 'gemini-2.5-flash-native-audio-preview-12-2025', turnComplete: true },
};

/** The description every client declares for `add`. */
export const ADD_DESCRIPTION = 'Adds two numbers.';
/** The parameters of `add`. */
export const addParameters = z.object({ a: z.number(), b: z.number() });

/**
 * What an application without a framework does with a server message: validates the arguments of
 * each `add` call it carries and answers them all in one `sendToolResponse` on `session`.
 */
export function answerAdd(session, message) {
  const calls = message.toolCall?.functionCalls;
  if (!calls) return;
  const parsed = calls.map((c) => ({ c, args: addParameters.safeParse(c.args) }));
  session.sendToolResponse({
    functionResponses: parsed.map(({ c, args }) => ({
      id: c.id,
      name: c.name,
      response: args.success
        ? { output: { sum: args.data.a + args.data.b } }
        : { error: { message: args.error.message } },
    })),
  });
}

/** The livetools clients' one-shot `add` tool. */
export const addTool = defineTool({
  name: 'add',
  description: ADD_DESCRIPTION,
  parameters: addParameters,
  execute: ({ a, b }) => ({ sum: a + b }),
});

/**
 * A raw @google/genai session on the fake server at `url`: answers each call in `onmessage`, as an
 * application without a framework would. Returns what opens it; opening resolves with its closer.
 */
export function rawClient(sdk, model, url) {
  return async () => {
    const ai = new sdk.GoogleGenAI({ apiKey: 'bench', httpOptions: { baseUrl: url } });
    let session;
    const ready = new Promise((resolve) => {
      let opened = false;
      ai.live
        .connect({
          model,
          config: {
            tools: [
              {
                functionDeclarations: [
                  {
                    name: 'add',
                    description: ADD_DESCRIPTION,
                    parametersJsonSchema: z.toJSONSchema(addParameters),
                  },
                ],
              },
            ],
          },
          callbacks: {
            onmessage: (message) => {
              if (message.setupComplete && !opened) {
                opened = true;
                queueMicrotask(resolve);
              }
              answerAdd(session, message);
            },
          },
        })
        .then((s) => {
          session = s;
        });
    });
    await ready;
    while (!session) await new Promise((resolve) => setImmediate(resolve));
    return () => session.close();
  };
}

/**
 * A livetools session on the fake server at `url`, with `add` as a one-shot tool; subscribes to
 * events$ as an application would. Returns what opens it; opening resolves with its closer.
 */
export function livetoolsClient(model, url) {
  return async () => {
    const ai = new genai3.GoogleGenAI({ apiKey: 'bench', httpOptions: { baseUrl: url } });
    const session = await createLiveAgent({ ai, model, tools: [addTool] }).connect();
    const events = { count: 0 };
    session.events$.subscribe(() => {
      events.count += 1;
    });
    return () => session.close();
  };
}
