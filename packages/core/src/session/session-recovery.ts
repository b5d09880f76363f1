import { describeError } from '../errors.js';
import type { LiveFunctionResponse } from '../protocol/function-calls.js';
import type { WireCloseEvent, WireServerMessage } from '../protocol/genai-like.js';
import type { GoAwayAction } from '../protocol/read-server-message.js';
import type { ToolRunner } from '../runner/tool-runner.js';
import type { LiveFunctionDeclaration } from '../tool/define-tool.js';
import { type BriefingKind, type HandedOverCall, handoffBriefing } from './handoff-relay.js';
import type { SessionEvent } from './live-events.js';
import { MAX_TIMER_MS } from './option-checks.js';
import type { OutboundWriter } from './outbound-writer.js';
import type { ResumptionHandles } from './resumption-handles.js';
import type { ResumptionPacer } from './resumption-pacer.js';
import type { SessionLink } from './session-link.js';
import type { SessionOutput } from './session-output.js';
import type { SessionSettings } from './session-settings.js';

/** Why the session reconnects: the server's goAway, or a lost connection. */
type Cause = 'go-away' | 'connection-lost';

/** @internal What the resumption room needs of its session. */
export interface RecoveryHost {
  readonly settings: SessionSettings;
  readonly link: SessionLink;
  readonly handles: ResumptionHandles;
  readonly pacer: ResumptionPacer;
  readonly writer: OutboundWriter;
  readonly output: SessionOutput;
  readonly runner: ToolRunner;
  publish(event: SessionEvent): void;
  now(): number;
  teardown(by: 'client' | 'server' | 'connection-lost', reason: string, code?: number): void;
  /** Applies a message of connection `generation`. */
  onMessage(message: WireServerMessage, generation: number): void;
  /** The first connection's early messages: published on the next turn, once the caller subscribed. */
  deferFirst(early: readonly WireServerMessage[], generation: number): void;
  /** Messages of connections up to `generation` are ignored from now on (a session handed over). */
  retire(generation: number): void;
  declarations(): LiveFunctionDeclaration[];
}

/**
 * @internal
 * The session's resumption and handoff room. After a goAway or a lost connection:
 * - with a resumable handle, the session resumes with it (bounded, growing delays between
 *   attempts; too many resumptions in a row end the session);
 * - after a goAway without one, when handoff applies, it waits for a resumable handle until
 *   `timeLeft` minus `handoff.marginMs`, and resumes if one comes;
 * - otherwise, when handoff applies, it hands the session over to a fresh connection: the
 *   running calls continue (or end, per the tool's `onHandoff`), the new session is told what is
 *   still running, and their later results reach it as text turns ({@link HandoffRelay});
 * - else the session ends.
 */
export class SessionRecovery {
  readonly #host: RecoveryHost;

  constructor(host: RecoveryHost) {
    this.#host = host;
    // Every call, in the order the session applies server messages: a handle stored later covers
    // it, one stored earlier does not (`tool-call` is published as the call is received). Without
    // resumption no handle comes, and nothing is kept.
    if (host.settings.config.sessionResumption === undefined) return;
    host.runner.events$.subscribe((e) => {
      if (e.type === 'tool-call') host.handles.noteCall(e.callId, e.toolName, e.args);
    });
  }

  /**
   * The server cancelled these calls: like their held messages, their results parked during a
   * resumption are not sent, whether the call was still running or had ended (a final parked).
   */
  discardParked(ids: readonly string[]): void {
    this.#host.output.relay.discardParked(ids);
  }

  /** True when handoff applies: sessions without a resumable handle hand over instead of ending. */
  get handoffEnabled(): boolean {
    return this.#host.settings.handoff?.enabled === true;
  }

