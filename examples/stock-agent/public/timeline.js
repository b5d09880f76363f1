// @ts-check
/**
 * The tool timeline: one card per call, named after what it does (`Watching AAPL`). Running calls
 * are on top, newest first, with a Stop button; ended calls move to a collapsible "Ended" list
 * (newest first) that the user can clear, each showing its last result and how it ended.
 * `stop_streaming` calls get no card of their own: the calls they stopped say so.
 */

import { clockTime, el } from './dom.js';
import { callSettings, callTitle, compactJson, summarizeOutput, tidyError } from './summary.js';

/** @typedef {import('../src/web/protocol.js').ServerMessage} ServerMessage */
/** @typedef {import('../src/web/protocol.js').Json} Json */
/** @typedef {Extract<ServerMessage, { type: 'tool-start' }>} ToolStart */
/** @typedef {Extract<ServerMessage, { type: 'tool-result' }>} ToolResult */
/** @typedef {Extract<ServerMessage, { type: 'tool-end' }>} ToolEnd */

/** Result rows kept per card; older ones are dropped from the page (the count stays right). */
const MAX_ROWS = 200;
/** Ended cards kept; the oldest go first. */
const MAX_ENDED = 100;

/** @type {Record<string, string>} */
const CANCELLED_BY = {
  application: 'stopped by you',
  model: 'stopped by the model',
  server: 'cancelled by the server',
  'session-end': 'session ended',
  replaced: 'replaced by a newer call',
  'max-duration': 'its time was up',
};

/**
 * `1 result`, `3 results`.
 *
 * @param {number} count
 */
export function results(count) {
  return `${count} result${count === 1 ? '' : 's'}`;
}

/**
 * What a `tool-end` says, for the card's footer.
 *
 * @param {ToolEnd} end
 * @returns {string}
 */
export function describeEnd(end) {
  switch (end.reason) {
    case 'completed':
      return 'completed';
    case 'failed':
      if (end.errorCode === 'DUPLICATE_CALL' && end.runningCallId) {
        return `not started: already watched by call ${end.runningCallId}`;
      }
      return end.error ? `failed: ${tidyError(end.name, end.error)}` : 'failed';
    case 'cancelled':
      return `cancelled: ${end.cancelledBy ? (CANCELLED_BY[end.cancelledBy] ?? end.cancelledBy) : 'no reason given'}`;
    default:
      return end.cancelledBy ? `${end.reason}: ${end.cancelledBy}` : end.reason;
  }
}

/**
 * @typedef {object} Card
 * @property {string} name
 * @property {HTMLElement} root
 * @property {HTMLElement} state
 * @property {HTMLElement} results
 * @property {HTMLElement} count
 * @property {HTMLElement} last the newest result, shown also when the card is collapsed
 * @property {HTMLButtonElement | undefined} stop
 * @property {HTMLButtonElement} toggle
 * @property {number} resultCount
 * @property {boolean} ended
 * @property {string | undefined} alert the newest INTERRUPT result, while the call runs
 */

export class Timeline {
  /**
   * @param {HTMLElement} container
   * @param {HTMLElement} runningLabel where "N running" is shown
   * @param {(callId: string) => void} onStop
   */
  constructor(container, runningLabel, onStop) {
    this.container = container;
    this.runningLabel = runningLabel;
    this.onStop = onStop;
    /** @type {Map<string, Card>} */
    this.cards = new Map();
    /** Called when the running calls change. @type {() => void} */
    this.onChange = () => {};
    this.empty = el('p', {
      className: 'empty',
      text: 'No tool calls yet. Ask the agent to watch a stock, e.g. “watch AAPL”.',
    });
    this.running = el('div', { className: 'calls running-calls', attrs: { 'data-testid': 'running-calls' } });
    this.endedCount = el('span', { className: 'ended-count', text: 'Ended calls' });
    this.clear = el('button', {
      className: 'small',
      text: 'Clear',
      attrs: { type: 'button', 'data-testid': 'clear-ended', title: 'Remove the ended calls from this list' },
    });
    this.clear.addEventListener('click', (event) => {
      event.preventDefault();
      this.clearEnded();
    });
    this.endedList = el('div', { className: 'calls ended-calls' });
    this.ended = el('details', {
      className: 'ended-group',
      attrs: { 'data-testid': 'ended-calls', open: '' },
      children: [el('summary', { children: [this.endedCount, this.clear] }), this.endedList],
    });
    this.ended.hidden = true;
    container.append(this.empty, this.running, this.ended);
  }

