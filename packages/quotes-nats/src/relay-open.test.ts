import type { Logger } from '@livetools/core';
import { createSimulatedSource } from '@livetools/tools-stock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient, recordingLogger } from '../test/support/fleet-fixture.js';
import { NatsQuoteError } from './errors.js';
import { startQuoteRelay } from './quote-relay.js';
import { type NatsTestServer, startNatsServer } from './testing/nats-server.js';

// A server without JetStream: the relay's KV buckets cannot exist there.
let plain: NatsTestServer;
beforeAll(async () => {
  plain = await startNatsServer({ jetStream: false });
});
afterAll(async () => {
  await plain.stop();
});

/** How the relay's NATS connection names the server it is connected to: `host:port`. */
const serverOf = (server: NatsTestServer): string => `127.0.0.1:${server.port}`;

/** The error `startQuoteRelay` rejects with on the server without JetStream. */
async function startError(options: { openTimeoutMs?: number; logger?: Logger } = {}): Promise<unknown> {
  try {
    const relay = await startQuoteRelay({
      servers: plain.url,
      sources: { simulated: createSimulatedSource() },
      ...options,
    });
    await relay.close();
  } catch (error) {
    return error;
  }
  throw new Error('startQuoteRelay started where it should have refused');
}

/**
 * A client that takes every JetStream API request on the server without JetStream and answers
 * `answer`, or nothing when it is undefined (each request then times out, 5 s). Records each request.
 */
async function jetStreamStandIn(answer?: string) {
  const nc = await rawClient(plain.url);
  const requests: { subject: string; at: number }[] = [];
  nc.subscribe('$JS.API.>', {
    callback: (_error, msg) => {
      requests.push({ subject: msg.subject, at: Date.now() });
      if (answer !== undefined) msg.respond(answer);
    },
  });
  await nc.flush();
  return { requests, [Symbol.asyncDispose]: () => nc.close() };
}

describe('quote relay: opening its JetStream KV buckets', () => {
  it('refuses at once where JetStream is not enabled, saying to run nats-server with -js', async () => {
    const logger = recordingLogger();
    const error = await startError({ logger });
    expect(NatsQuoteError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'NATS_UNREACHABLE', code: 'PROVIDER_ERROR' });
    expect((error as Error).message).toBe(
      `Cannot open the JetStream KV buckets livetools_quotes and livetools_quotes_owners: JetStream is not enabled on ${serverOf(plain)}. Run nats-server with JetStream enabled (-js).`,
    );
    // not enabled is an answer: nothing is asked twice
    expect(logger.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('asks again while JetStream does not answer, then says so (not "enable -js") when the time is up', async () => {
    await using silent = await jetStreamStandIn();
    const logger = recordingLogger();
    // the first request fails at 5 s, within the bound: asked again; the second at 10 s, past it
    const error = await startError({ openTimeoutMs: 9_000, logger });
    expect(NatsQuoteError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Cannot open the JetStream KV buckets livetools_quotes and livetools_quotes_owners: JetStream on ${serverOf(plain)} was not ready (timeout; asked 2 times). The server may be overloaded or its JetStream still starting: check its log, or give the relay longer (openTimeoutMs, or --open-timeout-ms on the command line).`,
    );
    expect(logger.lines.filter((l) => l.startsWith('warn'))).toEqual([
      'warn quote relay: JetStream is not ready (timeout); asking again for the KV bucket livetools_quotes (attempt 2, up to 9000 ms)',
    ]);
    // one request per attempt, each to the JetStream API, each unanswered
    expect(silent.requests.map((r) => r.subject)).toEqual([
      expect.stringMatching(/^\$JS\.API\./),
      expect.stringMatching(/^\$JS\.API\./),
    ]);
  });

  it('asks again, after a pause, a JetStream that answers it is temporarily unavailable (503)', async () => {
    // what a clustered JetStream without a leader answers
    await using unavailable = await jetStreamStandIn(
      JSON.stringify({
        type: 'io.nats.jetstream.api.v1.account_info_response',
        error: { code: 503, err_code: 10008, description: 'JetStream system temporarily unavailable' },
      }),
    );
    const logger = recordingLogger();
    const error = await startError({ openTimeoutMs: 2_000, logger });
    const askedAt = unavailable.requests.map((r) => r.at);
    const attempts = askedAt.length;
    // at least two full pauses fit in the bound: at least three requests, so that a gap is checked
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect((error as Error).message).toContain(
      `JetStream on ${serverOf(plain)} was not ready (JetStream system temporarily unavailable; asked ${attempts} times).`,
    );
    expect(logger.lines.filter((l) => l.startsWith('warn'))).toHaveLength(attempts - 1);
    // not a flood: half a second between two requests (the last pause is cut short by the bound)
    const gaps = askedAt.slice(1).map((at, i) => at - (askedAt[i] as number));
    expect(gaps.slice(0, -1).every((gap) => gap >= 450)).toBe(true);
  });

  it('refuses an openTimeoutMs that is not a number of ms', async () => {
    await expect(
      startQuoteRelay({ servers: plain.url, sources: { s: createSimulatedSource() }, openTimeoutMs: -1 }),
    ).rejects.toThrow(new RangeError('openTimeoutMs must be a number of ms, 0 or more, got -1.'));
  });
});