  /** Opens a connection: the first, a resumption with the stored handle, or a fresh one taking over the calls. */
  async attach(mode: 'first' | 'resume' | 'fresh', handedOver?: HandoffRecord, cause?: Cause): Promise<void> {
    const { handles, writer, link } = this.#host;
    const handle = mode === 'resume' ? handles.handle : undefined;
    const covered = handles.covers;
    const point = handles.point;
    const opened = await link.connect(handle, this.#host.declarations());
    if (!opened) return;
    const { generation } = opened.connection;
    this.#host.pacer.connected();
    if (mode === 'resume') {
      // The session now continues from the state this handle stands for. A newer handle stored
      // while this attempt was under way (sent by the connection being left) stands for another
      // continuation of the session, which the numbering below does not follow: it is forgotten.
      handles.restore(handle, covered, point);
      writer.rebase(covered);
      // Published before anything is written on the new connection (the parked results of calls
      // the handle knows are written by handOverUnknown).
      this.#host.publish({ type: 'connected', resumed: true, time: this.#host.now() });
      const partial = this.#handOverUnknown(point, cause ?? 'connection-lost');
      if (partial) {
        this.#brief(partial.record);
        for (const r of partial.parked) this.#host.output.relay.deliver(r);
      }
      // What these messages make the session write queues behind the held and replayed messages.
      for (const m of opened.early) this.#host.onMessage(m, generation);
    } else if (mode === 'fresh') {
      this.#host.publish({ type: 'connected', resumed: false, time: this.#host.now() });
      this.#brief(handedOver);
      for (const m of opened.early) this.#host.onMessage(m, generation);
    } else {
      this.#host.deferFirst(opened.early, generation);
    }
    // An early message of the new connection (a goAway) may have started another resumption:
    // then everything stays held for the connection after it.
    writer.flush();
  }

  /** The server's goAway on connection `generation`. */
  onGoAway(action: GoAwayAction, generation: number): void {
    const { link, handles, settings } = this.#host;
    const willResume = handles.handle !== undefined;
    const willHandOver = !willResume && this.handoffEnabled;
    this.#host.publish({
      type: 'go-away',
      timeLeft: action.timeLeft,
      willResume,
      ...(willHandOver ? { willHandOver } : {}),
      time: this.#host.now(),
    });
    const state = link.state;
    if (state.kind !== 'open' || state.connection.generation !== generation) return;
    if (willResume) {
      this.#start('resume', 'go-away');
      return;
    }
    if (!willHandOver || state.handleWait) return;
    // A timer cannot wait longer than MAX_TIMER_MS (Node fires a longer one at once); the server
    // closes the connection long before, and the close hands over then.
    const wait = Math.min(
      MAX_TIMER_MS,
      Math.max(0, (action.timeLeftMs ?? 0) - (settings.handoff?.marginMs ?? 0)),
    );
    if (wait === 0) {
      this.#start('handoff', 'go-away');
      return;
    }
    settings.logger.info(
      'goAway without a resumable handle: waiting for one before handing the session over',
      {
        waitMs: wait,
      },
    );
    state.handleWait = settings.scheduler.schedule(() => {
      if (link.state === state) {
        state.handleWait = undefined;
        this.#start('handoff', 'go-away');
      }
    }, wait);
  }

  /** A resumable handle of the current connection was stored: a wait for one after a goAway resumes now. */
  onHandleStored(): void {
    const state = this.#host.link.state;
    if (state.kind !== 'open' || !state.handleWait) return;
    state.handleWait.unsubscribe();
    state.handleWait = undefined;
    this.#start('resume', 'go-away');
  }

  /** The socket of connection `generation` closed. */
  onSocketClosed(event: WireCloseEvent, generation: number): void {
    const { link, handles, settings } = this.#host;
    if (!link.isCurrent(generation)) return; // an old connection after a switch, or not open
    if (handles.handle !== undefined) {
      settings.logger.warn('connection lost; resuming the session', {
        code: event.code,
        reason: event.reason,
      });
      this.#start('resume', 'connection-lost');
      return;
    }
    if (this.handoffEnabled) {
      settings.logger.warn('connection lost without a resumable handle; handing the session over', {
        code: event.code,
        reason: event.reason,
      });
      this.#start('handoff', 'connection-lost');
      return;
    }
    const reason = event.reason ? `${event.code}: ${event.reason}` : `code ${event.code}`;
    this.#host.teardown(
      event.code === 1000 ? 'server' : 'connection-lost',
      `The connection closed (${reason}) and no session resumption handle was available, so the session ended. ` +
        'Enable sessionResumption in the config to survive connection loss.',
      event.code,
    );
  }

  #start(mode: 'resume' | 'handoff', cause: Cause): void {
    this.#reconnect(mode, cause).catch((error: unknown) => {
      // Not expected: a bug must end the session clearly, never escape as an unhandled rejection.
      this.#host.settings.logger.error('reconnecting the session failed unexpectedly', {
        error: describeError(error),
      });
      this.#host.teardown(
        'connection-lost',
        `Reconnecting the session failed unexpectedly (${describeError(error)}).`,
      );
    });
  }

  /**
   * Reconnects with the stored handle (`resume`), or hands the session over to a fresh
   * connection (`handoff`), with bounded, growing delays between attempts. Reconnections in a
   * row (each after a connection that lasted less than `reconnect.stableAfterMs`) back off too,
   * and after `reconnect.maxConsecutive` of them the session ends.
   */
  async #reconnect(mode: 'resume' | 'handoff', cause: Cause): Promise<void> {
    const { link, pacer, settings } = this.#host;
    const state = link.state;
    if (state.kind !== 'open') return;
    state.handleWait?.unsubscribe();
    const old = state.connection;
    const handedOver = mode === 'handoff' ? this.#handOver(old.generation, cause) : undefined;
    link.state = {
      kind: 'reconnecting',
      mode,
      leaving: mode === 'resume' ? old : undefined,
      pending: undefined,
      backoff: undefined,
    };
    // A handed-over session's old connection has nothing more to give: closed at once.
    if (mode === 'handoff') link.closeSocket(old.attempt);
    else {
      // Results of calls made after the handle wait in the relay until the resumed connection
      // says which handle it took: as function responses they would answer calls it never made.
      const { handles } = this.#host;
      const from = handles.point;
      this.#host.output.relay.park((callId) => handles.isAfter(callId, from));
    }
    const { attempts, maxConsecutive, stableAfterMs } = settings.reconnect;
    let lastError: unknown;
    try {
      if (!pacer.begin()) {
        const how = cause === 'go-away' ? 'sent a goAway' : 'dropped the connection';
        this.#host.teardown(
          cause === 'go-away' ? 'server' : 'connection-lost',
          `The Live API ${how} again: ${maxConsecutive} ${mode === 'resume' ? 'resumptions' : 'handoffs'} in a row, each connection lasting less than ` +
            `${stableAfterMs} ms, so the session ended. Raise reconnect.maxConsecutive to allow more.`,
        );
        return;
      }
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const wait = pacer.waitBefore(attempt);
        if (wait > 0) await link.delay(wait);
        if (link.state.kind !== 'reconnecting') return;
        this.#host.publish({ type: 'reconnecting', cause, attempt, time: this.#host.now() });
        try {
          await this.attach(mode === 'resume' ? 'resume' : 'fresh', handedOver, cause);
          return;
        } catch (error) {
          if (link.state.kind !== 'reconnecting') return; // closed meanwhile: the attempt was aborted
          lastError = error;
          this.#host.publish({ type: 'error', error: error as Error, time: this.#host.now() });
        }
      }
      if (link.state.kind === 'reconnecting') {
        const what =
          mode === 'resume' ? 'Resuming the session' : 'Handing the session over to a new connection';
        this.#host.teardown(
          'connection-lost',
          `${what} failed ${attempts} times (${describeError(lastError)}); the session ended.`,
        );
      }
    } finally {
      if (mode === 'resume') link.closeSocket(old.attempt);
    }
  }

  /**
   * Starts a handoff: the old session's state is given up (no handle, nothing to replay, its
   * messages ignored from now on), each running call continues in the new session or ends as its
   * tool's `onHandoff` says, and their results go through the relay from now on. The continuing
   * calls' results the writer held unwritten go to the relay too (newest `bufferedResultsPerCall`
   * intermediate ones per call), to follow the briefing as text; the held results of calls that
   * ended go nowhere (logged).
   */
  #handOver(oldGeneration: number, cause: Cause): HandoffRecord {
    const { runner, settings, writer, handles, output } = this.#host;
    this.#host.retire(oldGeneration);
    const continued: HandedOverCall[] = [];
    const ended: string[] = [];
    const endedCalls: { callId: string; toolName: string }[] = [];
    for (const call of runner.isDisposed ? [] : runner.activeCalls()) {
      const { streaming, end } = this.#policyOf(call.toolName);
      if (end) {
        ended.push(call.callId);
        endedCalls.push({ callId: call.callId, toolName: call.toolName });
      } else continued.push({ callId: call.callId, toolName: call.toolName, args: call.args, streaming });
    }
    // The continuing calls' results the writer still holds (waiting for a connection, for a BLOCKING
    // call's answer or for the old model to be idle) go to the new session as text, through the
    // relay, behind the briefing; those of calls ended by the handoff or ended before go nowhere.
    const carried = writer.unwritten(new Set(continued.map((c) => c.callId)));
    const notCarried = writer.unwritten().length - carried.length;
    output.relay.adopt(continued, ended);
    // Nothing written for the old session means anything to the new one: held, unacknowledged and
    // idle-queued messages are dropped, and numbering starts again at 0.
    writer.clear();
    for (const r of carried) output.relay.deliver(r);
    writer.rebase(-1);
    writer.becomeIdle();
    handles.restore(undefined, -1);
    for (const id of ended) runner.stopCalls({ callId: id }, { by: 'handoff' });
    settings.logger.warn('no resumable handle: handing the session over to a new connection', {
      cause,
      continued: continued.length,
      ended: ended.length,
      carriedResults: carried.length,
      // Held results of calls that ended (by the handoff or before it): their session is gone.
      droppedResultsOfEndedCalls: notCarried,
    });
    return { cause, continued, ended: endedCalls };
  }

  /** Whether `name`'s calls are a streaming tool's, and whether its `onHandoff` ends them. */
  #policyOf(name: string): { streaming: boolean; end: boolean } {
    const tool = this.#host.settings.tools.find((t) => t.name === name);
    const streaming = tool?.kind === 'streaming';
    return { streaming, end: streaming && tool.policies.onHandoff === 'end' };
  }

  /**
   * Right after a resumption with the handle at `point`: the calls made after it (the resumed
   * state never made them) are handed over like in a handoff: what was written for them after
   * the handle is not sent again, running ones continue through the relay (or end, per their
   * tool's `onHandoff`), and ones that already ended are forgotten. The results parked during the
   * resumption go where they belong: those of calls the resumed state knows as usual, the others
   * returned to follow the briefing, behind the continuing calls' results the writer held and had
   * not written yet. `undefined` when the handle covers every call.
   */
  #handOverUnknown(
    point: number,
    cause: Cause,
  ): { record: HandoffRecord; parked: LiveFunctionResponse[] } | undefined {
    const { handles, runner, writer, output, settings } = this.#host;
    const parked = output.relay.unpark();
    const unknown = handles.takeAfter(point).filter((c) => !output.relay.owns(c.callId));
    const ids = new Set(unknown.map((c) => c.callId));
    const known = parked.filter((r) => !ids.has(r.id));
    if (known.length > 0) output.sendResponses(known);
    if (unknown.length === 0) return undefined;
    // Their results never written (waiting for idle, for a BLOCKING call's answer, or held while
    // disconnected; not the replays) are taken along for those that continue, before the parked ones.
    const unwritten = writer.unwritten(ids);
    writer.discard([...ids]);
    const active = new Map((runner.isDisposed ? [] : runner.activeCalls()).map((c) => [c.callId, c]));
    const withParked = new Set(parked.map((r) => r.id));
    const continued: HandedOverCall[] = [];
    const ended: { callId: string; toolName: string }[] = [];
    const forgotten: { callId: string; toolName: string }[] = [];
    for (const call of unknown) {
      const info = active.get(call.callId);
      if (!info && !withParked.has(call.callId)) {
        forgotten.push({ callId: call.callId, toolName: call.name });
        continue;
      }
      const { streaming, end } = this.#policyOf(call.name);
      if (end && info) ended.push({ callId: call.callId, toolName: call.name });
      else
        continued.push({
          callId: call.callId,
          toolName: call.name,
          args: info?.args ?? call.args,
          streaming,
        });
    }
    output.relay.adopt(
      continued,
      ended.map((c) => c.callId),
    );
    for (const c of ended) runner.stopCalls({ callId: c.callId }, { by: 'handoff' });
    settings.logger.warn(
      'resumed with a handle issued before some calls: the resumed session never made them; they are handed over',
      { cause, continued: continued.length, ended: ended.length, forgotten: forgotten.length },
    );
    const goOn = new Set(continued.map((c) => c.callId));
    return {
      record: { cause, continued, ended, forgotten, kind: 'resumed' },
      parked: [...unwritten, ...parked].filter((r) => goOn.has(r.id)),
    };
  }

  /** Tells the new session what still runs, then lets the results that waited go, and publishes the handoff. */
  #brief(record: HandoffRecord | undefined): void {
    if (!record) return;
    const calls = record.continued.filter((c) => this.#host.output.relay.carries(c.callId));
    const kind = record.kind ?? 'handed-over';
    const briefing = calls.length > 0 ? handoffBriefing(calls, kind) : undefined;
    // The briefing goes ahead of the user's turns held while there was no connection: the model
    // knows what runs before it answers them.
    this.#host.output.relay.briefed(() => {
      if (briefing !== undefined) this.#host.output.userText(briefing, false, true);
    });
    this.#host.publish({
      type: 'handed-over',
      cause: record.cause,
      continued: calls.map((c) => ({ callId: c.callId, toolName: c.toolName })),
      ended: record.ended,
      ...(kind === 'resumed' ? { resumed: true, forgotten: record.forgotten ?? [] } : {}),
      ...(briefing === undefined ? {} : { briefing }),
      time: this.#host.now(),
    });
  }
}

/** @internal What a handoff took over. */
export interface HandoffRecord {
  readonly cause: Cause;
  readonly continued: readonly HandedOverCall[];
  readonly ended: readonly { readonly callId: string; readonly toolName: string }[];
  /** `resumed`: a resumption handed over the calls made after its handle; else a full handoff. */
  readonly kind?: BriefingKind;
  /** With `resumed`: the calls made after the handle that had already ended. */
  readonly forgotten?: readonly { readonly callId: string; readonly toolName: string }[];
}
