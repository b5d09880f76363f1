// @ts-check
/** One-line summaries of tool arguments and outputs for the timeline. */

/** @typedef {import('../src/web/protocol.js').Json} Json */

/**
 * Compact JSON, cut to `max` characters.
 *
 * @param {Json | undefined} value
 * @param {number} [max]
 * @returns {string}
 */
export function compactJson(value, max = 240) {
  let text;
  try {
    text = JSON.stringify(value) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The value's fields, when it is a JSON object.
 *
 * @param {Json | undefined} value
 * @returns {{ readonly [key: string]: Json } | undefined}
 */
export function asObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? /** @type {{ readonly [key: string]: Json }} */ (value)
    : undefined;
}

/**
 * A price with sensible decimals: 231.50, 0.004512, 64,210.12.
 *
 * @param {number} price
 * @returns {string}
 */
export function formatPrice(price) {
  const digits = Math.abs(price) >= 1 ? 2 : Math.abs(price) >= 0.01 ? 4 : 6;
  return price.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * A signed percentage: +0.52%, -1.20%.
 *
 * @param {number} percent
 * @returns {string}
 */
export function formatPercent(percent) {
  return `${percent >= 0 ? '+' : '-'}${Math.abs(percent).toFixed(2)}%`;
}

/**
 * A summary of one tool result: for `monitor_stock_price`, `kind symbol price changePercent%`; for
 * `monitor_video_stream`, `event: description`; otherwise compact JSON.
 *
 * @param {string} name
 * @param {Json} output
 * @returns {string}
 */
export function summarizeOutput(name, output) {
  const fields = asObject(output);
  if (fields && name === 'monitor_stock_price' && typeof fields.symbol === 'string') {
    const { kind, symbol, price, changePercent, feedStatus, alert } = fields;
    const parts = [typeof kind === 'string' ? kind : 'report', symbol];
    if (typeof price === 'number') parts.push(formatPrice(price));
    if (typeof changePercent === 'number') parts.push(formatPercent(changePercent));
    if (typeof feedStatus === 'string') parts.push(`feed ${feedStatus}`);
    const alertFields = asObject(alert);
    if (alertFields && typeof alertFields.level === 'number') {
      parts.push(`(${String(alertFields.direction)} ${formatPrice(alertFields.level)})`);
    }
    return parts.join(' ');
  }
  if (fields && name === 'monitor_video_stream' && typeof fields.event === 'string') {
    return typeof fields.description === 'string' && fields.description
      ? `${fields.event}: ${fields.description}`
      : fields.event;
  }
  return compactJson(output);
}
