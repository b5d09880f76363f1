import {
  type AudioChunk,
  type LiveFunctionResponse,
  type TextInput,
  ToolRunner,
  type VideoFrame,
} from '@livetools/core';
import { createTestScheduler } from '@livetools/core/testing';
import { NEVER, type Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AnalysisRequest, FrameAnalyzer, FrameObservation } from './frame-analyzer.js';
import { createVideoTools, videoTools } from './video-tools.js';

/** An analyzer that reports what a test tells it to, and records its sessions. */
function scriptedAnalyzer(script: (frame: VideoFrame) => FrameObservation | undefined) {
  const sessions: { request: AnalysisRequest; frames: number[]; closed: boolean }[] = [];
  const analyzer: FrameAnalyzer = {
    name: 'scripted',
    capabilities: 'It reports what the test says.',
    open: (request) => {
      const session = { request, frames: [] as number[], closed: false };
      sessions.push(session);
      return {
        analyze: (frame) => {
          session.frames.push(frame.time);
          return script(frame);
        },
        close: () => {
          session.closed = true;
        },
      };
    },
  };
  return { analyzer, sessions };
}

function run(tools: ReturnType<typeof createVideoTools>, mediaParts = true) {
  const clock = createTestScheduler(expect);
  const video$ = new Subject<VideoFrame>();
  const sent: LiveFunctionResponse[] = [];
  const runner = new ToolRunner({
    tools,
    mediaParts,
    sink: { send: (r) => sent.push(...r) },
    scheduler: clock,
    input: { video$, audio$: NEVER as Observable<AudioChunk>, text$: NEVER as Observable<TextInput> },
  });
  const events: string[] = [];
  runner.events$.subscribe((e) => {
    if (e.type === 'tool-end')
      events.push(`${e.callId}:${e.reason}${e.cancelledBy ? `:${e.cancelledBy}` : ''}`);
  });
  return {
    runner,
    video$,
    sent,
    events,
    advanceTo(time: number) {
      clock.maxFrames = time;
      clock.flush();
    },
    at(time: number, work: () => void) {
      clock.schedule(work, time - clock.now());
    },
    output(response: LiveFunctionResponse | undefined): Record<string, unknown> {
      if (!response) throw new Error('no response');
      return (response.response as { output: Record<string, unknown> }).output;
    },
  };
}

const frame = (time: number): VideoFrame => ({ data: 'AA==', mimeType: 'image/jpeg', time });

