import { CONNECT_HELPER, PACKAGE_JSON_READ, type ToolTemplate } from './init-template-types.js';

/** `--template video`: a streaming tool that reads the session's video frames (`ctx.input.video$`). @internal */
export const videoTemplate: ToolTemplate = {
  description: 'A video tool for live Gemini agents, built with livetools: watch_for_changes.',
  summary:
    "- `watch_for_changes`: watches the video the application sends (camera or screen) and tells the\n  model when the picture changes, at most once per interval. It needs the session's video input.",
  runExample: `npx livetools run . watch_for_changes --args '{"minIntervalSeconds":2}'   # no video there: it only starts`,
  indexTs: (v) => `/**
 * ${v.name}: a video tool for live Gemini agents, built with livetools.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { defineStreamingTool, defineToolPackage } from '@livetools/core';
import { distinctUntilChanged, map, scan, startWith, throttleTime } from 'rxjs';
import { z } from 'zod';

${PACKAGE_JSON_READ}
/** A short digest of a frame's bytes: two frames with the same digest show the same picture. */
const digest = (base64: string): string => createHash('sha256').update(base64).digest('hex').slice(0, 16);

/** A frame's time as an ISO date; a time no date can hold (frames come from outside) is 'unknown'. */
const frameTime = (time: number): string =>
  Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : 'unknown';

/**
 * \\\`watch_for_changes\\\`: reads the video frames the application sends to the session
 * (\\\`session.sendVideoFrame\\\`), and reports when a frame differs from the one before, at most once
 * per \\\`minIntervalSeconds\\\` (the last change of an interval is reported at its end). A real
 * analysis (a model, a motion detector) goes where the digest is: see @livetools/tools-video.
 */
export const watchForChanges = defineStreamingTool({
  name: 'watch_for_changes',
  description:
    "Watches the user's camera or screen and reports when the picture changes, until stopped with " +
    'stop_streaming. Use it when the user asks to be told when something moves or appears.',
  parameters: z.object({
    minIntervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .optional()
      .describe('Report at most one change per this many seconds (default 5).'),
  }),
  scheduling: 'WHEN_IDLE',
  execute: ({ minIntervalSeconds = 5 }, ctx) =>
    ctx.input.video$.pipe(
      map((frame) => ({ digest: digest(frame.data), time: frame.time })),
      distinctUntilChanged((a, b) => a.digest === b.digest),
      scan((seen, frame) => ({ changes: seen.changes + 1, time: frame.time }), { changes: 0, time: 0 }),
      throttleTime(minIntervalSeconds * 1000, ctx.scheduler, { leading: true, trailing: true }),
      map(({ changes, time }) => ({ event: 'changed' as const, changes, at: frameTime(time) })),
      startWith({ event: 'watching' as const, minIntervalSeconds }),
    ),
});

/**
 * The package's manifest: applications take its tools with \\\`toolsOf(toolPackage)\\\`; \\\`inputs\\\` tells them
 * to send video (\\\`session.sendVideoFrame\\\`), without which the tool sees nothing.
 */
export const toolPackage = defineToolPackage({
  name: packageJson.name,
  version,
  core: packageJson.peerDependencies['@livetools/core'],
  tools: [watchForChanges],
  inputs: { watch_for_changes: ['video'] },
});
`,
  indexTestTs: `import { readFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';
import { checkToolPackage, createLiveAgent, toolsOf } from '@livetools/core';
import { createFakeLiveServer, type FakeLiveServer } from '@livetools/core/testing';
import { describe, expect, it } from 'vitest';
import { toolPackage, version } from './index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
};

describe('toolPackage', () => {
  it('is described by package.json, needs video, and is compatible with the installed @livetools/core', () => {
    expect([toolPackage.name, version, toolPackage.core]).toEqual([
      manifest.name,
      manifest.version,
      manifest.peerDependencies['@livetools/core'],
    ]);
    expect(toolPackage.inputs).toEqual({ watch_for_changes: ['video'] });
    expect(() => checkToolPackage(toolPackage)).not.toThrow();
  });
});

${CONNECT_HELPER}
const frame = (text: string): Uint8Array => new TextEncoder().encode(text);
const events = (outputs: unknown[]) => outputs.map((o) => (o as { event?: string; changes?: number }));

describe('watch_for_changes over the Live API', () => {
  it('reports the first picture at once, ignores repeats, and reports the last change of an interval at its end', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server);
    try {
      const id = conn.callTool('watch_for_changes', { minIntervalSeconds: 1 });
      // Its first response says it is watching: from then on, it receives the frames.
      expect((await conn.waitForToolResponse(id)).output).toEqual({ event: 'watching', minIntervalSeconds: 1 });
      for (const picture of ['a', 'a', 'b', 'b', 'c']) session.sendVideoFrame(frame(picture));
      await conn.waitForToolResponse(id, (r) => (r.output as { changes?: number }).changes === 3, {
        timeoutMs: 10_000,
      });
      expect(events(conn.toolResponses(id).map((r) => r.output))).toEqual([
        { event: 'watching', minIntervalSeconds: 1 },
        { event: 'changed', changes: 1, at: expect.any(String) },
        { event: 'changed', changes: 3, at: expect.any(String) },
      ]);
      const stop = conn.callTool('stop_streaming', { call_id: id });
      await conn.waitForToolResponse(stop);
      expect(conn.toolResponses(id).at(-1)).toMatchObject({ willContinue: false, output: { status: 'stopped' } });
    } finally {
      await session.close();
    }
  }, 20_000);

  it('answers invalid arguments with an error, and never starts', async () => {
    await using server = await createFakeLiveServer();
    const { session, conn } = await connect(server);
    try {
      const id = conn.callTool('watch_for_changes', { minIntervalSeconds: 0 });
      const answer = await conn.waitForToolResponse(id);
      expect(answer.willContinue).toBe(false);
      expect(answer.error).toMatchObject({ code: 'INVALID_ARGUMENTS' });
    } finally {
      await session.close();
    }
  });
});
`,
};
