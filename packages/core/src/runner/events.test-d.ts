import { describe, expectTypeOf, it } from 'vitest';
import type { CancelSource, LivetoolsError } from '../errors.js';
import type {
  ToolCancelledEvent,
  ToolCompletedEvent,
  ToolEndEvent,
  ToolEvent,
  ToolFailedEvent,
} from '../index.js';

declare const end: ToolEndEvent;
declare const event: ToolEvent;

describe('ToolEndEvent', () => {
  it('is the union of the three ends, discriminated on reason', () => {
    expectTypeOf<ToolEndEvent>().toEqualTypeOf<ToolCompletedEvent | ToolCancelledEvent | ToolFailedEvent>();
    expectTypeOf(end.reason).toEqualTypeOf<'completed' | 'cancelled' | 'failed'>();
  });

  it('narrows on reason: cancelledBy is there for cancelled, error for failed', () => {
    if (end.reason === 'cancelled') {
      expectTypeOf(end).toEqualTypeOf<ToolCancelledEvent>();
      expectTypeOf(end.cancelledBy).toEqualTypeOf<CancelSource>();
    } else if (end.reason === 'failed') {
      expectTypeOf(end).toEqualTypeOf<ToolFailedEvent>();
      expectTypeOf(end.error).toEqualTypeOf<LivetoolsError>();
    } else {
      expectTypeOf(end).toEqualTypeOf<ToolCompletedEvent>();
      expectTypeOf(end.cancelledBy).toEqualTypeOf<undefined>();
      expectTypeOf(end.error).toEqualTypeOf<undefined>();
    }
  });

  it('narrows from every tool event on type, then reason', () => {
    if (event.type === 'tool-end' && event.reason === 'failed') {
      expectTypeOf(event.error.code).toBeString();
      expectTypeOf(event.toolName).toBeString();
    }
  });

  it('does not promise cancelledBy or error before narrowing', () => {
    expectTypeOf(end.cancelledBy).toEqualTypeOf<CancelSource | undefined>();
    expectTypeOf(end.error).toEqualTypeOf<LivetoolsError | undefined>();
  });

  it('refuses an end whose reason does not match its fields', () => {
    const base = { type: 'tool-end', callId: 'c', toolName: 't', time: 0, results: 0 } as const;
    const metrics = {
      receivedAt: 0,
      durationMs: 0,
      results: 0,
      coalesced: 0,
      dropped: 0,
      refused: 0,
      bytes: 0,
    };
    // @ts-expect-error a cancelled call says who cancelled it
    const noSource: ToolEndEvent = { ...base, metrics, reason: 'cancelled' };
    // @ts-expect-error a completed call has no error
    const completedWithError: ToolEndEvent = { ...base, metrics, reason: 'completed', error: end.error! };
    void noSource;
    void completedWithError;
  });
});
