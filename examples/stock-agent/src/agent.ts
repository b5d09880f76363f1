/**
 * The agent both modes run: the stock tools and the video tools on Gemini Live when
 * GEMINI_API_KEY is set, on the offline simulator otherwise.
 *
 * Environment: GEMINI_API_KEY, LIVETOOLS_MODEL, LIVETOOLS_SOURCE (simulated | coinbase | finnhub |
 * alpaca | nats), FINNHUB_API_KEY, ALPACA_KEY_ID and ALPACA_SECRET_KEY (with alpaca), ALPACA_FEED (iex by
 * default; test streams the test symbol FAKEPACA at any hour), NATS_URL and LIVETOOLS_RELAY_SOURCE
 * (with nats: the NATS servers and which of the relay's sources, default nats://127.0.0.1:4222 and
 * simulated), LIVETOOLS_SPEED (simulated market speed, default 1 with Gemini, 240 offline),
 * LIVETOOLS_VIDEO (local | gemini: the frame analyzer, default local).
 */
import { GoogleGenAI, Modality } from '@google/genai';
import { createLiveAgent, type LiveAgent, type VideoRoutingOptions } from '@livetools/core';
import type { FakeLiveServer } from '@livetools/core/testing';
import { createNatsQuoteSource } from '@livetools/quotes-nats';
import {
  type AlpacaFeed,
  createAlpacaSource,
  createCoinbaseSource,
  createFinnhubSource,
  createSimulatedSource,
  createStockTools,
  type QuoteSource,
} from '@livetools/tools-stock';
import { createChangeDetector, createGeminiAnalyzer, createVideoTools } from '@livetools/tools-video';
import { simulatorExamplesFor, startSimulator } from './simulator.js';

/** The default Live model when GEMINI_API_KEY is set. */
export const defaultModel = 'gemini-3.8-live';

/**
 * Where the camera's frames go: every frame to `monitor_video_stream` (the page sends at most
 * `maxVideoFps`, 10 a second), at most one every two seconds to the model. On Gemini 3.x each
 * frame the model receives counts toward its context and cost; this way it can still say what it
 * sees when asked, while the tool watches every frame.
 */
export const cameraRouting: VideoRoutingOptions = { to: 'both', maxModelFps: 0.5 };

/** The running agent and what the front ends show about it. */
export interface ConsoleAgent {
  readonly agent: LiveAgent;
  /** `simulator` when no GEMINI_API_KEY is set. */
  readonly mode: 'gemini' | 'simulator';
  readonly model: string;
  /** Whether the model answers with audio. */
  readonly audioOut: boolean;
  readonly source: QuoteSource;
  /** Requests the simulator understands (empty with Gemini). */
  readonly examples: readonly string[];
  /** The simulator's fake Live server, when it runs (tests inspect what reached it). */
  readonly simulator?: FakeLiveServer;
  /** Stops the simulator, if any. */
  close(): Promise<void>;
}

function quoteSource(env: NodeJS.ProcessEnv, speed: number): QuoteSource {
  switch (env.LIVETOOLS_SOURCE ?? 'simulated') {
    case 'coinbase':
      return createCoinbaseSource();
    case 'finnhub':
      return createFinnhubSource(env.FINNHUB_API_KEY ? { apiKey: env.FINNHUB_API_KEY } : {});
    case 'alpaca':
      return alpacaSource(env);
    case 'nats':
      // The quotes of a fleet's relay (livetools-quote-relay): one upstream feed for every process.
      return createNatsQuoteSource({
        servers: env.NATS_URL ?? 'nats://127.0.0.1:4222',
        source: env.LIVETOOLS_RELAY_SOURCE ?? 'simulated',
      });
    case 'simulated':
      return createSimulatedSource({ speed });
    default:
      throw new Error(
        `LIVETOOLS_SOURCE must be simulated, coinbase, finnhub, alpaca or nats, not '${env.LIVETOOLS_SOURCE}'.`,
      );
  }
}

const ALPACA_FEEDS: readonly AlpacaFeed[] = ['iex', 'sip', 'delayed_sip', 'test'];

