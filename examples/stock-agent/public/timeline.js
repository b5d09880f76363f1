// @ts-check
/**
 * The tool timeline: one card per call, newest first, with a row per result and the way it ended.
 * A running call has a Stop button.
 */

import { clockTime, el } from './dom.js';
import { compactJson, summarizeOutput } from './summary.js';

/** @typedef {import('../src/web/protocol.js').ServerMessage} ServerMessage */
/** @typedef {Extract<ServerMessage, { type: 'tool-start' }>} ToolStart */
/** @typedef {Extract<ServerMessage, { type: 'tool-result' }>} ToolResult */
/** @typedef {Extract<ServerMessage, { type: 'tool-end' }>} ToolEnd */

/** Result rows kept per card; older ones are dropped from the page (the count stays right). */
const MAX_ROWS = 200;

/** @type {Record<string, string>} */
const CANCELLED_BY = {
  application: 'stopped by you',
  model: 'stopped by the model',
  server: 'cancelled by the server',
  'session-end': 'session ended',
};

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
      return end.error ? `failed: ${end.error}` : 'failed';
    case 'cancelled':
      return `cancelled: ${end.cancelledBy ? (CANCELLED_BY[end.cancelledBy] ?? end.cancelledBy) : 'no reason given'}`;
    default:
      return end.cancelledBy ? `${end.reason}: ${end.cancelledBy}` : end.reason;
  }
}

/**
 * @typedef {object} Card
 * @property {HTMLElement} root
 * @property {HTMLElement} state
 * @property {HTMLElement} results
 * @property {HTMLElement} count
 * @property {HTMLButtonElement | undefined} stop
 * @property {number} resultCount
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
    this.empty = el('p', {
      className: 'empty',
      text: 'No tool calls yet. Ask the agent to watch a stock, e.g. “watch AAPL”.',
    });
    container.append(this.empty);
  }

  /** @param {ToolStart} start */
  start(start) {
    const card = this.card(start.callId, start.name, start.time);
    card.root.querySelector('.args')?.replaceChildren(compactJson(start.args));
  }

  /** @param {ToolResult} result */
  result(result) {
    const card = this.card(result.callId, result.name, result.time);
    card.resultCount++;
    card.count.textContent = `${card.resultCount} result${card.resultCount === 1 ? '' : 's'}`;
    const scheduling = result.scheduling ?? '';
    const row = el('li', {
      className: 'result',
      attrs: { 'data-testid': 'result', 'data-scheduling': scheduling },
      children: [
        el('time', { className: 'time', text: clockTime(result.time) }),
        el('span', {
          className: `badge scheduling ${scheduling.toLowerCase().replace(/_/g, '-') || 'none'}`,
          text: scheduling || 'RESULT',
        }),
        el('span', { className: 'summary', text: summarizeOutput(result.name, result.output) }),
      ],
    });
    const { results } = card;
    const stick = results.scrollHeight - results.scrollTop - results.clientHeight < 24;
    results.append(row);
    while (results.childElementCount > MAX_ROWS) results.firstElementChild?.remove();
    if (stick) results.scrollTop = results.scrollHeight;
  }

  /** @param {ToolEnd} end */
  end(end) {
    const card = this.card(end.callId, end.name, end.time);
    const state = end.reason || 'ended';
    card.root.dataset.state = state;
    if (end.cancelledBy) card.root.dataset.endedBy = end.cancelledBy;
    card.state.textContent = state;
    card.state.className = `badge state ${state}`;
    card.stop?.remove();
    card.stop = undefined;
    const footer = el('footer', {
      className: 'end',
      children: [
        el('span', { attrs: { 'data-testid': 'end' }, text: describeEnd(end) }),
        el('span', {
          className: 'muted',
          text: `${clockTime(end.time)} · ${end.results} result${end.results === 1 ? '' : 's'}`,
        }),
      ],
    });
    card.root.querySelector('footer.end')?.remove();
    card.root.append(footer);
    this.updateRunning();
  }

  /**
   * The card of a call, created when the call is first seen.
   *
   * @param {string} callId
   * @param {string} name
   * @param {number} time
   * @returns {Card}
   */
  card(callId, name, time) {
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
    const count = el('span', { className: 'count muted', text: '0 results' });
    const results = el('ol', { className: 'results' });
    const root = el('article', {
      className: 'call',
      attrs: { 'data-testid': 'call', 'data-call-id': callId, 'data-name': name, 'data-state': 'running' },
      children: [
        el('header', {
          children: [
            el('span', { className: 'name', text: name }),
            state,
            el('span', { className: 'spacer' }),
            el('time', { className: 'muted', text: `started ${clockTime(time)}` }),
            stop,
          ],
        }),
        el('div', {
          className: 'line',
          children: [el('code', { className: 'args', text: '…' }), count],
        }),
        results,
      ],
    });
    this.container.prepend(root);
    /** @type {Card} */
    const card = { root, state, results, count, stop, resultCount: 0 };
    this.cards.set(callId, card);
    this.updateRunning();
    return card;
  }

  /** The connection is gone: stop buttons can no longer reach the server. */
  disconnected() {
    for (const card of this.cards.values()) {
      if (!card.stop) continue;
      card.stop.disabled = true;
      card.stop.title = 'Disconnected from the server';
    }
  }

  updateRunning() {
    let running = 0;
    for (const card of this.cards.values()) if (card.root.dataset.state === 'running') running++;
    this.runningLabel.textContent = running ? `${running} running` : '';
  }
}
