// The @google/adk clients of peer-adk.mjs, in a process of their own: ADK keeps every event of a
// session (InMemorySessionService) and makes far more garbage per round trip than the others, and
// sharing a heap with it made the other clients pay for its major GCs and its cache footprint. A
// real application hosts one of these frameworks, not all of them.
//
// Requests (lib/child.mjs): open { label, model, serverUrl, tool, description } runs an ADK agent
// live against the fake server (tool 'add', described by `description` as for the other clients,
// or 'countdown', an async-generator tool); close { label }; cpu (this process's CPU time so far,
// ms); heap (heap used after a full GC, bytes).
import {
  FunctionTool,
  Gemini,
  InMemorySessionService,
  LiveRequestQueue,
  LlmAgent,
  Runner,
} from '@google/adk';
import { z } from 'zod';
import { serve } from './child.mjs';
import { cpuMs, fullGc } from './stats.mjs';

/** The close function of each running client, by label. */
const running = new Map();

/** The tools a client may be given, by name. */
const tools = {
  add: (description) =>
    new FunctionTool({
      name: 'add',
      description,
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => ({ sum: a + b }),
    }),
  // The Python ADK's way of writing a streaming tool, to see what ADK JS makes of it in live mode.
  countdown: () =>
    new FunctionTool({
      name: 'countdown',
      description: 'Counts down from n, one number every 50 ms.',
      parameters: z.object({ n: z.number() }),
      execute: async function* ({ n }) {
        for (let i = n; i > 0; i--) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          yield { remaining: i - 1 };
        }
      },
    }),
};

serve(
  {
    /**
     * An LlmAgent with one tool, run live by a Runner over a LiveRequestQueue, its events consumed
     * as an application would. ADK's Gemini class builds its own live client with no base URL
     * option (dist/esm/models/google_llm.js, get liveApiClient: httpOptions are only headers and
     * apiVersion), so the fake server is reached through the environment variable that
     * @google/genai reads when a client is constructed, GOOGLE_GEMINI_BASE_URL.
     */
    open({ label, model, serverUrl, tool, description }) {
      process.env.GOOGLE_GEMINI_BASE_URL = serverUrl;
      const agent = new LlmAgent({
        name: 'bench_agent',
        model: new Gemini({ model, apiKey: 'bench' }),
        instruction: 'Answer with tools.',
        tools: [tools[tool](description)],
      });
      const runner = new Runner({ appName: 'bench', agent, sessionService: new InMemorySessionService() });
      const queue = new LiveRequestQueue();
      const abort = new AbortController();
      let failure;
      const run = (async () => {
        for await (const _event of runner.runLive({
          userId: 'bench',
          sessionId: label,
          liveRequestQueue: queue,
          abortSignal: abort.signal,
        })) {
          // an application would render the events here
        }
      })().catch((error) => {
        failure = error;
      });
      running.set(label, async () => {
        queue.close();
        abort.abort();
        await Promise.race([run, new Promise((resolve) => setTimeout(resolve, 1000))]);
        if (failure) console.warn(`${label}: runLive ended with ${failure}`);
      });
      return true;
    },
    async close({ label }) {
      const close = running.get(label);
      running.delete(label);
      await close?.();
      return true;
    },
    cpu() {
      return cpuMs();
    },
    async heap() {
      await fullGc();
      return process.memoryUsage().heapUsed;
    },
  },
  async () => {
    for (const close of running.values()) await close();
  },
);

process.send({ type: 'ready', url: '' });