describe('monitor_video_stream', () => {
  it('declares documented, optional parameters and NON_BLOCKING behaviour', () => {
    const declaration = videoTools.monitorVideoStream.declaration();
    expect(declaration.name).toBe('monitor_video_stream');
    expect(declaration.behavior).toBe('NON_BLOCKING');
    expect(declaration.description).toContain('motion');
    const properties = declaration.parametersJsonSchema.properties as Record<
      string,
      { description?: string }
    >;
    expect(Object.keys(properties)).toEqual(['watchFor', 'intervalSeconds', 'durationSeconds', 'interrupt']);
    for (const p of Object.values(properties)) expect(p.description).toBeTruthy();
    expect(declaration.parametersJsonSchema.required ?? []).toEqual([]);
    expect(videoTools.map((t) => t.name)).toEqual(['monitor_video_stream']);
  });

  it('sends changes WHEN_IDLE, context SILENT, with frame time, counts, analyzer and watchFor', () => {
    const { analyzer, sessions } = scriptedAnalyzer((f) =>
      f.time === 50
        ? { event: 'first', description: 'first look', changeScore: 0, notable: false }
        : f.time === 2050
          ? { event: 'motion_started', description: 'moving', changeScore: 0.2, details: { region: 'left' } }
          : undefined,
    );
    const t = run(createVideoTools({ analyzer }));
    t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: { watchFor: 'the cat' } }]);
    for (let time = 50; time < 3000; time += 100) t.at(time, () => t.video$.next(frame(time)));
    t.advanceTo(3000);
    expect(sessions[0]?.request.watchFor).toBe('the cat');
    // the first frame at once, then a look a second after the one before
    expect(sessions[0]?.frames).toEqual([50, 1050, 2050]);
    expect(t.sent.map((r) => [r.id, r.scheduling, r.willContinue])).toEqual([
      ['v', 'SILENT', true],
      ['v', 'WHEN_IDLE', true],
    ]);
    expect(t.output(t.sent[1])).toEqual({
      event: 'motion_started',
      description: 'moving',
      changeScore: 0.2,
      frameTime: new Date(2050).toISOString(),
      skippedFrames: 18,
      analyzedFrames: 2,
      analyzer: 'scripted',
      watchFor: 'the cat',
      details: { region: 'left' },
      snapshot: 'attached',
    });
    t.runner.dispose();
  });

  it('reports a frame whose time no date can hold with frameTime "unknown", and the watch goes on', () => {
    const { analyzer } = scriptedAnalyzer(() => ({
      event: 'first',
      description: 'first look',
      changeScore: 0,
      notable: false,
    }));
    const t = run(createVideoTools({ analyzer }));
    t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
    t.at(50, () => t.video$.next(frame(9e15))); // past the last time a Date holds (8.64e15 ms)
    t.advanceTo(100);
    expect(t.output(t.sent[0])).toMatchObject({ event: 'first', frameTime: 'unknown' });
    expect(t.events).toEqual([]); // still running
    t.runner.dispose();
  });

  it('attaches the analysed frame to a change report as FunctionResponse.parts, not to the SILENT first look', () => {
    const { analyzer } = scriptedAnalyzer((f) =>
      f.time === 50
        ? { event: 'first', description: 'first look', changeScore: 0, notable: false }
        : f.time === 1050
          ? { event: 'motion_started', description: 'moving', changeScore: 0.2 }
          : undefined,
    );
    const t = run(createVideoTools({ analyzer }));
    t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
    const jpeg = (time: number): VideoFrame => ({
      data: Buffer.from(`frame ${time}`).toString('base64'),
      mimeType: 'image/jpeg',
      time,
    });
    for (let time = 50; time < 1500; time += 100) t.at(time, () => t.video$.next(jpeg(time)));
    t.advanceTo(1500);
    expect(t.sent.map((r) => [r.scheduling, r.parts])).toEqual([
      ['SILENT', undefined],
      ['WHEN_IDLE', [{ inlineData: { mimeType: 'image/jpeg', data: jpeg(1050).data } }]],
    ]);
    expect(t.output(t.sent[0]).snapshot).toBeUndefined();
    expect(t.output(t.sent[1]).snapshot).toBe('attached');
    expect(videoTools.monitorVideoStream.declaration().description).toContain(
      'camera frame it is about as an image',
    );
    t.runner.dispose();
  });

  it.each([
    ['snapshots: false', false, true],
    ['a session whose delivery cannot carry media', true, false],
  ])('%s: text reports only, with no snapshot field', (_, snapshots, mediaParts) => {
    const { analyzer } = scriptedAnalyzer(() => ({
      event: 'motion_started',
      description: 'moving',
      changeScore: 0.2,
    }));
    const tools = createVideoTools({ analyzer, snapshots });
    const t = run(tools, mediaParts);
    t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
    t.at(50, () => t.video$.next(frame(50)));
    t.advanceTo(100);
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.parts).toBeUndefined();
    expect(t.output(t.sent[0]).snapshot).toBeUndefined();
    if (!snapshots) expect(tools.monitorVideoStream.declaration().description).not.toContain('as an image');
    t.runner.dispose();
  });

  it.each([
    ['a media type that is not one', { data: 'AA==', mimeType: 'jpeg' }, 'media type'],
    ['data that is not base64', { data: 'not base64!', mimeType: 'image/jpeg' }, 'data'],
    ['empty data', { data: '', mimeType: 'image/jpeg' }, 'data'],
  ])('a frame with %s costs the report its image, never the report', (_, bad, what) => {
    const { analyzer } = scriptedAnalyzer(() => ({
      event: 'motion_started',
      description: 'moving',
      changeScore: 0.2,
    }));
    const t = run(createVideoTools({ analyzer }));
    t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
    t.at(50, () => t.video$.next({ ...bad, time: 50 }));
    t.advanceTo(100);
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.parts).toBeUndefined();
    expect(t.output(t.sent[0]).event).toBe('motion_started');
    expect(t.output(t.sent[0]).snapshot).toBe(`not attached: the frame's ${what} is not valid media`);
    t.runner.dispose();
  });

  it('interrupts when the model asks to, or when the default says so', () => {
    const { analyzer } = scriptedAnalyzer(() => ({ event: 'x', description: 'x', changeScore: 1 }));
    const asked = run(createVideoTools({ analyzer }));
    asked.runner.handleToolCall([{ id: 'a', name: 'monitor_video_stream', args: { interrupt: true } }]);
    asked.video$.next(frame(1));
    asked.advanceTo(0);
    expect(asked.sent.map((r) => r.scheduling)).toEqual(['INTERRUPT']);
    asked.runner.dispose();

    const byDefault = run(createVideoTools({ analyzer, interrupt: true }));
    byDefault.runner.handleToolCall([{ id: 'b', name: 'monitor_video_stream', args: { interrupt: false } }]);
    byDefault.video$.next(frame(1));
    byDefault.advanceTo(0);
    expect(byDefault.sent.map((r) => r.scheduling)).toEqual(['WHEN_IDLE']);
    byDefault.runner.dispose();
  });

  it('looks at the interval the model asked for and ends after durationSeconds', () => {
    const { analyzer, sessions } = scriptedAnalyzer(() => undefined);
    const t = run(createVideoTools({ analyzer }));
    t.runner.handleToolCall([
      { id: 'v', name: 'monitor_video_stream', args: { intervalSeconds: 0.5, durationSeconds: 2.2 } },
    ]);
    for (let time = 100; time < 5000; time += 100) t.at(time, () => t.video$.next(frame(time)));
    t.advanceTo(5000);
    // a look every 0.5 s from the first frame (100) until the watch ends at 2.2 s
    expect(sessions[0]?.frames).toEqual([100, 600, 1100, 1600, 2100]);
    expect(t.events).toEqual(['v:completed']);
    expect(sessions[0]?.closed).toBe(true);
    expect(t.video$.observed).toBe(false);
    expect(t.sent.at(-1)).toMatchObject({ id: 'v', willContinue: false });
  });

  it('caps a watch with maxDurationSeconds when the model gives no duration', () => {
    const { analyzer } = scriptedAnalyzer(() => undefined);
    const t = run(createVideoTools({ analyzer, maxDurationSeconds: 10 }));
    t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
    t.advanceTo(9999);
    expect(t.events).toEqual([]);
    t.advanceTo(10_000);
    expect(t.events).toEqual(['v:completed']);
  });

  it('tells the model when no frames arrive', () => {
    const { analyzer } = scriptedAnalyzer(() => undefined);
    const t = run(createVideoTools({ analyzer, noVideoSeconds: 3 }));
    t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
    t.advanceTo(3000);
    expect(t.sent.map((r) => [t.output(r).event, r.scheduling])).toEqual([['no_video', 'WHEN_IDLE']]);
    expect(String(t.output(t.sent[0]).description)).toContain('camera may be off');
    t.runner.dispose();
  });

  it.each([
    [
      'stop_streaming from the model',
      (t: ReturnType<typeof run>) =>
        t.runner.handleToolCall([
          { id: 's', name: 'stop_streaming', args: { function_name: 'monitor_video_stream' } },
        ]),
      'v:cancelled:model',
    ],
    [
      "the server's cancellation",
      (t: ReturnType<typeof run>) => t.runner.handleCancellation(['v']),
      'v:cancelled:server',
    ],
    [
      'the application',
      (t: ReturnType<typeof run>) => t.runner.stopCalls({ callId: 'v' }),
      'v:cancelled:application',
    ],
    ['session end', (t: ReturnType<typeof run>) => t.runner.dispose(), 'v:cancelled:session-end'],
  ])(
    'stops cleanly on %s: frames unsubscribed, analyzer closed, nothing sent afterwards',
    (_name, cancel, end) => {
      const { analyzer, sessions } = scriptedAnalyzer((f) => ({
        event: 'x',
        description: String(f.time),
        changeScore: 1,
      }));
      const t = run(createVideoTools({ analyzer }));
      t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
      t.video$.next(frame(1));
      t.advanceTo(0);
      expect(t.video$.observed).toBe(true);
      cancel(t);
      expect(t.events.filter((e) => e.startsWith('v:'))).toEqual([end]);
      expect(sessions[0]?.closed).toBe(true);
      expect(t.video$.observed).toBe(false);
      const sentAtEnd = t.sent.filter((r) => r.id === 'v').length;
      t.video$.next(frame(2));
      t.advanceTo(10_000);
      expect(t.sent.filter((r) => r.id === 'v')).toHaveLength(sentAtEnd);
    },
  );

  it('keeps watching through a user interruption', () => {
    const { analyzer, sessions } = scriptedAnalyzer(() => undefined);
    const t = run(createVideoTools({ analyzer }));
    t.runner.handleToolCall([{ id: 'v', name: 'monitor_video_stream', args: {} }]);
    t.runner.handleInterruption();
    t.video$.next(frame(1));
    t.advanceTo(0);
    expect(t.events).toEqual([]);
    expect(sessions[0]?.frames).toEqual([1]);
    t.runner.dispose();
  });

  it('rejects bad arguments with a clear error and never opens the analyzer', () => {
    const { analyzer, sessions } = scriptedAnalyzer(() => undefined);
    const t = run(createVideoTools({ analyzer }));
    t.runner.handleToolCall([{ id: 'bad', name: 'monitor_video_stream', args: { intervalSeconds: 0 } }]);
    expect(sessions).toHaveLength(0);
    expect(t.sent).toHaveLength(1);
    expect(JSON.stringify(t.sent[0]?.response)).toContain('intervalSeconds');
    expect(t.sent[0]?.willContinue).toBe(false);
  });

  it('refuses out-of-range defaults when created', () => {
    expect(() => createVideoTools({ intervalSeconds: 0 })).toThrow(
      /intervalSeconds must be a number of seconds of at least 0.1, got 0/,
    );
    expect(() => createVideoTools({ noVideoSeconds: Number.NaN })).toThrow(/noVideoSeconds/);
  });
});
