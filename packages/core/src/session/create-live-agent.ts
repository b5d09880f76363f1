import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { chooseDelivery } from '../delivery/choose-delivery.js';
import { createDelivery } from '../delivery/create-delivery.js';
import type { DeliveryMode } from '../delivery/delivery.js';
import { LivetoolsError } from '../errors.js';
import { type PinoLikeLogger, safeLogger } from '../logger.js';
import type { ModelProfile } from '../profiles/model-profile.js';
import type { ModelProfileOverride } from '../profiles/profile-override.js';
import { type ModelProfileNotice, resolveModelProfile } from '../profiles/resolve-model-profile.js';
import type { GenAIClient, LiveSessionConfig } from '../protocol/genai-like.js';
import { ToolRunner } from '../runner/tool-runner.js';
import { type BuiltInTool, checkBuiltInTools } from '../tool/built-in-tools.js';
import type { Logger } from '../tool/context.js';
import type { AnyTool, LiveFunctionDeclaration } from '../tool/define-tool.js';
import { LiveAgentSession } from './live-agent-session.js';
import { checkCount, checkDuration } from './option-checks.js';
import type { SessionSettings } from './session-settings.js';
import { loadOpenTelemetryTracer, type TracerLike } from './tool-tracing.js';
import { checkVideoRouting, type VideoRoutingOptions } from './video-routing.js';

/**
 * How a session resumes after `goAway` or a lost connection (when it holds a resumption handle).
 * The first attempt starts at once; after failed attempt `n` the next one starts
 * `min(maxDelayMs, initialDelayMs * 2 ** (n - 1))` ms later. When every attempt failed, the
 * session ends with a `closed` event.
 *
 * Resumptions in a row back off too: when the connection that ended lasted less than
 * `stableAfterMs`, the resumption counts as one more in a row, and the `k`-th in a row waits
 * `min(maxDelayMs, initialDelayMs * 2 ** (k - 2))` ms before its first attempt (its later
 * attempts double on from there). After `maxConsecutive` resumptions in a row the session ends
 * with a `closed` event that says so (a server that sends `goAway` on every connection).
 *
 * @example
 * ```ts
 * const reconnect: ReconnectOptions = { attempts: 8, maxConsecutive: 5, stableAfterMs: 30_000 };
 * ```
 */
export interface ReconnectOptions {
  /** How many times to try to resume before giving up. Default 5. */
  readonly attempts?: number;
  /** Delay after the first failed attempt, in ms; it doubles after each further failure. Default 250. */
  readonly initialDelayMs?: number;
  /** Upper bound of the delay between attempts, in ms. Default 5000. */
  readonly maxDelayMs?: number;
  /** Resumptions in a row (see above) after which the session ends. Default 10. */
  readonly maxConsecutive?: number;
  /** How long a connection must last for the next resumption to start a new series, in ms. Default 60000. */
  readonly stableAfterMs?: number;
}

/**
 * What a session does when it must reconnect and holds no resumable handle (the Live API marks
 * handles `resumable: false` while the model runs function calls or generates). With handoff the
 * session moves to a fresh Live session instead of ending: the running calls keep running (unless
 * their tool says `onHandoff: 'end'`), the new session is told what still runs, and their later
 * results reach it as text turns. The new session has no memory of the old conversation.
 *
 * @example
 * ```ts
 * const handoff: HandoffOptions = { enabled: true, marginMs: 2000 };
 * ```
 */
export interface HandoffOptions {
  /**
   * Hand over instead of ending. Default: `true` when `config.sessionResumption` is set (the
   * application asked for sessions that outlive a connection), else `false`.
   */
  readonly enabled?: boolean;
  /**
   * After a goAway without a resumable handle the session waits for one (and resumes with it)
   * until `timeLeft` minus this many ms, then hands over. From 0 to 2147483647. Default 1000.
   */
  readonly marginMs?: number;
}

/**
 * The SDK's live connect config as {@link createLiveAgent} takes it: `tools` holds built-in tools
 * only (`{ googleSearch: {} }`, `{ codeExecution: {} }`, …); livetools declares the functions.
 *
 * @example
 * ```ts
 * const config: LiveAgentConfig = { tools: [{ googleSearch: {} }], sessionResumption: {} };
 * ```
 */
