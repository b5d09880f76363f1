import { Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { Logger } from '../tool/context.js';
import { defineStreamingTool, defineTool } from '../tool/define-tool.js';
import {
  checkResultMedia,
  InvalidMediaError,
  MAX_RESULT_MEDIA_BYTES,
  MAX_RESULT_MEDIA_PARTS,
  type ResultMedia,
  withMedia,
} from '../tool/result-media.js';
import { withScheduling } from '../tool/scheduling.js';
import type { ToolEvent } from './events.js';
import { ToolRunner, type ToolRunnerOptions } from './tool-runner.js';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]).toString('base64');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64');
const frame: ResultMedia = { mimeType: 'image/jpeg', data: JPEG };

/** A streaming tool fed by hand, a one-shot tool returning what `answer` holds, and a runner. */
function world(options: Partial<ToolRunnerOptions> = {}) {
  const feed = new Subject<unknown>();
  let answer: unknown;
  const watch = defineStreamingTool({
    name: 'watch',
    description: 'Watches.',
    parameters: z.object({}),
    execute: () => feed,
    ...(options.scheduler === undefined ? {} : { minIntervalMs: 100 }),
  });
  const look = defineTool({
    name: 'look',
    description: 'Looks once.',
    parameters: z.object({}),
    execute: () => answer,
  });
  const sent: LiveFunctionResponse[] = [];
  const events: ToolEvent[] = [];
  const runner = new ToolRunner({
    tools: [watch, look],
    sink: { send: (r) => sent.push(...r) },
    ...options,
  });
  runner.events$.subscribe((e) => events.push(e));
  return {
    feed,
    sent,
    events,
    runner,
    startWatch: () => runner.handleToolCall([{ id: 'w1', name: 'watch', args: {} }]),
    look: (value: unknown) => {
      answer = value;
      runner.handleToolCall([{ id: `l${sent.length}`, name: 'look', args: {} }]);
    },
  };
}

const jpegPart = { inlineData: { mimeType: 'image/jpeg', data: JPEG } };