  /** @param {ToolStart} start */
  start(start) {
    if (start.name === 'stop_streaming') return; // shown on the calls it stops
    const card = this.card(start.callId, start.name, start.time, start.args);
    card.root.querySelector('.args')?.replaceChildren(compactJson(start.args));
  }

  /** @param {ToolResult} result */
  result(result) {
    if (result.name === 'stop_streaming') return; // the calls it stopped end with `stopped by the model`
    const card = this.card(result.callId, result.name, result.time);
    card.resultCount++;
    card.count.textContent = results(card.resultCount);
    const scheduling = result.scheduling ?? '';
    const summary = summarizeOutput(result.name, result.output);
    const row = el('li', {
      className: 'result',
      attrs: { 'data-testid': 'result', 'data-scheduling': scheduling },
      children: [
        el('time', { className: 'time', text: clockTime(result.time) }),
        el('span', {
          className: `badge scheduling ${scheduling.toLowerCase().replace(/_/g, '-') || 'none'}`,
          text: scheduling || 'RESULT',
        }),
        el('span', { className: 'summary', text: summary }),
      ],
    });
    card.last.textContent = summary;
    if (scheduling === 'INTERRUPT') card.alert = summary;
    const list = card.results;
    const stick = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    list.append(row);
    while (list.childElementCount > MAX_ROWS) list.firstElementChild?.remove();
    if (stick) list.scrollTop = list.scrollHeight;
  }

  /** @param {ToolEnd} end */
  end(end) {
    if (end.name === 'stop_streaming' && end.reason !== 'failed') return;
    const card = this.card(end.callId, end.name, end.time);
    const duplicate = end.errorCode === 'DUPLICATE_CALL' && end.runningCallId !== undefined;
    const state = duplicate ? 'duplicate' : end.reason || 'ended';
    if (end.runningCallId) card.root.dataset.runningCallId = end.runningCallId;
    this.finish(card, state, duplicate ? 'already watched' : state, describeEnd(end), end.time, end.results);
    if (end.cancelledBy) card.root.dataset.endedBy = end.cancelledBy;
    if (duplicate && end.runningCallId) this.highlight(end.runningCallId);
  }

  /**
   * The connection to the console server is gone: every running call ended with its session, but
   * how is unknown. Each is marked `unknown` and moved to the ended calls.
   *
   * @param {number} time
   * @returns {string[]} the ids of the calls it marked
   */
  disconnected(time) {
    /** @type {string[]} */
    const marked = [];
    for (const [callId, card] of this.cards) {
      if (card.ended) continue;
      this.finish(
        card,
        'unknown',
        'ended?',
        'connection to the console server lost: how this call ended is unknown (its session closed with it)',
        time,
        card.resultCount,
      );
      marked.push(callId);
    }
    return marked;
  }

  /**
   * Ends a card: its state, its footer, the Stop button gone, moved to the ended calls (collapsed).
   *
   * @param {Card} card
   * @param {string} state
   * @param {string} badge
   * @param {string} text
   * @param {number} time
   * @param {number} count
   */
  finish(card, state, badge, text, time, count) {
    card.ended = true;
    card.root.dataset.state = state;
    card.state.textContent = badge;
    card.state.className = `badge state ${state}`;
    card.stop?.remove();
    card.stop = undefined;
    const footer = el('footer', {
      className: 'end',
      children: [
        el('span', { attrs: { 'data-testid': 'end' }, text }),
        el('span', { className: 'muted', text: `${clockTime(time)} · ${results(count)}` }),
      ],
    });
    card.root.querySelector('footer.end')?.remove();
    card.root.append(footer);
    this.collapse(card, true);
    card.toggle.hidden = card.resultCount === 0;
    this.endedList.prepend(card.root);
    while (this.endedList.childElementCount > MAX_ENDED) {
      const oldest = this.endedList.lastElementChild;
      if (oldest instanceof HTMLElement && oldest.dataset.callId) this.cards.delete(oldest.dataset.callId);
      oldest?.remove();
    }
    this.updateRunning();
  }

  /**
   * @param {Card} card
   * @param {boolean} collapsed
   */
  collapse(card, collapsed) {
    card.root.classList.toggle('collapsed', collapsed);
    card.toggle.setAttribute('aria-expanded', String(!collapsed));
    card.toggle.textContent = collapsed ? `Show ${results(card.resultCount)}` : 'Hide results';
  }

