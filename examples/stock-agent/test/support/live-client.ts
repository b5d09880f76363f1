/**
 * Test support: the real `@google/genai` clients (3.x and 2.x) behind one small interface, with
 * bounded, event-driven waits on what the client's callbacks received: the simulator's tests.
 *
 * @packageDocumentation
 */

import {
  type FunctionDeclaration,
  GoogleGenAI as GoogleGenAI3,
  type LiveConnectConfig,
  type LiveServerMessage,
  Modality,
} from '@google/genai';
import {
  type FakeLiveConnection,
  type FakeLiveServer,
  FakeLiveWaitError,
  type LiveFunctionResponsePart,
} from '@livetools/core/testing';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { WAIT_MS, Waiters } from './waiters.js';

/** The calls the tests make on an SDK session, identical in both SDK majors. */
export interface SessionLike {
  sendToolResponse(params: { functionResponses: LiveFunctionResponsePart[] }): void;
  sendClientContent(params: { turns?: string; turnComplete?: boolean }): void;
  sendRealtimeInput(params: {
    text?: string;
    video?: { data: string; mimeType: string };
    audio?: { data: string; mimeType: string };
    media?: { data: string; mimeType: string };
    audioStreamEnd?: boolean;
  }): void;
  close(): void;
  /** The SDK's public socket wrapper, used to put raw frames on the wire. */
  readonly conn: { send(message: string): void };
}

/**
 * What the tests read from the close event the SDK hands to `onclose` (in Node both majors pass the
 * `ws` package's event; the DOM's `CloseEvent` type is not in a Node package's lib).
 */
export interface SdkCloseEvent {
  readonly code: number;
  readonly reason: string;
}

/** The SDK callbacks the tests use, typed once for both majors. */
interface Callbacks {
  onmessage: (message: LiveServerMessage) => void;
  onclose: (event: SdkCloseEvent) => void;
}

interface ConnectArgs {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
  readonly config: LiveConnectConfig;
  readonly callbacks: Callbacks;
}

/** One SDK major under test. */
export interface SdkUnderTest {
  readonly name: string;
  /** The API version this SDK puts in the path by default. */
  readonly defaultApiVersion: string;
  /** Whether connect() rejects when the server closes before `setupComplete` (2.x never settles). */
  readonly rejectsOnEarlyClose: boolean;
  connect(args: ConnectArgs): Promise<SessionLike>;
}

/** The `GoogleGenAI` class of either major, seen through the one call the tests make. */
type GoogleGenAIClass = new (options: {
  apiKey: string;
  httpOptions: { baseUrl: string };
}) => {
  readonly live: {
    connect(params: Pick<ConnectArgs, 'model' | 'config' | 'callbacks'>): Promise<unknown>;
  };
};

function sdkUnderTest(info: Omit<SdkUnderTest, 'connect'>, GoogleGenAI: GoogleGenAIClass): SdkUnderTest {
  return {
    ...info,
    connect: ({ baseUrl, apiKey, model, config, callbacks }) =>
      new GoogleGenAI({ apiKey, httpOptions: { baseUrl } }).live.connect({
        model,
        config,
        callbacks,
      }) as Promise<SessionLike>,
  };
}

/** `@google/genai` 3.x. */
export const sdk3 = sdkUnderTest(
  { name: '@google/genai 3.x', defaultApiVersion: 'v1', rejectsOnEarlyClose: true },
  GoogleGenAI3,
);

/** `@google/genai` 2.x (installed as `genai2`). Its types are the same shapes under other enum declarations. */
export const sdk2 = sdkUnderTest(
  { name: '@google/genai 2.x', defaultApiVersion: 'v1beta', rejectsOnEarlyClose: false },
  GoogleGenAI2 as unknown as GoogleGenAIClass,
);

/** Both SDK majors, for `describe.each`. */
export const sdks: readonly SdkUnderTest[] = [sdk3, sdk2];

/** Options of {@link LiveTestClient} and {@link openClient}. */
export interface StartClientOptions {
  readonly apiKey?: string;
  readonly model?: string;
  readonly config?: LiveConnectConfig;
}

/**
 * A real SDK client connecting to `baseUrl`, recording every callback. `connected()` bounds the
 * connect (SDK 2.x never settles when the server closes before `setupComplete`).
 */
