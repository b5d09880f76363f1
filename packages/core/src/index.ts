/**
 * livetools core: streaming tools for live (voice and video) agents on the Gemini Live API.
 *
 * @packageDocumentation
 */

export type { DeliveryMode } from './delivery/delivery.js';
export { errorMarker, hasErrorMarker, markError } from './error-marker.js';
export type { ArgumentIssue, CancelSource, LivetoolsErrorCode } from './errors.js';
export {
  CallCancelledError,
  DuplicateCallError,
  LivetoolsError,
  ToolArgumentsError,
  ToolDefinitionError,
  ToolExecutionError,
  UnknownToolError,
  UnserializableValueError,
} from './errors.js';
export type { LogLevel, PinoLikeLogger, RedactOptions } from './logger.js';
export { consoleLogger, fromPino, redactLogData, silentLogger } from './logger.js';
export {
  type CheckToolPackageOptions,
  checkToolPackage,
  type ToolsOf,
  toolsOf,
} from './package/check-tool-package.js';
export { coreVersion } from './package/core-version.js';
export {
  defineToolPackage,
  isToolPackage,
  type ToolInputKind,
  type ToolInputs,
  type ToolPackage,
  type ToolPackageDefaults,
  type ToolPackageDefinition,
} from './package/define-tool-package.js';
export { IncompatiblePackageError } from './package/incompatible-package-error.js';
export type { PackageIssue, PackageIssueCode } from './package/package-issue.js';
export { type RenameToolsOptions, renameTools } from './package/rename-tools.js';
export type {
  ClientContentProfile,
  ClientContentRule,
  FunctionBehavior,
  FunctionCallingMode,
  FunctionCallingProfile,
  IdleSignal,
  InterruptWhileUserSpeaks,
  ModelPlatform,
  ModelProfile,
  ModelStatus,
  ResumptionProfile,
  SessionLimitsProfile,
} from './profiles/model-profile.js';
export type { ModelProfileOverride } from './profiles/profile-override.js';
export { declaredBehavior, listModelProfiles } from './profiles/profile-queries.js';
export type {
  ModelProfileNotice,
  ModelProfileNoticeCode,
  ModelProfileResolution,
  ResolveModelProfileOptions,
} from './profiles/resolve-model-profile.js';
export { resolveModelProfile } from './profiles/resolve-model-profile.js';
export type {
  FunctionResponseMediaPart,
  LiveFunctionResponse,
  ResponseBody,
  ResponseSink,
  ToolErrorPayload,
} from './protocol/function-calls.js';
export type {
  GenAIClient,
  GenAILiveSession,
  LiveSessionConfig,
  WireFunctionCall,
  WireInteractionStatus,
  WirePart,
  WireServerContent,
  WireServerMessage,
  WireTranscription,
  WireVoiceActivity,
} from './protocol/genai-like.js';
export type {
  CallEndReason,
  CallEventBase,
  CallMetrics,
  CallState,
  ResponseErrorEvent,
  ResultMediaReport,
  ToolCallEvent,
  ToolCancelledEvent,
  ToolCompletedEvent,
  ToolEndEvent,
  ToolEndEventBase,
  ToolEvent,
  ToolFailedEvent,
  ToolQueuedEvent,
  ToolResultEvent,
  ToolResultRefusedEvent,
  ToolStartEvent,
} from './runner/events.js';
export type { StoppedCall } from './runner/stop-streaming-tool.js';
export type { CallInfo, StopOptions, StopTarget, ToolRunnerOptions } from './runner/tool-runner.js';
export { ToolRunner } from './runner/tool-runner.js';
export type {
  HandoffOptions,
  LiveAgent,
  LiveAgentConfig,
  LiveAgentOptions,
  ReconnectOptions,
} from './session/create-live-agent.js';
export { createLiveAgent } from './session/create-live-agent.js';
export type { LiveAgentSession, ModelAudioChunk } from './session/live-agent-session.js';
export type {
  ClosedEvent,
  ConnectedEvent,
  GoAwayEvent,
  HandedOverCall,
  HandedOverEvent,
  InteractionStatusEvent,
  InterimInputTranscriptionEvent,
  InterruptedEvent,
  LiveEvent,
  ModelAudioEvent,
  ModelTextEvent,
  ReconnectingEvent,
  ResumptionUpdateEvent,
  SessionErrorEvent,
  SessionEvent,
  SessionEventBase,
  TranscriptionEvent,
  TurnCompleteEvent,
  UsageEvent,
  VoiceActivityEvent,
} from './session/live-events.js';
export type { MediaData } from './session/media-data.js';
export { SendFailedError } from './session/send-failed-error.js';
export type { SessionMetrics } from './session/session-metrics.js';
export type { SpanAttributeValue, SpanLike, TracerLike } from './session/tool-tracing.js';
export { traceToolEvents } from './session/tool-tracing.js';
export type {
  SendVideoOptions,
  VideoDestination,
  VideoRoutingOptions,
  VideoRoutingStats,
} from './session/video-routing.js';
export type { BuiltInTool } from './tool/built-in-tools.js';
export type {
  AudioChunk,
  Logger,
  TextInput,
  ToolContext,
  ToolInputStreams,
  VideoFrame,
} from './tool/context.js';
export type {
  AnyTool,
  DuplicatePolicy,
  HandoffPolicy,
  InterruptionPolicy,
  LiveFunctionDeclaration,
  OneShotTool,
  OneShotToolConfig,
  StreamingTool,
  StreamingToolConfig,
  StreamingToolPolicies,
  ToolArgs,
  ToolOptionsBase,
  ToolOutput,
} from './tool/define-tool.js';
export { defineStreamingTool, defineTool, MAX_TIMER_MS } from './tool/define-tool.js';
export { STOP_STREAMING } from './tool/function-name.js';
export type {
  ContractEmission,
  NoContract,
  OutputIssue,
  OutputSchema,
  OutputValue,
  ToolOutputAccepted,
  ToolOutputCheck,
  ToolOutputRejected,
  ToolWithOutput,
} from './tool/output-contract.js';
export {
  assertToolOutput,
  checkToolOutput,
  ToolOutputError,
} from './tool/output-contract.js';
export {
  checkResultMedia,
  InvalidMediaError,
  MAX_RESULT_MEDIA_BYTES,
  MAX_RESULT_MEDIA_PARTS,
  type MediaEmission,
  type ResultMedia,
  withMedia,
} from './tool/result-media.js';
export type { ScheduledEmission, Scheduling } from './tool/scheduling.js';
export { isScheduledEmission, withScheduling } from './tool/scheduling.js';
export type { JsonSchema, ParametersSchema } from './tool/schema.js';
export type { StandardSchemaV1 } from './tool/standard-schema.js';
