/**
 * The one streaming tool the session tests drive value by value: each call gets its own feed, and
 * the test pushes, completes or fails it by call id.
 */
import { Subject } from 'rxjs';
import { z } from 'zod';
import { defineStreamingTool } from '../../src/tool/define-tool.js';
import { SubscriptionCounter } from './harness.js';

/** Policies a test may give the tool. */
export interface PushToolOptions {
  readonly interruption?: 'keep' | 'cancel';
  readonly onDuplicate?: 'allow' | 'replace' | 'reject' | 'queue';
}

/**
 * A streaming tool fed by the test: `push(callId, value)`, `complete`, `fail`. `upstream` counts
 * its subscriptions (active and in total); `started(callId)` says whether the call's tool ran. Its
 * one argument, `label`, is an optional string.
 */
export function pushTool(name: string, options: PushToolOptions = {}) {
  const feeds = new Map<string, Subject<unknown>>();
  const upstream = new SubscriptionCounter();
  const tool = defineStreamingTool({
    name,
    description: `Streams what the test pushes (${name}).`,
    parameters: z.object({ label: z.string().optional() }),
    ...options,
    execute: (_args, ctx) => {
      const feed = new Subject<unknown>();
      feeds.set(ctx.callId, feed);
      return upstream.track(feed);
    },
  });
  const feed = (callId: string): Subject<unknown> => {
    const f = feeds.get(callId);
    if (!f) throw new Error(`${name}: no call ${callId} started`);
    return f;
  };
  return {
    tool,
    upstream,
    started: (callId: string) => feeds.has(callId),
    push: (callId: string, value: unknown) => feed(callId).next(value),
    complete: (callId: string) => feed(callId).complete(),
    fail: (callId: string, error: Error) => feed(callId).error(error),
  };
}
