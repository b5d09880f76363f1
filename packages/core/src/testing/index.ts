/**
 * `@livetools/core/testing`: a fake Gemini Live server that the real `@google/genai` client connects
 * to (with a scriptable `generateContent` endpoint; it needs `ws`, an optional peer dependency),
 * an in-memory linked pair (`createLinkedPair`) to test session logic without sockets, and helpers
 * to test tools: `testTool` runs a call and collects its responses, `createVirtualClock` steps
 * tools that do I/O in virtual time, `createTestScheduler` makes a ready RxJS `TestScheduler`.
 *
 * @packageDocumentation
 */

export { createTestScheduler, type ExpectLike } from './create-test-scheduler.js';
export { checkErrorPattern, type ErrorPatternCase, type ErrorPatternOptions } from './error-pattern.js';
export type {
  FakeGenerateContent,
  FakeGenerateContentHandler,
  FakeGenerateContentRequest,
} from './fake-generate-content.js';
export type {
  FakeGenerateContentErrorReply,
  FakeGenerateContentRawReply,
  FakeGenerateContentReply,
  FakeGenerateContentResponseReply,
  FakeGenerateContentTextReply,
} from './fake-generate-content-reply.js';
export type { FakeLiveConnection } from './fake-live-connection.js';
export type {
  FakeLiveCloseInfo,
  FakeLiveConnectionState,
  FakeLivePlatform,
  FakeLiveWaitForFrameOptions,
  FakeLiveWaitOptions,
  FakeToolCall,
  RecordedFunctionResponse,
} from './fake-live-connection-types.js';
export type {
  FakeInteractionStatus,
  FakeLiveProfileOption,
  FakeLiveProfileViolation,
  FakeLiveProfileViolationCode,
  FakeTurnCompleteOptions,
} from './fake-live-profile.js';
export {
  createFakeLiveServer,
  type FakeLiveRefusal,
  type FakeLiveServer,
  type FakeLiveServerOptions,
  type FakeLiveSetupVerdict,
} from './fake-live-server.js';
export { FAKE_LIVE_CLOSES, type FakeGoAwayCloseOptions, type FakeLiveClose } from './fake-live-timing.js';
export { FakeLiveWaitError, type FakeLiveWaitErrorCode } from './fake-live-wait-error.js';
export type {
  LinkedConnection,
  LinkedConnectParams,
} from './linked-connection.js';
export {
  createLinkedPair,
  type LinkedPair,
  type LinkedPairOptions,
  type LinkedServer,
  type LinkedSetupVerdict,
} from './linked-pair.js';
export { TestKitError, type TestKitErrorCode } from './test-kit-error.js';
export {
  type TestToolOptions,
  type ToolTestEnd,
  type ToolTestOutputIssue,
  type ToolTestRun,
  type ToolTestWaitOptions,
  testTool,
} from './test-tool.js';
export { createVirtualClock, type VirtualClock, type VirtualClockOptions } from './virtual-clock.js';
export type {
  LiveBlob,
  LiveClientContent,
  LiveClientFrame,
  LiveContent,
  LiveFunctionCallPart,
  LiveFunctionDeclarationPart,
  LiveFunctionResponseBody,
  LiveFunctionResponsePart,
  LivePart,
  LiveRealtimeInput,
  LiveScheduling,
  LiveServerContent,
  LiveServerFrame,
  LiveSetup,
  LiveTool,
  LiveToolResponse,
} from './wire-types.js';
