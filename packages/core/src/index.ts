/**
 * livetools core: streaming tools for live (voice and video) agents on the Gemini Live API.
 *
 * @packageDocumentation
 */

export type { ArgumentIssue, CancelSource, LivetoolsErrorCode } from './errors.js';
export {
  CallCancelledError,
  DuplicateCallError,
  LivetoolsError,
  ToolArgumentsError,
  ToolDefinitionError,
  ToolExecutionError,
  UnknownToolError,
} from './errors.js';
export type { LogLevel } from './logger.js';
export { consoleLogger, silentLogger } from './logger.js';
export type {
  CallEndReason,
  CallEventBase,
  CallState,
  ResponseErrorEvent,
  ToolCallEvent,
  ToolEndEvent,
  ToolEvent,
  ToolQueuedEvent,
  ToolResultEvent,
  ToolStartEvent,
} from './scheduler/events.js';
export type { StoppedCall } from './scheduler/stop-streaming-tool.js';
export type { CallInfo, StopTarget, ToolSchedulerOptions } from './scheduler/tool-scheduler.js';
export { ToolScheduler } from './scheduler/tool-scheduler.js';
export type {
  LiveFunctionCall,
  LiveFunctionResponse,
  ResponseBody,
  ResponseSink,
  ToolErrorPayload,
} from './scheduler/wire.js';
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
export { defineStreamingTool, defineTool } from './tool/define-tool.js';
export { assertFunctionName, STOP_STREAMING } from './tool/function-name.js';
export type { Emission, EmitOptions, Scheduling } from './tool/scheduling.js';
export { emit, isEmission } from './tool/scheduling.js';
export type { JsonSchema, ParametersSchema } from './tool/schema.js';
export { toParametersJsonSchema } from './tool/schema.js';
export type { StandardSchemaV1 } from './tool/standard-schema.js';