export type LiveAgentConfig = LiveSessionConfig & {
  /**
   * Built-in tools the model may use next to the livetools tools; they come first in the setup's
   * `tools`. No `functionDeclarations`: livetools answers every function call of the session, so
   * define functions with `defineTool` / `defineStreamingTool` (a declaration here named like one
   * of them, or `stop_streaming`, is a `TOOL_DEFINITION` error, and so is any other).
   */
  readonly tools?: readonly BuiltInTool[];
};

/** Options of {@link createLiveAgent}. */
export interface LiveAgentOptions {
  /** Your `GoogleGenAI` instance (`@google/genai` 2.30+ or 3.x). */
  readonly ai: GenAIClient;
  /** A Live API model, e.g. `gemini-3.8-live`. */
  readonly model: string;
  /**
   * Treat the model as this known family (a profile id such as `gemini-3.1-flash-live-preview`)
   * whatever its name says: for tuned or proxied endpoints and test servers. See
   * `resolveModelProfile` and the Models guide.
   */
  readonly modelFamily?: string;
  /**
   * Fields to change in the model's profile (what livetools assumes the model supports), merged
   * over the matched one; see `ModelProfileOverride`.
   */
  readonly modelProfile?: ModelProfileOverride;
  /** The tools the model may call. `stop_streaming` is added when one of them streams. */
  readonly tools?: readonly AnyTool[];
  /**
   * The SDK's live connect config; its `tools` may hold built-in tools (see {@link LiveAgentConfig}).
   * Set `sessionResumption: {}` to survive `goAway` and dropped connections.
   *
   * With resumption, livetools writes again after a resumption the text turns and tool responses
   * that the handle it resumed with does not cover. `sessionResumption.transparent` (transparent
   * resumption: the server says which client messages each handle covers, so that none is lost in
   * a dropped socket) defaults to `true` on Vertex AI and `false` on the Gemini Developer API,
   * whose SDK (2.x, 3.x) refuses the field; without it a handle is taken to cover what was written
   * when it arrived, and a message still in flight when the server issued it can be lost.
   */
  readonly config?: LiveAgentConfig;
  /**
   * How results reach the model; see {@link DeliveryMode}. Default: chosen from the model profile,
   * `function-response` where the model runs asynchronous calls with `willContinue`, else
   * `client-content` where it accepts `clientContent` mid-session, else `realtime-text` (streaming
   * tools on a sync-only model such as `gemini-3.1-flash-live-preview`). A choice that cannot
   * work on the model is refused with `UNSUPPORTED_DELIVERY`.
   */
  readonly delivery?: DeliveryMode;
  /** The RxJS scheduler for tools and timers. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Diagnostics. Default: none (livetools never writes to the console by itself). A livetools
   * {@link Logger} (`(message, data)`) or a pino logger (`(obj, msg)`, recognised and adapted; see
   * `fromPino` for other loggers of that shape). Whatever is logged goes through `redactLogData`
   * first: API keys, tokens and media bytes never reach the logger.
   */
  readonly logger?: Logger | PinoLikeLogger;
  /**
   * An OpenTelemetry tracer (or anything with `startSpan`): each tool call becomes a span
   * `livetools.tool <name>`, see `traceToolEvents`. Default: no tracing, at no cost.
   */
  readonly tracer?: TracerLike;
  /**
   * `true`: trace with the global tracer provider of `@opentelemetry/api`, an optional peer
   * dependency loaded at the first `connect()` (which rejects with `TRACING_UNAVAILABLE` when it
   * is not installed). Ignored when `tracer` is given. Default `false`.
   */
  readonly tracing?: boolean;
  /**
   * How long `connect()` (and each resumption attempt) waits for the setup to complete, from 1
   * to 2147483647 ms. Default 15000 ms. The socket of an attempt that times out is ended.
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long `close()` waits for the server to answer the close handshake before it terminates
   * the socket, from 1 to 2147483647 ms. Default 3000 ms.
   */
  readonly closeTimeoutMs?: number;
  /** Resumption attempts after a lost connection, and the delays between them. */
  readonly reconnect?: ReconnectOptions;
  /** What happens when the session must reconnect without a resumable handle; see {@link HandoffOptions}. */
  readonly handoff?: HandoffOptions;
  /**
   * Measure the JSON length of every function response (the `bytes` of tool events, call metrics,
   * `session.metrics()` and spans). Off by default: it serialises each response once more.
   */
  readonly measureBytes?: boolean;
  /**
   * While disconnected (and, with resumption, until a resumption handle covers them), how
   * many intermediate results to keep per call: the newest are kept, older ones dropped and counted.
   * Final responses and text turns are always kept. Default 8.
   */
  readonly bufferedResultsPerCall?: number;
  /**
   * With session resumption: how many written messages (of any kind) are kept at most until a
   * resumption handle covers them, to be written again after a resumption. Beyond it the oldest
   * are forgotten and counted (`replayDropped` in `session.metrics()`). Default 1024.
   */
  readonly maxUnacknowledged?: number;
  /**
   * Where the frames of `session.sendVideoFrame` go (the tools, the model or both) and how many
   * per second each side gets at most; see {@link VideoRoutingOptions}. Default: every frame to
   * both, no cap. On Gemini 3.x every frame the model receives counts toward context and cost: a
   * camera watched by a tool is better sent `{ to: 'tools' }`, or with a low `maxModelFps`.
   */
  readonly video?: VideoRoutingOptions;
}

