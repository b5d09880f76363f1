// @ts-check
/** A small helper to build DOM elements without innerHTML (text is always set as text). */

/**
 * @typedef {object} ElementOptions
 * @property {string} [className]
 * @property {string} [text]
 * @property {Record<string, string>} [attrs] attributes, including `data-*`
 * @property {(Node | string)[]} [children]
 */

/**
 * Creates an element.
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {ElementOptions} [options]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, options = {}) {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  if (options.children) element.append(...options.children);
  return element;
}

/**
 * Finds an element that index.html must contain.
 *
 * @template {HTMLElement} T
 * @param {string} selector
 * @param {new () => T} type
 * @returns {T}
 */
export function required(selector, type) {
  const element = document.querySelector(selector);
  if (!(element instanceof type)) throw new Error(`index.html has no ${type.name} matching ${selector}`);
  return element;
}

/**
 * A clock time, `14:03:27`.
 *
 * @param {number | string | Date} time epoch milliseconds, ISO text or a Date
 * @returns {string}
 */
export function clockTime(time) {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return '--:--:--';
  return date.toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}
