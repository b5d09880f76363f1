/**
 * Test fixture: a real nats-server shared by a test file, a fresh bucket and subject prefix per
 * test (so tests never see each other's quotes), and a raw NATS connection to play a relay or a
 * hostile publisher.
 */

import type { Logger } from '@livetools/core';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { waitFor } from './wait-for.js';

let counter = 0;

/** A bucket and subject prefix no other test uses. */
export function isolated(): { bucket: string; subjectPrefix: string } {
  counter += 1;
  const tag = `t${process.pid}_${counter}`;
  return { bucket: `quotes_${tag}`, subjectPrefix: `q_${tag}` };
}

/** A raw client, closed by the returned `close`. */
export async function rawClient(url: string): Promise<NatsConnection> {
  return connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
}

/** Opens (creating if needed) a KV bucket on a raw client. */
export function openBucket(nc: NatsConnection, bucket: string) {
  return new Kvm(nc).create(bucket, { history: 1 });
}

/** A logger that keeps every line (and prints nothing). */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (message: string): void => {
      lines.push(`${level} ${message}`);
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The server's connections with their subscriptions, from its monitoring endpoint (`/connz`). */
async function connz(monitorUrl: string): Promise<{ name?: string; subscriptions_list?: string[] }[]> {
  const response = await fetch(`${monitorUrl}/connz?subs=1&limit=1000`);
  const body = (await response.json()) as {
    connections?: { name?: string; subscriptions_list?: string[] }[];
  };
  return body.connections ?? [];
}

/** The subscriptions under `subjectPrefix` of the NATS connection named `name`, from the server's monitoring endpoint. */
export async function serverSubscriptions(
  monitorUrl: string,
  name: string,
  subjectPrefix: string,
): Promise<string[]> {
  return (await connz(monitorUrl))
    .filter((c) => c.name === name)
    .flatMap((c) => c.subscriptions_list ?? [])
    .filter(
      (subject) => subject.startsWith(`${subjectPrefix}.`) && !subject.startsWith(`${subjectPrefix}._`),
    );
}

/**
 * Resolves once the server itself lists a subscription to `subject` (on any connection). A client's
 * own count says only that it sent SUB; a message published before the server handled it is not
 * delivered, and under load that window is long.
 */
export async function subscribedOnServer(monitorUrl: string, subject: string): Promise<void> {
  await waitFor(async () => {
    try {
      return (await connz(monitorUrl)).some((c) => c.subscriptions_list?.includes(subject) === true);
    } catch {
      return false; // the monitoring endpoint did not answer this time: ask again
    }
  }, `the server to list a subscription to ${subject}`);
}
