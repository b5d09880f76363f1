import { DuplicateCallError, describeError, type LivetoolsError, UnknownToolError } from '../errors.js';
import type { WireFunctionCall } from '../protocol/genai-like.js';
import { type ValidationOutcome, validateArguments } from '../tool/schema.js';
import { send } from './call-output.js';
import { type CallRecord, jsonLength, metricsOf, toPayload } from './call-record.js';
import { start } from './call-run.js';
import { cancel } from './call-stop.js';
import { refusedResponse } from './responses.js';
import type { RunnerState } from './runner-state.js';

/**
 * @internal
 * Takes in one function call: refuses what cannot be answered (no id, an id in use or ended),
 * answers an unknown function with an error, and validates the arguments of the others; the
 * outcome is settled at once, or in arrival order for tools whose duplicate policy needs it.
 */
export function receive(state: RunnerState, call: WireFunctionCall): void {
  if (typeof call !== 'object' || call === null) {
    state.logger.error('a function call that is not an object cannot be answered; ignored', {
      call: String(call),
    });
    return;
  }
  const id: unknown = call.id;
  const name = call.name ?? '';
  if (!id) {
    state.logger.error('a function call without an id cannot be answered; ignored', { name });
    return;
  }
  // An id of another type cannot be answered either (a response's id is a string), and reading it
  // as one would throw, costing the calls after it in the same message.
  if (typeof id !== 'string') {
    state.logger.error('a function call whose id is not a string cannot be answered; ignored', {
      name,
      idType: Array.isArray(id) ? 'array' : typeof id,
    });
    return;
  }
  if (state.calls.has(id)) {
    state.logger.warn('a function call reused the id of an active call; ignored', { callId: id, name });
    return;
  }
  if (state.ended.has(id)) {
    // One final response per id: a second call with an ended id is never run nor answered.
    state.logger.warn('a function call reused the id of an ended call; ignored', { callId: id, name });
    return;
  }
  const now = state.scheduler.now();
  const tool = state.tools.get(name);
  if (!tool) {
    // Remembered as ended before its event: a subscriber that feeds this id again meanwhile is
    // refused, so that the id is answered once.
    state.ended.add(id);
    state.publish({ type: 'tool-call', callId: id, toolName: name, args: call.args ?? {}, time: now });
    // A subscriber of events$ may have disposed the runner (ended the session) on its tool-call.
    if (state.disposed) return;
    const known = [...state.tools.keys()];
    reject(state, id, name, new UnknownToolError(name, known), true);
    return;
  }
  const record: CallRecord = {
    id,
    name,
    tool,
    receivedAt: now,
    args: call.args ?? {},
    phase: 'validating',
    results: 0,
    refused: 0,
    bytes: 0,
    coalesced: 0,
    startedAt: undefined,
    firstResultAt: undefined,
    cancelToTeardownMs: undefined,
    outcome: undefined,
    abort: undefined,
    cancelledBy: undefined,
    subscription: undefined,
    deadline: undefined,
  };
  // Active before its event: a subscriber may stop it there, and one that feeds this id again
  // meanwhile is refused.
  state.calls.set(id, record);
  state.publish({ type: 'tool-call', callId: id, toolName: name, args: record.args, time: now });
  // Stopped, or the runner disposed, by a subscriber of events$ on its tool-call.
  if (record.phase !== 'validating') return;
  const ordered = tool.kind === 'streaming' && tool.policies.onDuplicate !== 'allow';
  if (ordered) state.lines.join(record);
  const outcome = validateArguments(name, tool.parameters, call.args);
  if (outcome instanceof Promise) outcome.then((o) => validated(state, record, o, ordered, undefined));
  else validated(state, record, outcome, ordered, now);
}

/**
 * A call's arguments were validated: it settles now, or in arrival order (`ordered`). `now`: the
 * time read when the call was received, when that was in this same turn (validation was
 * synchronous); a call that starts at once then starts at that time, without reading the clock
 * again (a `Date.now()` costs more than most of starting a one-shot call).
 */
function validated(
  state: RunnerState,
  record: CallRecord,
  outcome: ValidationOutcome,
  ordered: boolean,
  now: number | undefined,
): void {
  if (record.phase !== 'validating') return; // cancelled while validating
  if (ordered) {
    record.outcome = outcome;
    state.lines.drain(record.name);
  } else {
    settle(state, record, outcome, now);
  }
}

/**
 * @internal
 * Admits a validated call, or answers an invalid one with its error. `now`: the time of this turn
 * when the call was received in it (see `validated`), for a call that starts at once.
 */
export function settle(
  state: RunnerState,
  record: CallRecord,
  o: ValidationOutcome,
  now?: number | undefined,
): void {
  if (!o.ok) {
    state.calls.delete(record.id);
    record.phase = 'ended';
    reject(state, record.id, record.name, o.error, record.tool.kind === 'streaming', record.receivedAt);
    return;
  }
  record.args = o.value;
  admit(state, record, now);
}

/** Answers a call that never starts with an error, and ends it as failed. */
function reject(
  state: RunnerState,
  id: string,
  name: string,
  error: LivetoolsError,
  streaming: boolean,
  receivedAt = state.scheduler.now(),
): void {
  state.ended.add(id);
  const payload = toPayload(error) ?? { message: describeError(error), code: 'TOOL_EXECUTION' };
  const response = refusedResponse(id, name, payload, streaming);
  send(state, [response]);
  const time = state.scheduler.now();
  state.publish({
    type: 'tool-end',
    callId: id,
    toolName: name,
    reason: 'failed',
    error,
    results: 0,
    metrics: metricsOf(
      { receivedAt, results: 0, coalesced: 0, bytes: state.measureBytes ? jsonLength(response) : 0 },
      time,
    ),
    time,
  });
}

/** Applies the tool's duplicate policy to a validated call: start it, queue it, or refuse it. */
function admit(state: RunnerState, record: CallRecord, now: number | undefined): void {
  const tool = record.tool;
  if (tool.kind === 'one-shot' || tool.policies.onDuplicate === 'allow') {
    start(state, record, now);
    return;
  }
  const running = state.calls
    .list()
    .filter((r) => r !== record && r.name === record.name && (r.phase === 'running' || r.phase === 'queued'));
  switch (tool.policies.onDuplicate) {
    case 'replace':
      for (const r of running) cancel(state, r, 'replaced');
      // A subscriber of events$ may have stopped this call too (or disposed the runner) on the
      // tool-end of a call it replaces: then it has ended already and must not start.
      if (record.phase !== 'validating') return;
      break;
    case 'reject':
      if (running.length > 0) {
        state.calls.delete(record.id);
        record.phase = 'ended';
        reject(
          state,
          record.id,
          record.name,
          new DuplicateCallError(
            record.name,
            running.map((r) => r.id),
          ),
          true,
          record.receivedAt,
        );
        return;
      }
      break;
    case 'queue':
      if (running.length > 0) {
        record.phase = 'queued';
        const queue = state.queues.get(record.name) ?? [];
        queue.push(record);
        state.queues.set(record.name, queue);
        state.publish({
          type: 'tool-queued',
          callId: record.id,
          toolName: record.name,
          behind: running.map((r) => r.id),
          time: state.scheduler.now(),
        });
        return;
      }
      break;
  }
  start(state, record);
}
