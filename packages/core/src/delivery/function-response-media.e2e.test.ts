/**
 * Media in function responses, with both SDK majors against the fake Live server: a result made
 * with `withMedia` reaches the wire as `FunctionResponse.parts[].inlineData` in `function-response`
 * delivery, and is left out (said by the `tool-result` event) in `client-content` delivery.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openModelSession } from '../../test/support/profiled-session.js';
import { pushTool } from '../../test/support/push-tool.js';
import { ping, wireBarrier } from '../../test/support/session-fixture.js';
import { sdks } from '../../test/support/session-sdks.js';
import { defineTool } from '../tool/define-tool.js';
import { withMedia } from '../tool/result-media.js';

const FRAME = Buffer.from('a jpeg frame, as far as this test cares').toString('base64');
const snapshot = { mimeType: 'image/jpeg', data: FRAME };

const look = defineTool({
  name: 'look',
  description: 'Looks once.',
  parameters: z.object({}),
  execute: () => withMedia({ seen: 'a parcel' }, [snapshot]),
});

describe.each(sdks)('media in function responses (%s)', (_name, makeAi) => {
  it('function-response delivery: a streaming result and a one-shot result carry the frame as FunctionResponse.parts', async () => {
    const watch = pushTool('watch');
    await using fx = await openModelSession(makeAi, 'gemini-3.8-live', {
      tools: [watch.tool, look, ping],
      delivery: 'function-response',
    });
    const id = fx.conn.callTool('watch', { label: 'door' });
    await wireBarrier(fx.conn);
    watch.push(id, withMedia({ event: 'door_opened' }, [snapshot], { scheduling: 'INTERRUPT' }));
    const streamed = await fx.conn.waitForToolResponse(id);
    expect(streamed.output).toEqual({ event: 'door_opened' });
    expect(streamed.raw.parts).toEqual([{ inlineData: { mimeType: 'image/jpeg', data: FRAME } }]);
    expect(streamed.willContinue).toBe(true);

    const lookId = fx.conn.callTool('look', {});
    const once = await fx.conn.waitForToolResponse(lookId);
    expect(once.output).toEqual({ seen: 'a parcel' });
    expect(once.raw.parts).toEqual([{ inlineData: { mimeType: 'image/jpeg', data: FRAME } }]);
    const results = fx.log.events.filter((e) => e.type === 'tool-result' && e.toolName !== 'ping');
    expect(results.map((e) => e.type === 'tool-result' && [e.toolName, e.media?.sent])).toEqual([
      ['watch', true],
      ['look', true],
    ]);
  });

  it('client-content delivery: the value goes without the media, and the tool-result event says it was left out', async () => {
    await using fx = await openModelSession(makeAi, 'gemini-3.8-live', { tools: [look, ping] });
    expect(fx.agent.delivery).toBe('client-content');
    const lookId = fx.conn.callTool('look', {});
    const once = await fx.conn.waitForToolResponse(lookId);
    expect(JSON.stringify(once.raw)).toContain('a parcel');
    expect(once.raw.parts).toBeUndefined();
    await fx.log.waitFor((e) => e.type === 'tool-result', 'tool-result');
    const result = fx.log.events.find((e) => e.type === 'tool-result');
    expect(result?.type === 'tool-result' && result.media).toEqual({
      mimeTypes: ['image/jpeg'],
      bytes: Buffer.from(FRAME, 'base64').length,
      sent: false,
    });
  });
});