/** US stocks from Alpaca's stream: the key pair from the environment, the free IEX feed by default. */
function alpacaSource(env: NodeJS.ProcessEnv): QuoteSource {
  const keyId = env.ALPACA_KEY_ID?.trim();
  const secretKey = env.ALPACA_SECRET_KEY?.trim();
  if (!keyId || !secretKey) {
    const missing = [keyId ? undefined : 'ALPACA_KEY_ID', secretKey ? undefined : 'ALPACA_SECRET_KEY']
      .filter((name) => name !== undefined)
      .join(' and ');
    throw new Error(
      `LIVETOOLS_SOURCE=alpaca needs ALPACA_KEY_ID and ALPACA_SECRET_KEY (${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set): ` +
        'the key ID and secret of a free Alpaca account (https://alpaca.markets, paper trading keys work). ' +
        'ALPACA_FEED=test streams the test symbol FAKEPACA at any hour.',
    );
  }
  const feed = env.ALPACA_FEED ?? 'iex';
  if (!(ALPACA_FEEDS as readonly string[]).includes(feed)) {
    throw new Error(`ALPACA_FEED must be ${ALPACA_FEEDS.slice(0, -1).join(', ')} or test, not '${feed}'.`);
  }
  return createAlpacaSource({ keyId, secretKey, feed: feed as AlpacaFeed });
}

/**
 * Builds the agent from the environment; starts the simulator when there is no API key
 * (`recordMedia`: the simulator keeps the audio and video it receives, for tests).
 */
export async function createConsoleAgent(
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly recordMedia?: boolean } = {},
): Promise<ConsoleAgent> {
  const apiKey = env.GEMINI_API_KEY;
  const offline = !apiKey;
  const model = env.LIVETOOLS_MODEL ?? defaultModel;
  const speed = Number(env.LIVETOOLS_SPEED ?? (offline ? 240 : 1));
  if (!(speed > 0))
    throw new Error(`LIVETOOLS_SPEED must be a positive number, not '${env.LIVETOOLS_SPEED}'.`);
  const source = quoteSource(env, speed);
  const examples = simulatorExamplesFor(source.name);
  const simulator = offline ? await startSimulator({ ...options, examples }) : undefined;
  const ai = simulator
    ? new GoogleGenAI({ apiKey: 'offline-simulator', httpOptions: { baseUrl: simulator.url } })
    : new GoogleGenAI({ apiKey: apiKey as string });
  const analyzer =
    env.LIVETOOLS_VIDEO === 'gemini' && !offline
      ? createGeminiAnalyzer({ ai })
      : // The console serves several sessions from one process: frames are decoded on worker
        // threads, so a large or hostile frame never stalls the other sessions' event loop.
        createChangeDetector({ sensitivity: 'medium', workers: 2 });
  const audioOut = !offline;
  const agent = createLiveAgent({
    ai,
    model,
    tools: [
      ...createStockTools({
        source,
        thresholdPercent: offline ? 0.3 : 0.5,
        // Offline the model is the rule-based simulator, which many reports cannot distract, and the
        // simulated market runs 240 times faster: the chart gets more points. Gemini keeps the default.
        ...(offline ? { maxReportsPerMinute: 30 } : {}),
      }),
      ...createVideoTools({ analyzer }),
    ],
    video: cameraRouting,
    config: {
      responseModalities: [audioOut ? Modality.AUDIO : Modality.TEXT],
      ...(audioOut ? { outputAudioTranscription: {}, inputAudioTranscription: {} } : {}),
      sessionResumption: {},
      // Without compression a session that receives camera frames ends after about 2 minutes.
      contextWindowCompression: { slidingWindow: {} },
      systemInstruction:
        'You help the user follow stock and crypto prices and keep an eye on their camera. Use ' +
        'monitor_stock_price to watch a symbol, get_stock_price for a single quote, and ' +
        'monitor_video_stream to watch the camera for changes; report briefly; stop watches with ' +
        'stop_streaming when asked.',
    },
  });
  return {
    agent,
    mode: offline ? 'simulator' : 'gemini',
    model: offline ? 'simulated model' : model,
    audioOut,
    source,
    examples: offline ? examples : [],
    ...(simulator ? { simulator } : {}),
    close: async () => {
      await simulator?.close();
      // A NATS source holds a connection and its demand at the relay: release them.
      if ('close' in source && typeof source.close === 'function') await source.close();
    },
  };
}
