/**
 * Invariants of the tool runner, checked over the record of one randomised run.
 * Returns every violation found (empty when the run is correct).
 */

import type { LiveFunctionResponse } from '../../src/protocol/function-calls.js';
import type { ToolEndEvent } from '../../src/runner/events.js';
import {
  type Action,
  MAX_DURATION_MS,
  MIN_INTERVAL_MS,
  ONE_SHOT_NAMES,
  type Output,
  policiesOf,
  type RunRecord,
  STREAMING_NAMES,
} from './runner-world.js';

interface Incarnation {
  readonly id: string;
  readonly name: string;
  readonly token: string | undefined;
  queued: boolean;
  started: boolean;
  startTime: number;
  results: number;
  readonly intermediates: { response: LiveFunctionResponse; time: number }[];
  readonly finals: { response: LiveFunctionResponse; time: number }[];
  serverCancelled: boolean;
  interruptTarget: boolean;
  sessionEnd: boolean;
  /** Queued, started, or refused by its duplicate policy or its arguments: the policy has seen it. */
  admitted: boolean;
  /** Values refused because JSON cannot carry them. */
  refused: number;
  end?: ToolEndEvent;
  endStep?: number;
}

type Kind = 'streaming' | 'one-shot' | 'unknown';

function kindOf(name: string): Kind {
  if (STREAMING_NAMES.includes(name)) return 'streaming';
  if (ONE_SHOT_NAMES.includes(name) || name === 'stop_streaming') return 'one-shot';
  return 'unknown';
}

function errorCode(r: LiveFunctionResponse): string | undefined {
  return 'error' in r.response ? r.response.error.code : undefined;
}

function output(r: LiveFunctionResponse): unknown {
  return 'output' in r.response ? r.response.output : undefined;
}

function tokenOf(value: unknown): string | undefined {
  const t = (value as Partial<Output> | null | undefined)?.token;
  return typeof t === 'string' ? t : undefined;
}