/** A configured agent: call {@link LiveAgent.connect} for each live session. */
export interface LiveAgent {
  /**
   * Opens a live session; rejects with a `LivetoolsError` (`CONNECT_TIMEOUT`, `CONNECT_REFUSED`)
   * when it cannot, and with `CONNECT_REFUSED` at once, without connecting, when the model was
   * shut down (the message names its replacement).
   */
  connect(): Promise<LiveAgentSession>;
  /** The function declarations each session sends in its setup, each with its `behavior`. */
  declarations(): LiveFunctionDeclaration[];
  /** The delivery mode in use (the one given, or the one the model profile chose). */
  readonly delivery: DeliveryMode;
  /**
   * What livetools assumes the model supports, resolved once from `model`, `modelFamily` and
   * `modelProfile` (frozen): it decides the declarations' `behavior` and the delivery.
   */
  readonly profile: ModelProfile;
  /** What the resolution wants the user to know (unknown or superseded model, override, …); logged once. */
  readonly notices: readonly ModelProfileNotice[];
}

/**
 * Whether sessions use transparent resumption: only when resumption is on; as configured when
 * `sessionResumption.transparent` is set; else on Vertex AI only (the SDK rejects the field on the
 * Gemini Developer API before sending anything).
 */
function transparentResumption(options: LiveAgentOptions): boolean {
  const resumption = options.config?.sessionResumption;
  if (!resumption) return false;
  return resumption.transparent ?? options.ai.vertexai === true;
}

/** Timers cannot wait longer than 2^31-1 ms: longer durations are refused here, not fired at once later. */
function checkOptions(options: LiveAgentOptions): void {
  checkDuration('connectTimeoutMs', options.connectTimeoutMs, 1);
  checkDuration('closeTimeoutMs', options.closeTimeoutMs, 1);
  checkDuration('reconnect.initialDelayMs', options.reconnect?.initialDelayMs);
  checkDuration('reconnect.maxDelayMs', options.reconnect?.maxDelayMs);
  checkDuration('reconnect.stableAfterMs', options.reconnect?.stableAfterMs);
  checkCount('reconnect.attempts', options.reconnect?.attempts);
  checkCount('reconnect.maxConsecutive', options.reconnect?.maxConsecutive);
  checkCount('maxUnacknowledged', options.maxUnacknowledged);
  checkVideoRouting(options.video);
  checkDuration('handoff.marginMs', options.handoff?.marginMs);
  if (options.handoff?.enabled !== undefined && typeof options.handoff.enabled !== 'boolean') {
    throw new LivetoolsError(
      'INVALID_OPTION',
      `createLiveAgent: handoff.enabled must be true or false, got ${typeof options.handoff.enabled}.`,
    );
  }
}

/** Logs each notice once, when the agent is created (a shut-down model is an error at connect()). */
function logNotices(logger: Logger, model: string, notices: readonly ModelProfileNotice[]): void {
  for (const notice of notices) {
    const log = notice.code === 'OVERRIDDEN' ? logger.info : logger.warn;
    log.call(logger, notice.message, { code: notice.code, model });
  }
}

