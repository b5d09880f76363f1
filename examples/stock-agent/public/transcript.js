// @ts-check
/**
 * The transcript pane: one bubble per turn. Chunks of a role append to that role's open bubble; a
 * new bubble starts after `turn-complete`, after `interrupted`, or when the other role speaks.
 */

import { el } from './dom.js';

/** @typedef {import('../src/web/protocol.js').TranscriptSource} TranscriptSource */
/** @typedef {'user' | 'model'} Role */

/** @type {Record<TranscriptSource, string>} */
const SOURCE_LABELS = {
  typed: 'typed',
  'input-transcription': 'heard',
  'model-text': 'text',
  'output-transcription': 'spoken',
};

/**
 * @typedef {object} Turn
 * @property {Role} role
 * @property {HTMLElement} bubble
 * @property {HTMLElement} text
 * @property {HTMLElement} source
 */

export class Transcript {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    /** @type {Turn | undefined} the bubble chunks append to */
    this.current = undefined;
    /** @type {Turn | undefined} the model's turn since the last `turn-complete`, for `interrupted` */
    this.modelTurn = undefined;
    /** Texts the page showed when they were sent, awaiting the server's `typed` echo. */
    /** @type {string[]} */
    this.pendingTyped = [];
    /** Whether the pane was scrolled to the bottom before the last change. */
    this.follow = true;
    this.empty = el('p', {
      className: 'empty',
      text: 'Nothing said yet. Type a request or turn on the microphone.',
    });
    container.append(this.empty);
  }

  /**
   * Shows text the user just typed, as its own turn.
   *
   * @param {string} text
   */
  typed(text) {
    this.follow = true; // the user's own message: always bring it into view
    this.pendingTyped.push(text.trim());
    this.startTurn('user', 'typed').text.textContent = text;
    this.current = undefined;
    this.scroll();
  }

  /**
   * Appends a transcript chunk.
   *
   * @param {Role} role
   * @param {TranscriptSource} source
   * @param {string} text
   */
  append(role, source, text) {
    const { container } = this;
    this.follow = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
    if (source === 'typed' && role === 'user') {
      // The server echoes typed text; the page already showed it when it was sent.
      const index = this.pendingTyped.indexOf(text.trim());
      if (index !== -1) {
        this.pendingTyped.splice(index, 1);
        return;
      }
      this.startTurn(role, source).text.textContent = text;
      this.current = undefined;
      this.scroll();
      return;
    }
    const turn = this.current?.role === role ? this.current : this.startTurn(role, source);
    turn.text.textContent += text;
    turn.source.textContent = SOURCE_LABELS[source] ?? source;
    this.current = turn;
    this.scroll();
  }

  /** Ends the open turn: the next chunk starts a new bubble. */
  endTurn() {
    this.current = undefined;
    this.modelTurn = undefined;
  }

  /** Marks the model's turn as cut off by the user; the next chunk starts a new bubble. */
  interrupted() {
    this.modelTurn?.bubble.classList.add('interrupted');
    this.endTurn();
  }

  /**
   * A line from the page itself between the turns (the connection was lost, a new session).
   *
   * @param {string} text
   */
  note(text) {
    this.empty.remove();
    this.container.append(el('p', { className: 'note', attrs: { 'data-testid': 'note' }, text }));
    this.current = undefined;
    this.modelTurn = undefined;
    this.follow = true;
    this.scroll();
  }

  /**
   * @param {Role} role
   * @param {TranscriptSource} source
   * @returns {Turn}
   */
  startTurn(role, source) {
    this.empty.remove();
    const text = el('div', { className: 'text' });
    const sourceLabel = el('span', { className: 'source', text: SOURCE_LABELS[source] ?? source });
    const who = el('span', { className: 'who', text: role === 'user' ? 'You' : 'Agent' });
    const bubble = el('div', {
      className: `turn ${role}`,
      attrs: { 'data-testid': 'turn', 'data-role': role },
      children: [el('div', { className: 'meta', children: [who, sourceLabel] }), text],
    });
    this.container.append(bubble);
    const turn = { role, bubble, text, source: sourceLabel };
    this.current = turn;
    if (role === 'model') this.modelTurn = turn;
    return turn;
  }

  /** Keeps the newest text in view, unless the user scrolled up to read earlier turns. */
  scroll() {
    if (this.follow) this.container.scrollTop = this.container.scrollHeight;
  }
}