export class LiveTestClient {
  readonly messages: LiveServerMessage[] = [];
  /** Messages whose onmessage ran before the connect() promise had resolved (ARCHITECTURE.md, SDK trap 1). */
  readonly beforeConnectResolved: LiveServerMessage[] = [];
  closeEvent: SdkCloseEvent | undefined;
  /** The raw connect promise; may never settle with SDK 2.x. */
  readonly connecting: Promise<SessionLike>;
  readonly #messageWaiters = new Waiters<LiveServerMessage>();
  readonly #closeWaiters = new Waiters<SdkCloseEvent>();
  #connectResolved = false;

  constructor(sdk: SdkUnderTest, baseUrl: string, options: StartClientOptions = {}) {
    this.connecting = sdk.connect({
      baseUrl,
      apiKey: options.apiKey ?? 'test-key',
      model: options.model ?? 'gemini-3.8-live',
      config: options.config ?? {},
      callbacks: {
        onmessage: (message) => {
          this.messages.push(message);
          if (!this.#connectResolved) this.beforeConnectResolved.push(message);
          this.#messageWaiters.offer(message);
        },
        onclose: (event) => {
          this.closeEvent = event;
          this.#closeWaiters.offer(event);
          this.#messageWaiters.closeAll(`The client saw close ${event.code} "${event.reason}"`);
        },
      },
    });
    // The outcome is observed through connected(); this keeps an early rejection from going unhandled.
    this.connecting.then(
      () => {
        this.#connectResolved = true;
      },
      () => {},
    );
  }

  /** The session, or a rejection after `timeoutMs` if connect() has not settled by then. */
  connected(timeoutMs = WAIT_MS): Promise<SessionLike> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new FakeLiveWaitError('timeout', `connect() did not settle within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return Promise.race([this.connecting, timeout]).finally(() => clearTimeout(timer));
  }

  /** Resolves with the first received message (past or future) for which `pick` returns a value. */
  async waitFor<T>(
    pick: (message: LiveServerMessage) => T | undefined,
    what: string,
    timeoutMs = WAIT_MS,
  ): Promise<T> {
    for (const message of this.messages) {
      const picked = pick(message);
      if (picked !== undefined) return picked;
    }
    const message = await this.#messageWaiters.wait(
      (m) => pick(m) !== undefined,
      timeoutMs,
      () => `${what} at the client; received ${this.messages.length} message(s): ${this.#summary()}`,
    );
    return pick(message)!;
  }

  /** Resolves with the close event the client's `onclose` saw. */
  waitForClose(timeoutMs = WAIT_MS): Promise<SdkCloseEvent> {
    if (this.closeEvent) return Promise.resolve(this.closeEvent);
    return this.#closeWaiters.wait(
      () => true,
      timeoutMs,
      () => 'the client to see onclose',
    );
  }

  /** Index of the first message matching, or -1. */
  indexOf(predicate: (message: LiveServerMessage) => boolean): number {
    return this.messages.findIndex(predicate);
  }

  /** All model text received so far, concatenated (read from parts, not the `text` getter). */
  modelText(): string {
    return this.messages
      .flatMap((m) => m.serverContent?.modelTurn?.parts ?? [])
      .map((p) => p.text ?? '')
      .join('');
  }

  #summary(): string {
    return this.messages
      .slice(-12)
      .map((m) => Object.keys(m).join('+'))
      .join('; ');
  }
}

/**
 * A fresh TEXT-modality connect config declaring `functionDeclarations`: build one per connect,
 * the SDK mutates what it is given.
 */
export function textConfig(
  functionDeclarations: FunctionDeclaration[],
  extra: LiveConnectConfig = {},
): LiveConnectConfig {
  return { responseModalities: [Modality.TEXT], tools: [{ functionDeclarations }], ...extra };
}

/** Connects a real SDK client to `server` and returns it with its session and the server's side. */
export async function openClient(
  sdk: SdkUnderTest,
  server: FakeLiveServer,
  options: StartClientOptions = {},
): Promise<{ client: LiveTestClient; session: SessionLike; connection: FakeLiveConnection }> {
  const client = new LiveTestClient(sdk, server.url, options);
  const session = await client.connected();
  const connection = await server.waitForConnection();
  return { client, session, connection };
}

let marker = 0;
/**
 * Resolves once `client` has received every frame the server sent on `connection` before it: a
 * `usageMetadata` marker sent raw, which a profile never holds.
 */
export async function barrier(client: LiveTestClient, connection: FakeLiveConnection): Promise<void> {
  const n = ++marker;
  connection.sendRaw({ usageMetadata: { totalTokenCount: n } });
  await client.waitFor((m) => (m.usageMetadata?.totalTokenCount === n ? true : undefined), `barrier ${n}`);
}