/**
 * Creates a live agent: the model, its tools and the session config, ready to `connect()`.
 *
 * @example
 * ```ts
 * import { GoogleGenAI, Modality } from '@google/genai';
 * import { createLiveAgent } from '@livetools/core';
 *
 * const agent = createLiveAgent({
 *   ai: new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY }),
 *   model: 'gemini-3.8-live',
 *   tools: [countdown],
 *   config: { responseModalities: [Modality.AUDIO], sessionResumption: {} },
 * });
 * const session = await agent.connect();
 * ```
 * @throws {@link LivetoolsError} `UNSUPPORTED_DELIVERY` for a delivery that cannot work on the model
 *   (e.g. `function-response` with a streaming tool on Vertex AI, which has no `willContinue`) or
 *   an unknown delivery; `INVALID_OPTION` for a duration outside
 *   0..2147483647 ms (timers cannot wait longer), a count below 1, an unknown `modelFamily`, a bad
 *   `modelProfile`, a bad `video` option or a missing `model`; `TOOL_DEFINITION` for function declarations in
 *   `config.tools` or two tools with one name.
 */
export function createLiveAgent(options: LiveAgentOptions): LiveAgent {
  checkOptions(options);
  if (typeof options.model !== 'string' || options.model.trim() === '') {
    throw new LivetoolsError(
      'INVALID_OPTION',
      'createLiveAgent needs a `model`: pass the Live model name, e.g. `model: "gemini-3.8-live"`.',
    );
  }
  const { profile, notices } = resolveModelProfile(options.model, {
    vertexai: options.ai.vertexai === true,
    ...(options.modelFamily === undefined ? {} : { family: options.modelFamily }),
    ...(options.modelProfile === undefined ? {} : { override: options.modelProfile }),
  });
  const tools = options.tools ?? [];
  const mode = chooseDelivery(
    profile,
    options.delivery,
    tools.some((tool) => tool.kind === 'streaming'),
  );
  const logger = safeLogger(options.logger);
  let loadedTracer: Promise<TracerLike> | undefined;
  const tracer = (): Promise<TracerLike | undefined> | TracerLike | undefined => {
    if (options.tracer) return options.tracer;
    if (options.tracing !== true) return undefined;
    loadedTracer ??= loadOpenTelemetryTracer();
    return loadedTracer;
  };
  // The runner checks the tool list (duplicate names); building it here fails fast, before connect().
  const probe = new ToolRunner({ tools, sink: { send() {} } });
  const livetoolsNames = new Set(probe.declarations().map((d) => d.name));
  probe.dispose();
  const builtIn = checkBuiltInTools(options.config, livetoolsNames);
  const { tools: _builtIn, ...sessionConfig } = options.config ?? {};
  const config: LiveAgentConfig = builtIn.length > 0 ? { ...sessionConfig, tools: builtIn } : sessionConfig;
  logNotices(logger, options.model, notices);
  const settings = (sessionTracer: TracerLike | undefined): SessionSettings => ({
    ai: options.ai,
    model: options.model,
    profile,
    tools,
    config,
    delivery: createDelivery(mode, profile),
    scheduler: options.scheduler ?? asyncScheduler,
    logger,
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    closeTimeoutMs: options.closeTimeoutMs ?? 3_000,
    reconnect: {
      attempts: options.reconnect?.attempts ?? 5,
      initialDelayMs: options.reconnect?.initialDelayMs ?? 250,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 5_000,
      maxConsecutive: options.reconnect?.maxConsecutive ?? 10,
      stableAfterMs: options.reconnect?.stableAfterMs ?? 60_000,
    },
    bufferedResultsPerCall: options.bufferedResultsPerCall ?? 8,
    maxUnacknowledged: options.maxUnacknowledged ?? 1024,
    measureBytes: options.measureBytes === true,
    transparentResumption: transparentResumption(options),
    handoff: {
      enabled: options.handoff?.enabled ?? options.config?.sessionResumption !== undefined,
      marginMs: options.handoff?.marginMs ?? 1_000,
    },
    tracer: sessionTracer,
    video: options.video,
  });
  const declarations = () => createDelivery(mode, profile).declarations(probe.declarations());
  return {
    delivery: mode,
    profile,
    notices,
    declarations,
    async connect() {
      if (profile.status === 'shut-down') {
        throw new LivetoolsError(
          'CONNECT_REFUSED',
          `Model "${options.model}" (${profile.id}) was shut down and the Live API refuses it; use "${profile.replacement ?? 'gemini-3.8-live'}".`,
        );
      }
      const session = new LiveAgentSession(settings(await tracer()));
      await session.open();
      return session;
    },
  };
}
