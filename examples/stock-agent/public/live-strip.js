// @ts-check
/**
 * The running calls in one line that stays at the top of the screen on narrow screens (a phone),
 * where the tool timeline is far below the conversation: after sending a request, what the agent
 * started is in view at once, with its last price and a Stop button.
 */

import { el } from './dom.js';
import { formatPrice } from './summary.js';

/** @typedef {{ callId: string; name: string; title: string; last: string; alert?: string }} RunningCall */

export class LiveStrip {
  /**
   * @param {HTMLElement} container
   * @param {(callId: string) => void} onStop
   * @param {(callId: string) => void} onShow brings the call's card into view
   */
  constructor(container, onStop, onShow) {
    this.container = container;
    this.onStop = onStop;
    this.onShow = onShow;
    /** What was drawn last, to skip redrawing the same. */
    this.drawn = '';
    container.hidden = true;
  }

  /**
   * @param {RunningCall[]} calls newest first
   * @param {Map<string, number>} prices the last price of each watch, by call
   */
  render(calls, prices) {
    const key = JSON.stringify(
      calls.map((c) => [c.callId, c.title, prices.get(c.callId) ?? c.last, c.alert]),
    );
    if (key === this.drawn) return;
    this.drawn = key;
    this.container.hidden = calls.length === 0;
    const items = calls.map((call) => {
      const price = prices.get(call.callId);
      const show = el('button', {
        className: 'live-call',
        attrs: { type: 'button', title: 'Show this call', 'data-call-id': call.callId },
        children: [
          el('span', { className: 'dot', attrs: { 'aria-hidden': 'true' } }),
          el('span', { className: 'live-title', text: call.title }),
          ...(price === undefined ? [] : [el('span', { className: 'live-price', text: formatPrice(price) })]),
          ...(call.alert
            ? [el('span', { className: 'badge live-alert', attrs: { title: call.alert }, text: 'ALERT' })]
            : []),
        ],
      });
      show.addEventListener('click', () => this.onShow(call.callId));
      const stop = el('button', {
        className: 'stop small',
        text: 'Stop',
        attrs: { type: 'button', title: `Stop: ${call.title}` },
      });
      stop.addEventListener('click', () => {
        stop.disabled = true;
        this.onStop(call.callId);
      });
      return el('li', { attrs: { 'data-testid': 'live-call' }, children: [show, stop] });
    });
    this.container.replaceChildren(
      el('span', { className: 'live-label', text: `${calls.length} running` }),
      el('ul', { children: items }),
    );
  }
}
