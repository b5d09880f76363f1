/**
 * Video routing end to end (issue 14 item 5): frames to the tools only, to the model only or both,
 * with the model's rate capped apart from the tools', and a per-frame override; the real
 * `@google/genai` client against the fake Live server. The clock the router reads is the session
 * scheduler's, frozen and moved by hand, so the caps see exactly the times the test sets.
 */
import { asyncScheduler, ignoreElements, type SchedulerLike, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clientBarrier, openSession, ping } from '../../test/support/session-fixture.js';
import { LivetoolsError } from '../errors.js';
import { defineStreamingTool } from '../tool/define-tool.js';
import { createLiveAgent, type LiveAgentOptions } from './create-live-agent.js';
import type { LiveAgentSession } from './live-agent-session.js';
import type { SendVideoOptions, VideoRoutingOptions, VideoRoutingStats } from './video-routing.js';

/** A scheduler whose clock stands still until the test moves it; timers run on real time. */
function frozenClock() {
  let time = 1_000_000;
  const scheduler: SchedulerLike = {
    now: () => time,
    schedule: asyncScheduler.schedule.bind(asyncScheduler) as SchedulerLike['schedule'],
  };
  const advance = (ms: number): void => {
    time += ms;
  };
  return { scheduler, advance };
}

/** A tool that keeps the text of every frame it sees on `ctx.input.video$`. */
function cameraTool() {
  const seen: string[] = [];
  const tool = defineStreamingTool({
    name: 'watch_camera',
    description: 'Watches the camera until stopped.',
    parameters: z.object({}),
    execute: (_args, ctx) =>
      ctx.input.video$.pipe(
        tap((frame) => seen.push(Buffer.from(frame.data, 'base64').toString())),
        ignoreElements(),
      ),
  });
  return { tool, seen };
}

const sendFrame = (session: LiveAgentSession, text: string, options?: SendVideoOptions): void =>
  session.sendVideoFrame(new TextEncoder().encode(text), 'image/jpeg', options);
const videoStats = (session: LiveAgentSession): VideoRoutingStats => session.metrics().video;

/** Opens a session with the camera tool and `video`, and starts a watching call. */
async function watching(video: VideoRoutingOptions | undefined) {
  const clock = frozenClock();
  const camera = cameraTool();
  const options: Omit<LiveAgentOptions, 'ai' | 'model'> = {
    tools: [camera.tool, ping],
    scheduler: clock.scheduler,
    ...(video === undefined ? {} : { video }),
  };
  const fx = await openSession(options);
  const since = fx.log.mark;
  const callId = fx.first.callTool('watch_camera');
  await fx.log.waitFor(
    (e) => e.type === 'tool-start' && e.callId === callId,
    'the camera tool to start',
    since,
  );
  /** Frames the model received, as text. */
  const modelFrames = async () => {
    await clientBarrier(fx.first, fx.log); // whatever was written before has been handled
    fx.session.sendText('barrier');
    await fx.first.waitForFrame((f) => f.clientContent?.turns?.[0]?.parts?.[0]?.text === 'barrier', {
      includePast: false,
    });
    return fx.first.realtimeInputs.flatMap((r) =>
      r.video ? [Buffer.from(r.video.data ?? '', 'base64').toString()] : [],
    );
  };
  return { fx, clock, seen: camera.seen, modelFrames };
}

describe('video routing', () => {
  it("to: 'tools' gives the watching tool every frame and the model none", async () => {
    const t = await watching({ to: 'tools' });
    await using _fx = t.fx;
    for (const f of ['f1', 'f2', 'f3']) sendFrame(t.fx.session, f);
    expect(t.seen).toEqual(['f1', 'f2', 'f3']);
    expect(await t.modelFrames()).toEqual([]);
    expect(videoStats(t.fx.session)).toEqual({
      frames: 3,
      toModel: 0,
      toTools: 3,
      modelCapped: 0,
      toolCapped: 0,
    });
  });

  it('caps the frames to the model at maxModelFps while the tool gets them all, and counts the capped ones', async () => {
    const t = await watching({ maxModelFps: 1 });
    await using _fx = t.fx;
    for (let i = 1; i <= 10; i++) sendFrame(t.fx.session, `a${i}`); // a burst at one instant
    t.clock.advance(1000);
    sendFrame(t.fx.session, 'b1');
    expect(t.seen).toHaveLength(11);
    expect(await t.modelFrames()).toEqual(['a1', 'b1']);
    expect(videoStats(t.fx.session)).toEqual({
      frames: 11,
      toModel: 2,
      toTools: 11,
      modelCapped: 9,
      toolCapped: 0,
    });
  });

  it('a per-frame `to` sends one frame to the model only, whatever the default', async () => {
    const t = await watching({ to: 'tools' });
    await using _fx = t.fx;
    sendFrame(t.fx.session, 'for the tool');
    sendFrame(t.fx.session, 'for the model', { to: 'model' });
    sendFrame(t.fx.session, 'for both', { to: 'both' });
    expect(t.seen).toEqual(['for the tool', 'for both']);
    expect(await t.modelFrames()).toEqual(['for the model', 'for both']);
  });

  it('refuses a bad per-frame option with INVALID_OPTION, sends nothing for it, and keeps the session going', async () => {
    const t = await watching(undefined);
    await using _fx = t.fx;
    expect(() => sendFrame(t.fx.session, 'bad', { to: 'camera' } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    sendFrame(t.fx.session, 'good');
    expect(t.seen).toEqual(['good']);
    expect(await t.modelFrames()).toEqual(['good']);
  });

  it('refuses a frame that is neither bytes nor a string with INVALID_MEDIA before it takes a cap slot', async () => {
    const t = await watching({ to: 'both', maxModelFps: 1 });
    await using _fx = t.fx;
    for (const bad of [null, 42, { data: 'x' }, ['x']]) {
      expect(() => t.fx.session.sendVideoFrame(bad as never)).toThrow(
        expect.objectContaining({
          code: 'INVALID_MEDIA',
          message: expect.stringContaining('sendVideoFrame takes'),
        }),
      );
    }
    expect(() => t.fx.session.sendAudio(undefined as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_MEDIA' }),
    );
    sendFrame(t.fx.session, 'good'); // the first frame the cap sees: it reaches the model
    expect(t.seen).toEqual(['good']);
    expect(await t.modelFrames()).toEqual(['good']);
    expect(videoStats(t.fx.session)).toMatchObject({ frames: 1, toModel: 1, modelCapped: 0 });
  });

  it('refuses a bad video option when the agent is created, before any connection', () => {
    const options = {
      ai: { live: { connect: () => Promise.reject(new Error('must not connect')) } },
      model: 'gemini-3.8-live',
      video: { to: 'tools', maxModelFps: 0 },
    } as unknown as LiveAgentOptions;
    let error: unknown;
    try {
      createLiveAgent(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LivetoolsError);
    expect(error).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('video.maxModelFps must be a positive number'),
    });
  });

  it('a frame for the tools only is refused on a closed session like any other', async () => {
    const t = await watching({ to: 'tools' });
    await t.fx.session.close();
    expect(() => sendFrame(t.fx.session, 'late')).toThrow(
      expect.objectContaining({ code: 'SESSION_CLOSED' }),
    );
    expect(t.seen).toEqual([]);
    await t.fx[Symbol.asyncDispose]();
  });
});