describe('media in function responses (withMedia)', () => {
  it('a streaming emission with media goes as FunctionResponse.parts next to its output', () => {
    const w = world();
    w.startWatch();
    w.feed.next(withMedia({ event: 'door_opened' }, [frame], { scheduling: 'INTERRUPT' }));
    expect(w.sent).toEqual([
      {
        id: 'w1',
        name: 'watch',
        response: { output: { event: 'door_opened' } },
        willContinue: true,
        scheduling: 'INTERRUPT',
        parts: [jpegPart],
      },
    ]);
    const result = w.events.find((e) => e.type === 'tool-result');
    expect(result).toMatchObject({
      output: { event: 'door_opened' },
      media: { mimeTypes: ['image/jpeg'], bytes: 7, sent: true },
    });
  });

  it('withMedia(withScheduling(...)) and withScheduling(withMedia(...)) keep the emission scheduling and the media', () => {
    const w = world();
    w.startWatch();
    w.feed.next(withMedia(withScheduling({ n: 1 }, 'SILENT'), [frame]));
    w.feed.next(withScheduling(withMedia({ n: 2 }, [{ mimeType: 'image/png', data: PNG }]), 'INTERRUPT'));
    expect(w.sent.map((r) => [r.response, r.scheduling, r.parts])).toEqual([
      [{ output: { n: 1 } }, 'SILENT', [jpegPart]],
      [{ output: { n: 2 } }, 'INTERRUPT', [{ inlineData: { mimeType: 'image/png', data: PNG } }]],
    ]);
  });

  it('a one-shot result with media goes as parts of its one response', () => {
    const w = world();
    w.look(withMedia({ seen: 'a cat' }, [frame]));
    expect(w.sent).toEqual([
      { id: 'l0', name: 'look', response: { output: { seen: 'a cat' } }, parts: [jpegPart] },
    ]);
  });

  it('plain values carry no parts key at all', () => {
    const w = world();
    w.startWatch();
    w.feed.next({ n: 1 });
    w.feed.next(withScheduling({ n: 2 }, 'SILENT'));
    w.look({ ok: true });
    expect(w.sent.every((r) => !('parts' in r))).toBe(true);
    expect(w.events.filter((e) => e.type === 'tool-result').every((e) => !('media' in e))).toBe(true);
  });

  it('coalescing keeps the newest value with its own media', () => {
    const ts = new VirtualTimeScheduler();
    const w = world({ scheduler: ts });
    w.startWatch();
    w.feed.next(withMedia({ n: 1 }, [frame]));
    w.feed.next(withMedia({ n: 2 }, [frame]));
    w.feed.next(withMedia({ n: 3 }, [{ mimeType: 'image/png', data: PNG }]));
    ts.flush();
    w.feed.next(withMedia({ n: 4 }, [frame]));
    w.feed.next({ n: 5 });
    ts.flush();
    expect(w.sent.map((r) => [r.response, r.parts?.[0]?.inlineData.mimeType])).toEqual([
      [{ output: { n: 1 } }, 'image/jpeg'],
      [{ output: { n: 3 } }, 'image/png'],
      [{ output: { n: 4 } }, 'image/jpeg'],
      [{ output: { n: 5 } }, undefined],
    ]);
  });

  it('where the delivery cannot carry parts, the value goes alone and the event and log say the media was left out', () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (message) => warnings.push(message),
      error: () => {},
    };
    const w = world({ mediaParts: false, logger });
    w.startWatch();
    w.feed.next(withMedia({ n: 1 }, [frame]));
    w.feed.next(withMedia({ n: 2 }, [frame]));
    expect(w.sent.map((r) => r.response)).toEqual([{ output: { n: 1 } }, { output: { n: 2 } }]);
    expect(w.sent.every((r) => !('parts' in r))).toBe(true);
    const results = w.events.filter((e) => e.type === 'tool-result');
    expect(results.map((e) => e.media)).toEqual([
      { mimeTypes: ['image/jpeg'], bytes: 7, sent: false },
      { mimeTypes: ['image/jpeg'], bytes: 7, sent: false },
    ]);
    expect(warnings.filter((m) => m.includes('left out'))).toHaveLength(1);
  });

  it('tells tools whether results can carry media (ctx.mediaInResults)', () => {
    const seen: (boolean | undefined)[] = [];
    const probe = defineTool({
      name: 'probe',
      description: 'Reads its context.',
      parameters: z.object({}),
      execute: (_args, ctx) => seen.push(ctx.mediaInResults),
    });
    for (const mediaParts of [undefined, true, false]) {
      const runner = new ToolRunner({
        tools: [probe],
        sink: { send: () => {} },
        ...(mediaParts === undefined ? {} : { mediaParts }),
      });
      runner.handleToolCall([{ id: 'p', name: 'probe', args: {} }]);
    }
    expect(seen).toEqual([true, true, false]);
  });
});

/** Hostile media: each must be refused with INVALID_MEDIA at `path`, the call going on. */
const throwing = {
  get mimeType(): string {
    throw new Error('getter boom');
  },
  data: JPEG,
};
const revoked = Proxy.revocable({}, {});
revoked.revoke();
const hostile: [string, unknown, string][] = [
  ['not an array', { mimeType: 'image/jpeg', data: JPEG }, 'media'],
  ['too many parts', Array.from({ length: MAX_RESULT_MEDIA_PARTS + 1 }, () => frame), 'media'],
  ['a null part', [null], 'media[0]'],
  ['a string part', ['image/jpeg'], 'media[0]'],
  ['no mimeType', [{ data: JPEG }], 'media[0].mimeType'],
  ['a number mimeType', [{ mimeType: 42, data: JPEG }], 'media[0].mimeType'],
  ['a mimeType without subtype', [{ mimeType: 'jpeg', data: JPEG }], 'media[0].mimeType'],
  ['a mimeType with a newline', [{ mimeType: 'image/jpeg\r\nx: y', data: JPEG }], 'media[0].mimeType'],
  ['an empty mimeType', [{ mimeType: '', data: JPEG }], 'media[0].mimeType'],
  ['a huge mimeType', [{ mimeType: `image/${'x'.repeat(10_000)}`, data: JPEG }], 'media[0].mimeType'],
  ['no data', [{ mimeType: 'image/png' }], 'media[0].data'],
  ['bytes instead of base64', [{ mimeType: 'image/png', data: new Uint8Array([1, 2]) }], 'media[0].data'],
  ['a boxed string', [{ mimeType: 'image/png', data: new String(PNG) }], 'media[0].data'],
  ['empty data', [{ mimeType: 'image/png', data: '' }], 'media[0].data'],
  ['data of a wrong length', [{ mimeType: 'image/png', data: 'abcde' }], 'media[0].data'],
  ['data with spaces', [{ mimeType: 'image/png', data: 'ab cd ef' }], 'media[0].data'],
  [
    'data with a data: prefix',
    [{ mimeType: 'image/png', data: `data:image/png;base64,${PNG}` }],
    'media[0].data',
  ],
  ['padding in the middle', [{ mimeType: 'image/png', data: 'ab==cdef' }], 'media[0].data'],
  ['a bad second part', [frame, { mimeType: 'image/png', data: '!!!!' }], 'media[1].data'],
  [
    'oversize data',
    [{ mimeType: 'image/png', data: 'A'.repeat(4 * Math.ceil(MAX_RESULT_MEDIA_BYTES / 3) + 4) }],
    'media[0].data',
  ],
  [
    'oversize together',
    Array.from({ length: 3 }, () => ({
      mimeType: 'image/png',
      data: 'A'.repeat(4 * Math.ceil(MAX_RESULT_MEDIA_BYTES / 6)),
    })),
    'media',
  ],
  ['a throwing getter', [throwing], 'media'],
  ['a revoked Proxy part', [revoked.proxy], 'media'],
];

