import { MANIFEST_TEST, PACKAGE_JSON_READ, type ToolTemplate } from './init-template-types.js';

/** `--template polling`: a streaming tool that polls an HTTP endpoint, with its `fetch` injectable. @internal */
export const pollingTemplate: ToolTemplate = {
  description: 'A polling tool for live Gemini agents, built with livetools: watch_json.',
  summary:
    '- `watch_json`: reads a JSON document over HTTP every few seconds and tells the model when it\n  changes (or stops answering), until the model stops it.',
  runExample: `npx livetools run . watch_json --args '{"url":"https://api.example.com/status.json","everySeconds":5}'`,
  indexTs: (v) => `/**
 * ${v.name}: a polling tool for live Gemini agents, built with livetools.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { defineStreamingTool, defineToolPackage } from '@livetools/core';
import { distinctUntilChanged, exhaustMap, map, startWith, timer } from 'rxjs';
import { z } from 'zod';

${PACKAGE_JSON_READ}
/** One read of the document: its value, or why there is none. */
export type Reading =
  | { readonly event: 'value'; readonly value: unknown }
  | { readonly event: 'unreachable'; readonly reason: string };

/** Options of {@link createWatchJson}. */
export interface WatchJsonOptions {
  /** How to fetch; tests pass a fake. Default: the global \\\`fetch\\\`. */
  readonly fetch?: (url: string, init: { signal: AbortSignal }) => Promise<Response>;
}

/** The value at a dot path (\\\`data.price\\\`) inside a JSON value; the whole value for none. */
function pick(value: unknown, path: string | undefined): unknown {
  if (path === undefined) return value;
  let at: unknown = value;
  for (const key of path.split('.')) {
    at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  }
  return at ?? null;
}

/** Reads once. Never rejects: a failure is a reading the model is told about. */
async function read(
  fetchJson: NonNullable<WatchJsonOptions['fetch']>,
  url: string,
  field: string | undefined,
  signal: AbortSignal,
): Promise<Reading> {
  try {
    const response = await fetchJson(url, { signal });
    if (!response.ok) return { event: 'unreachable', reason: \`HTTP \${response.status}\` };
    return { event: 'value', value: pick(await response.json(), field) };
  } catch (error) {
    return { event: 'unreachable', reason: error instanceof Error ? error.message : 'unknown error' };
  }
}

/**
 * Makes \\\`watch_json\\\`: a streaming tool that reads a JSON document every \\\`everySeconds\\\` and reports
 * the first value, then only changes (WHEN_IDLE: the model hears of them when it is not speaking).
 * A failed read is reported once, and polling goes on. Pass \\\`fetch\\\` to test it without a network.
 */
export function createWatchJson(options: WatchJsonOptions = {}) {
  const fetchJson = options.fetch ?? ((url, init) => fetch(url, init));
  return defineStreamingTool({
    name: 'watch_json',
    description:
      'Watches a JSON document on the web: reports its value now, then again whenever it changes or ' +
      'stops answering, until stopped with stop_streaming.',
    parameters: z.object({
      url: z.string().url().describe('The http(s) URL of the JSON document.'),
      field: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe("A dot path inside the document to watch, e.g. 'data.price'. Default: all of it."),
      everySeconds: z
        .number()
        .int()
        .min(1)
        .max(3600)
        .optional()
        .describe('Seconds between two reads (default 30).'),
    }),
    scheduling: 'WHEN_IDLE',
    execute: ({ url, field, everySeconds = 30 }, ctx) => {
      if (!/^https?:\\/\\//.test(url)) throw new Error(\`Only http(s) URLs can be watched, not \${url}.\`);
      return timer(0, everySeconds * 1000, ctx.scheduler).pipe(
        exhaustMap(() => read(fetchJson, url, field, ctx.signal)),
        distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
        map((reading) => ({ url, ...reading })),
        startWith({ url, event: 'watching' as const, everySeconds }),
      );
    },
  });
}

/** \\\`watch_json\\\` with the global \\\`fetch\\\`. */
export const watchJson = createWatchJson();

/**
 * The package's manifest: applications take its tools with \\\`toolsOf(toolPackage)\\\`, which checks
 * that their @livetools/core is one this package was built for; \\\`livetools check\\\` reads it too.
 */
export const toolPackage = defineToolPackage({
  name: packageJson.name,
  version,
  core: packageJson.peerDependencies['@livetools/core'],
  tools: [watchJson],
});
`,
  indexTestTs: `import { readFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';
import { type AnyTool, checkToolPackage, createLiveAgent } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { describe, expect, it } from 'vitest';
import { createWatchJson, toolPackage, version } from './index.js';

${MANIFEST_TEST}
/** A fake fetch that answers each read with the next of \\\`answers\\\` (the last one repeats). */
function fakeFetch(answers: readonly (unknown | Error)[]) {
  let reads = 0;
  return async (_url: string, _init: { signal: AbortSignal }): Promise<Response> => {
    const answer = answers[Math.min(reads, answers.length - 1)];
    reads += 1;
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
  };
}

/** A live session of the real @google/genai client, connected to a local fake Live server. */
async function connect(server: FakeLiveServer, tools: readonly AnyTool[]) {
  const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.url } });
  const agent = createLiveAgent({ ai, model: 'gemini-live-test', tools });
  const connection = server.waitForConnection();
  const session = await agent.connect();
  return { session, conn: await connection };
}

const url = 'https://api.example.com/status.json';

describe('watch_json over the Live API', () => {
  it('reports the value, then only its changes, then a failed read, and goes on polling', async () => {
    const tool = createWatchJson({
      fetch: fakeFetch([{ data: { price: 1 } }, { data: { price: 1 } }, { data: { price: 2 } }, new Error('ECONNRESET')]),
    });
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server, [tool]);
    try {
      const id = conn.callTool('watch_json', { url, field: 'data.price', everySeconds: 1 });
      await conn.waitForToolResponse(id, (r) => (r.output as { event?: string }).event === 'unreachable', {
        timeoutMs: 10_000,
      });
      expect(conn.toolResponses(id).map((r) => [r.output, r.scheduling, r.willContinue])).toEqual([
        [{ url, event: 'watching', everySeconds: 1 }, 'WHEN_IDLE', true],
        [{ url, event: 'value', value: 1 }, 'WHEN_IDLE', true],
        [{ url, event: 'value', value: 2 }, 'WHEN_IDLE', true],
        [{ url, event: 'unreachable', reason: 'ECONNRESET' }, 'WHEN_IDLE', true],
      ]);
      const stop = conn.callTool('stop_streaming', { call_id: id });
      await conn.waitForToolResponse(stop);
      expect(conn.toolResponses(id).at(-1)).toMatchObject({ willContinue: false, output: { status: 'stopped' } });
    } finally {
      await session.close();
    }
  }, 20_000);

  it('refuses a URL that is not http(s) with an error the model can read', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server, [createWatchJson({ fetch: fakeFetch([{}]) })]);
    try {
      const id = conn.callTool('watch_json', { url: 'file:///etc/passwd' });
      const answer = await conn.waitForToolResponse(id);
      expect(answer.willContinue).not.toBe(true);
      expect(JSON.stringify(answer.error)).toContain('Only http(s) URLs');
    } finally {
      await session.close();
    }
  });

  it('answers invalid arguments with an error, and never reads', async () => {
    let reads = 0;
    const counting = async (): Promise<Response> => {
      reads += 1;
      return new Response('{}');
    };
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server, [createWatchJson({ fetch: counting })]);
    try {
      const id = conn.callTool('watch_json', { url, everySeconds: 0 });
      const answer = await conn.waitForToolResponse(id);
      expect(answer.error).toMatchObject({ code: 'INVALID_ARGUMENTS' });
      expect(reads).toBe(0);
    } finally {
      await session.close();
    }
  });
});
`,
};