/** Checks every invariant over a run's record. */
export function checkRun(record: RunRecord): string[] {
  const violations: string[] = [];
  const fail = (message: string) => {
    if (violations.length < 20) violations.push(message);
  };
  const current = new Map<string, Incarnation>();
  const all: Incarnation[] = [];
  const byToken = new Map<string, Incarnation>();
  const lastEnded = new Map<string, Incarnation>();
  /** The call of the newest tool-start, tool-result or tool-queued event per id (what a reentrant stop reacts to). */
  const lastTrigger = new Map<string, Incarnation>();
  /** Calls stopped by an events$ subscriber (nested inside another action). */
  const stoppedReentrantly = new Set<Incarnation>();
  const running = new Map<string, Set<Incarnation>>();
  const queues = new Map<string, Incarnation[]>();
  const runningOf = (name: string) => running.get(name) ?? running.set(name, new Set()).get(name)!;
  const queueOf = (name: string) => queues.get(name) ?? queues.set(name, []).get(name)!;
  /** Every id a call was ever made with: an id gets one call (one final response) per session. */
  const seenIds = new Set<string>();
  /** Calls of tools whose duplicate policy depends on order, per tool, in arrival order. */
  const arrivals = new Map<string, Incarnation[]>();
  const ordered = (name: string) => kindOf(name) === 'streaming' && policiesOf(name).onDuplicate !== 'allow';
  /** A policy decision about `inc`: every call of its tool that arrived before must be decided or ended. */
  const admit = (inc: Incarnation) => {
    if (inc.admitted) return;
    inc.admitted = true;
    if (!ordered(inc.name)) return;
    for (const earlier of arrivals.get(inc.name) ?? []) {
      if (earlier === inc) break;
      if (!earlier.admitted && earlier.end === undefined) {
        fail(
          `${label(inc)} was admitted before ${label(earlier)}, which arrived first (onDuplicate out of arrival order)`,
        );
      }
    }
  };
  let step = -1;
  let action: Action | undefined;
  let disposed = false;
  let eventsComplete = false;
  const label = (inc: Incarnation) => `${inc.id} (${inc.name}, token ${inc.token ?? '-'})`;

  const onEnd = (inc: Incarnation, end: ToolEndEvent) => {
    const kind = kindOf(inc.name);
    const silentCancel =
      end.reason === 'cancelled' && (end.cancelledBy === 'server' || end.cancelledBy === 'session-end');
    if (inc.serverCancelled && !(end.reason === 'cancelled' && end.cancelledBy === 'server')) {
      fail(`${label(inc)} was cancelled by the server but ended ${end.reason}/${end.cancelledBy}`);
    }
    if (inc.sessionEnd && !(end.reason === 'cancelled' && end.cancelledBy === 'session-end')) {
      fail(`${label(inc)} was torn down by dispose but ended ${end.reason}/${end.cancelledBy}`);
    }
    if (kind === 'streaming' && end.results !== inc.intermediates.length) {
      fail(`${label(inc)}: tool-end says ${end.results} results, the sink got ${inc.intermediates.length}`);
    }
    if (end.metrics.refused !== inc.refused) {
      fail(
        `${label(inc)}: metrics say ${end.metrics.refused} refused, ${inc.refused} tool-result-refused events`,
      );
    }
    if (silentCancel) {
      if (inc.finals.length !== 0) fail(`${label(inc)}: a final response after a ${end.cancelledBy} cancel`);
      return;
    }
    if (inc.finals.length !== 1) {
      fail(`${label(inc)} ended ${end.reason} with ${inc.finals.length} final responses (expected 1)`);
      return;
    }
    const final = inc.finals[0]!.response;
    const streamingWire = kind !== 'one-shot';
    if (streamingWire && final.willContinue !== false) {
      fail(`${label(inc)}: final response has willContinue ${final.willContinue}`);
    }
    if (!streamingWire && final.willContinue !== undefined) {
      fail(`${label(inc)}: a one-shot response carries willContinue ${final.willContinue}`);
    }
    if (end.reason === 'completed') {
      if (kind === 'streaming') {
        const o = output(final);
        if (JSON.stringify(o) !== JSON.stringify({ status: 'completed', results: end.results })) {
          fail(`${label(inc)}: completion response ${JSON.stringify(o)}`);
        }
      } else if (errorCode(final) !== undefined) {
        fail(`${label(inc)} completed with an error response`);
      }
    } else if (end.reason === 'failed') {
      const code = errorCode(final);
      const expected =
        kind === 'unknown'
          ? ['UNKNOWN_TOOL']
          : !inc.started
            ? ['INVALID_ARGUMENTS', 'DUPLICATE_CALL']
            : inc.name === 'stop_streaming'
              ? ['STOP_NOTHING_MATCHED', 'INVALID_ARGUMENTS']
              : ['TOOL_EXECUTION', 'UNSERIALIZABLE_VALUE'];
      if (code === undefined || !expected.includes(code)) {
        fail(`${label(inc)} failed with code ${code}, expected one of ${expected.join(', ')}`);
      }
      if (code === 'DUPLICATE_CALL') {
        if (policiesOf(inc.name).onDuplicate !== 'reject') {
          fail(`${label(inc)}: DUPLICATE_CALL from a tool whose policy is not reject`);
        } else if (runningOf(inc.name).size === 0) {
          fail(`${label(inc)}: DUPLICATE_CALL while no other call of ${inc.name} runs`);
        }
      }
      if (code === 'UNKNOWN_TOOL') {
        const message = 'error' in final.response ? final.response.error.message : '';
        if (!message.includes('There is no tool named') || !message.includes('s_allow_keep')) {
          fail(`${label(inc)}: unclear unknown-tool message: ${message}`);
        }
      }
    } else {
      const o = output(final);
      const expected = { status: 'stopped', reason: end.cancelledBy, results: end.results };
      if (JSON.stringify(o) !== JSON.stringify(expected)) {
        fail(`${label(inc)}: stop response ${JSON.stringify(o)}, expected ${JSON.stringify(expected)}`);
      }
    }
    if (inc.name === 's_maxdur' && inc.started) {
      const lived = end.time - inc.startTime;
      if (lived > MAX_DURATION_MS) fail(`${label(inc)} ran ${lived} ms, beyond maxDurationMs`);
      if (end.cancelledBy === 'max-duration' && lived !== MAX_DURATION_MS) {
        fail(`${label(inc)} was stopped by max-duration after ${lived} ms`);
      }
    }
    if (inc.name === 's_coalesce') {
      const times = inc.intermediates.map((i) => i.time);
      for (let i = 1; i < times.length; i++) {
        // A pending value is flushed when the upstream ends, whatever final response follows.
        const flushedAtEnd = i === times.length - 1 && inc.finals[0]?.time === times[i];
        if (times[i]! - times[i - 1]! < MIN_INTERVAL_MS && !flushedAtEnd) {
          fail(
            `${label(inc)}: two results ${times[i]! - times[i - 1]!} ms apart (minIntervalMs ${MIN_INTERVAL_MS})`,
          );
        }
      }
    }
  };

  for (const entry of record.log) {
    switch (entry.kind) {
      case 'step': {
        step = entry.index;
        action = entry.action;
        if (action.kind === 'cancel') {
          for (const id of action.ids) {
            const inc = current.get(id);
            if (inc) inc.serverCancelled = true;
          }
        } else if (action.kind === 'interrupt') {
          for (const inc of current.values()) {
            if (kindOf(inc.name) === 'streaming' && policiesOf(inc.name).interruption === 'cancel') {
              inc.interruptTarget = true;
            }
          }
        } else if (action.kind === 'dispose') {
          for (const inc of current.values()) inc.sessionEnd = true;
        }
        break;
      }
      case 'threw': {
        const code = (entry.error as { code?: unknown }).code;
        if (!(action?.kind === 'call' && disposed && code === 'RUNNER_DISPOSED')) {
          fail(`step ${entry.index} (${action?.kind}) threw: ${String(entry.error)}`);
        }
        break;
      }
      case 'step-end': {
        if (!action) break;
        const endedHere = all.filter((i) => i.endStep === step);
        if (action.kind === 'dispose') {
          disposed = true;
          if (current.size > 0) fail(`dispose left ${current.size} calls active`);
        }
        if (action.kind === 'interrupt' || action.kind === 'cancel') {
          for (const inc of all) {
            if ((inc.interruptTarget || inc.serverCancelled) && inc.end === undefined) {
              fail(`step ${step}: ${label(inc)} is still active after ${action.kind}`);
            }
          }
        }
        if (action.kind === 'app-stop' && entry.stopped) {
          const returned = entry.stopped.map((s) => s.callId).sort();
          const ended = endedHere
            .filter((i) => i.end?.cancelledBy === 'application' && !stoppedReentrantly.has(i))
            .map((i) => i.id)
            .sort();
          if (JSON.stringify(returned) !== JSON.stringify(ended)) {
            fail(`step ${step}: stop() returned ${returned} but ended ${ended}`);
          }
          const target = action.target;
          for (const inc of current.values()) {
            const matches = 'callId' in target ? inc.id === target.callId : inc.name === target.toolName;
            if (matches && kindOf(inc.name) === 'streaming') {
              fail(`step ${step}: ${label(inc)} survived stop(${JSON.stringify(target)})`);
            }
          }
        }
        if (!disposed) {
          for (const [name, queue] of queues) {
            if (queue.length > 0 && runningOf(name).size === 0) {
              fail(`step ${step}: ${name} has ${queue.length} queued calls and none running`);
            }
          }
        }
        break;
      }
      case 'checkpoint': {
        if (current.size === 0 && entry.timers > 0) {
          fail(
            `step ${step}: ${entry.timers} timers scheduled while no call is active (a timer outlived its call)`,
          );
        }
        for (const [token, stats] of entry.upstream) {
          if (stats.executions > 1) fail(`execute() ran ${stats.executions} times for token ${token}`);
          if (stats.total > 1) fail(`the upstream of ${token} was subscribed ${stats.total} times`);
          const inc = byToken.get(token);
          if (inc?.end !== undefined && stats.active !== 0) {
            fail(`${label(inc)} ended ${inc.end.reason} but its upstream is still subscribed`);
          }
        }
        break;
      }
      case 'execute': {
        const inc = byToken.get(entry.token);
        if (!inc) fail(`execute() for token ${entry.token} that no call carries`);
        else if (!inc.started || inc.end !== undefined) {
          fail(`execute() for ${label(inc)} while it is ${inc.end ? 'ended' : 'not started'}`);
        }
        break;
      }
      case 'reentrant-stop': {
        const inc = lastTrigger.get(entry.callId);
        if (!inc) {
          fail(`a reentrant stop for ${entry.callId}, which had no event`);
          break;
        }
        const ids = entry.stopped.map((s) => s.callId);
        stoppedReentrantly.add(inc);
        if (kindOf(inc.name) === 'streaming') {
          if (JSON.stringify(ids) !== JSON.stringify([entry.callId])) {
            fail(`a stop from an events$ subscriber for ${label(inc)} returned ${ids}`);
          }
          if (inc.end?.cancelledBy !== 'application') {
            fail(
              `a stop from an events$ subscriber left ${label(inc)} ${inc.end ? inc.end.reason : 'active'}`,
            );
          }
        } else if (ids.length > 0) {
          fail(`stop() stopped the one-shot call ${label(inc)}`);
        }
        break;
      }
      case 'events-complete':
        eventsComplete = true;
        break;
      case 'send': {
        const r = entry.response;
        const inc = current.get(r.id);
        if (disposed) fail(`a response for ${r.id} after dispose`);
        if (!inc) {
          fail(
            `a response for ${r.id} (${r.name}) while no call with that id is active: ${JSON.stringify(r)}`,
          );
          break;
        }
        if (inc.name !== r.name) fail(`${label(inc)}: a response named ${r.name}`);
        if (inc.serverCancelled) fail(`${label(inc)}: a response after the server cancelled it`);
        if (inc.sessionEnd) fail(`${label(inc)}: a response during dispose`);
        if (inc.finals.length > 0) fail(`${label(inc)}: a response after its final response`);
        try {
          if (JSON.stringify(r).includes('"big"')) fail(`${label(inc)}: a refused value was sent`);
        } catch (error) {
          fail(`${label(inc)}: a response JSON cannot carry: ${String(error)}`);
        }
        const o = output(r);
        const t = tokenOf(o);
        if (t !== undefined && t !== inc.token) {
          fail(`${label(inc)}: got a result of token ${t}`);
        }
        if (r.willContinue === true) {
          if (t === undefined)
            fail(`${label(inc)}: an intermediate result without a token: ${JSON.stringify(o)}`);
          if (!inc.started) fail(`${label(inc)}: a result before tool-start`);
          inc.intermediates.push({ response: r, time: entry.time });
        } else {
          inc.finals.push({ response: r, time: entry.time });
          const stopped = (o as { stopped?: { call_id: string }[] } | undefined)?.stopped;
          if (inc.name === 'stop_streaming' && Array.isArray(stopped)) {
            for (const s of stopped) {
              const target = lastEnded.get(s.call_id);
              if (target?.end?.cancelledBy !== 'model' || target.endStep !== step) {
                fail(
                  `stop_streaming ${inc.id} reports ${s.call_id} stopped, but it did not end by the model`,
                );
              }
            }
          }
        }
        break;
      }
      case 'event': {
        const e = entry.event;
        if (eventsComplete) fail(`an event after events$ completed: ${e.type}`);
        if (e.type === 'response-error') {
          fail(`response-error for ${e.callIds}`);
          break;
        }
        if (e.type === 'tool-call') {
          if (current.has(e.callId)) {
            fail(`a second tool-call event for the active id ${e.callId}`);
            break;
          }
          if (seenIds.has(e.callId)) fail(`a second call accepted with the ended id ${e.callId}`);
          seenIds.add(e.callId);
          const inc: Incarnation = {
            id: e.callId,
            name: e.toolName,
            token: tokenOf(e.args),
            queued: false,
            started: false,
            startTime: 0,
            results: 0,
            intermediates: [],
            finals: [],
            serverCancelled: false,
            interruptTarget: false,
            sessionEnd: false,
            admitted: false,
            refused: 0,
          };
          current.set(e.callId, inc);
          if (ordered(inc.name)) {
            const list = arrivals.get(inc.name) ?? [];
            list.push(inc);
            arrivals.set(inc.name, list);
          }
          all.push(inc);
          if (inc.token !== undefined) byToken.set(inc.token, inc);
          break;
        }
        const inc = current.get(e.callId);
        if (!inc) {
          fail(`${e.type} for ${e.callId}, which has no active call`);
          break;
        }
        const policy = policiesOf(inc.name).onDuplicate;
        if (e.type !== 'tool-end') lastTrigger.set(inc.id, inc);
        switch (e.type) {
          case 'tool-queued':
            if (inc.started || inc.queued) fail(`${label(inc)} queued twice or after starting`);
            if (policy !== 'queue' || kindOf(inc.name) !== 'streaming')
              fail(`${label(inc)} queued by a non-queue tool`);
            if (runningOf(inc.name).size === 0) fail(`${label(inc)} queued while nothing runs`);
            inc.queued = true;
            admit(inc);
            queueOf(inc.name).push(inc);
            break;
          case 'tool-start': {
            if (inc.started) fail(`${label(inc)} started twice`);
            if (inc.serverCancelled) fail(`${label(inc)} started after the server cancelled it`);
            if (inc.interruptTarget) fail(`${label(inc)} started while being interrupted`);
            if (inc.sessionEnd) fail(`${label(inc)} started during dispose`);
            if (kindOf(inc.name) === 'streaming' && policy !== 'allow' && runningOf(inc.name).size > 0) {
              fail(`${label(inc)} started beside a running call of ${inc.name} (onDuplicate ${policy})`);
            }
            const queue = queueOf(inc.name);
            if (inc.queued) {
              if (queue[0] !== inc) fail(`${label(inc)} started out of its queue's order`);
              queue.splice(queue.indexOf(inc), 1);
            } else if (policy === 'queue' && queue.length > 0) {
              fail(`${label(inc)} jumped the queue of ${inc.name}`);
            }
            admit(inc);
            inc.started = true;
            inc.startTime = e.time;
            runningOf(inc.name).add(inc);
            break;
          }
          case 'tool-result-refused':
            if (!inc.started) fail(`${label(inc)}: a refused result before tool-start`);
            if (e.error.code !== 'UNSERIALIZABLE_VALUE' || !e.error.path.startsWith('result'))
              fail(`${label(inc)}: a refusal without its path: ${e.error.message}`);
            inc.refused += 1;
            break;
          case 'tool-result':
            if (!inc.started) fail(`${label(inc)}: tool-result before tool-start`);
            inc.results += 1;
            if (e.sequence !== inc.results)
              fail(`${label(inc)}: result sequence ${e.sequence}, expected ${inc.results}`);
            break;
          case 'tool-end': {
            if (!inc.started && e.reason === 'failed') admit(inc); // refused by its arguments or its policy
            inc.end = e;
            inc.endStep = step;
            current.delete(inc.id);
            lastEnded.set(inc.id, inc);
            runningOf(inc.name).delete(inc);
            const queue = queueOf(inc.name);
            if (queue.includes(inc)) queue.splice(queue.indexOf(inc), 1);
            onEnd(inc, e);
            break;
          }
        }
        break;
      }
    }
  }
  for (const inc of current.values()) fail(`${label(inc)} never ended`);
  if (!eventsComplete) fail('events$ did not complete after dispose');
  if (record.pendingActions > 0) fail(`${record.pendingActions} timers still scheduled after dispose`);
  for (const error of record.escaped) fail(`an error escaped: ${String(error)}`);
  return violations;
}

/** What a run exercised, counted by kind, so a suite can prove it did not pass vacuously. */
export function tally(record: RunRecord, into: Map<string, number>): void {
  const add = (key: string) => into.set(key, (into.get(key) ?? 0) + 1);
  for (const entry of record.log) {
    if (entry.kind === 'reentrant-stop' && entry.stopped.length > 0) add('reentrant stop');
    if (entry.kind !== 'event') continue;
    const e = entry.event;
    if (e.type === 'tool-queued') add('queued');
    if (e.type === 'tool-result') add('result');
    if (e.type === 'tool-result-refused') add('refused');
    if (e.type === 'tool-end') {
      add(`end ${e.reason}${e.cancelledBy ? ` by ${e.cancelledBy}` : ''}`);
      if (e.error) add(`error ${e.error.code}`);
    }
  }
}
