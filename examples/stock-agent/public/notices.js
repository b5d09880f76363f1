// @ts-check
/**
 * Dismissable notices for `error` messages (and the page's own errors, e.g. no microphone). They
 * end nothing; a repeat of the newest notice bumps a counter instead of stacking.
 */

import { el } from './dom.js';

/** Notices kept on screen; the oldest goes first. */
const MAX_NOTICES = 5;

export class Notices {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
  }

  /**
   * Shows a notice.
   *
   * @param {string} code a server error code, or the page's own (`MICROPHONE`, `CAMERA`...)
   * @param {string} message
   */
  add(code, message) {
    const newest = this.container.lastElementChild;
    if (newest instanceof HTMLElement && newest.dataset.code === code && newest.dataset.message === message) {
      const repeats = Number(newest.dataset.repeats ?? '1') + 1;
      newest.dataset.repeats = String(repeats);
      const counter = newest.querySelector('.repeats');
      if (counter) counter.textContent = `×${repeats}`;
      return;
    }
    const dismiss = el('button', {
      className: 'dismiss',
      text: '×',
      attrs: { type: 'button', 'aria-label': 'Dismiss', title: 'Dismiss' },
    });
    const notice = el('div', {
      className: 'notice',
      attrs: { 'data-testid': 'error', 'data-code': code, 'data-message': message, role: 'alert' },
      children: [
        el('span', { className: 'code', text: code }),
        el('span', { className: 'message', text: message }),
        el('span', { className: 'repeats' }),
        dismiss,
      ],
    });
    dismiss.addEventListener('click', () => notice.remove());
    this.container.append(notice);
    while (this.container.childElementCount > MAX_NOTICES) this.container.firstElementChild?.remove();
  }
}