  /** Removes the ended calls from the page. */
  clearEnded() {
    for (const [callId, card] of [...this.cards]) {
      if (!card.ended) continue;
      card.root.remove();
      this.cards.delete(callId);
    }
    this.updateRunning();
  }

  /**
   * Draws the eye to a call's card (a refused duplicate watch points at the running one).
   *
   * @param {string} callId
   */
  highlight(callId) {
    const root = this.cards.get(callId)?.root;
    if (!root) return;
    root.classList.remove('highlight');
    void root.offsetWidth; // restart the animation
    root.classList.add('highlight');
    // once only: a card moved to the ended list would replay the animation
    root.addEventListener('animationend', () => root.classList.remove('highlight'), { once: true });
  }

  /**
   * The card of a call, created when the call is first seen.
   *
   * @param {string} callId
   * @param {string} name
   * @param {number} time
   * @param {Json} [args]
   * @returns {Card}
   */
  card(callId, name, time, args) {
    const existing = this.cards.get(callId);
    if (existing) return existing;
    this.empty.remove();
    const state = el('span', { className: 'badge state running', text: 'running' });
    const stop = el('button', {
      className: 'stop',
      text: 'Stop',
      attrs: { type: 'button', 'data-testid': 'stop', title: 'Stop this call' },
    });
    stop.addEventListener('click', () => {
      stop.disabled = true;
      stop.textContent = 'Stopping…';
      this.onStop(callId);
    });
    const toggle = el('button', {
      className: 'toggle-results link',
      text: 'Hide results',
      attrs: { type: 'button', 'data-testid': 'toggle-results', 'aria-expanded': 'true' },
    });
    const count = el('span', { className: 'count muted', text: results(0) });
    const list = el('ol', { className: 'results' });
    const last = el('div', { className: 'last', attrs: { 'data-testid': 'last-result' } });
    const settings = callSettings(name, args).map((text) => el('span', { className: 'setting', text }));
    const root = el('article', {
      className: 'call',
      attrs: { 'data-testid': 'call', 'data-call-id': callId, 'data-name': name, 'data-state': 'running' },
      children: [
        el('header', {
          children: [
            el('span', {
              className: 'title',
              attrs: { 'data-testid': 'call-title' },
              text: callTitle(name, args),
            }),
            state,
            ...settings,
            el('span', { className: 'spacer' }),
            el('time', { className: 'muted', text: clockTime(time) }),
            stop,
          ],
        }),
        el('div', {
          className: 'line',
          children: [
            el('span', {
              className: 'tool muted',
              children: [
                el('span', { className: 'name', text: name }),
                ' ',
                el('code', { className: 'args', text: '…' }),
              ],
            }),
            count,
            toggle,
          ],
        }),
        last,
        list,
      ],
    });
    /** @type {Card} */
    const card = {
      name,
      root,
      state,
      results: list,
      count,
      last,
      stop,
      toggle,
      resultCount: 0,
      ended: false,
      alert: undefined,
    };
    toggle.addEventListener('click', () => this.collapse(card, !root.classList.contains('collapsed')));
    this.running.prepend(root);
    this.cards.set(callId, card);
    this.updateRunning();
    return card;
  }

  /**
   * The running calls, newest first.
   *
   * @returns {import('./live-strip.js').RunningCall[]}
   */
  runningCalls() {
    /** @type {import('./live-strip.js').RunningCall[]} */
    const calls = [];
    for (const root of this.running.children) {
      if (!(root instanceof HTMLElement) || !root.dataset.callId) continue;
      const card = this.cards.get(root.dataset.callId);
      if (!card || card.ended) continue;
      calls.push({
        callId: root.dataset.callId,
        name: card.name,
        title: root.querySelector('.title')?.textContent ?? card.name,
        last: card.last.textContent ?? '',
        ...(card.alert ? { alert: card.alert } : {}),
      });
    }
    return calls;
  }

  updateRunning() {
    let running = 0;
    let ended = 0;
    for (const card of this.cards.values()) {
      if (card.ended) ended++;
      else running++;
    }
    this.runningLabel.textContent = running ? `${running} running` : '';
    this.endedCount.textContent = `Ended calls (${ended})`;
    this.ended.hidden = ended === 0;
    if (running === 0 && ended === 0) this.container.prepend(this.empty);
    this.onChange();
  }
}