describe('hostile media', () => {
  it.each(hostile)(
    '%s: the streaming emission is refused with INVALID_MEDIA and the call goes on',
    (_, media, path) => {
      const w = world();
      w.startWatch();
      w.feed.next(withMedia({ n: 1 }, media as ResultMedia[]));
      w.feed.next({ n: 2 });
      const refused = w.events.filter((e) => e.type === 'tool-result-refused');
      expect(refused).toHaveLength(1);
      const error = refused[0]!.error;
      expect(error).toBeInstanceOf(InvalidMediaError);
      expect(error.code).toBe('INVALID_MEDIA');
      expect(error.path).toBe(path);
      expect(error.message).toMatch(/^watch attached media that cannot be sent: /);
      expect(w.sent.map((r) => r.response)).toEqual([{ output: { n: 2 } }]);
      w.feed.complete();
      const end = w.events.find((e) => e.type === 'tool-end');
      expect(end).toMatchObject({ reason: 'completed', results: 1, metrics: { refused: 1 } });
      expect(checkResultMedia(media)?.path).toBe(path);
    },
  );

  it.each(hostile)(
    '%s: a one-shot result fails the call with an INVALID_MEDIA error response',
    (_, media, path) => {
      const w = world();
      w.look(withMedia({ n: 1 }, media as ResultMedia[]));
      expect(w.sent).toHaveLength(1);
      const [response] = w.sent;
      expect(response!.response).toMatchObject({ error: { code: 'INVALID_MEDIA' } });
      expect(response!.parts).toBeUndefined();
      const end = w.events.find((e) => e.type === 'tool-end');
      expect(end).toMatchObject({ reason: 'failed', error: { code: 'INVALID_MEDIA', path } });
    },
  );

  it('an emission whose media getter throws is refused with INVALID_MEDIA, and the call goes on', () => {
    const w = world();
    w.startWatch();
    const outer = withMedia({ n: 1 }, [frame]);
    Object.defineProperty(outer, 'media', {
      get() {
        throw new Error('media boom');
      },
    });
    const inner = withMedia({ n: 2 }, [frame]);
    Object.defineProperty(inner, 'value', {
      get() {
        throw new Error('value boom');
      },
    });
    w.feed.next(outer);
    w.feed.next(withScheduling(inner, 'SILENT')); // the nested emission's value cannot be read
    w.feed.next({ n: 3 });
    const refused = w.events.filter((e) => e.type === 'tool-result-refused');
    expect(refused.map((e) => [e.error.code, e.error.path])).toEqual([
      ['INVALID_MEDIA', 'media'],
      ['INVALID_MEDIA', 'media'],
    ]);
    expect(refused[0]?.error.problem).toContain('media boom');
    expect(w.sent.map((r) => r.response)).toEqual([{ output: { n: 3 } }]);
    w.look(outer);
    expect(w.sent[1]?.response).toMatchObject({ error: { code: 'INVALID_MEDIA' } });
  });

  it('checkResultMedia accepts what the runner sends', () => {
    expect(checkResultMedia([frame, { mimeType: 'audio/pcm;rate=16000', data: PNG }])).toBeUndefined();
    expect(checkResultMedia([{ mimeType: 'image/png', data: '-_-_' }])).toBeUndefined(); // URL-safe alphabet
    expect(checkResultMedia([])).toBeUndefined();
  });
});
