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
 * The decimals a price of this size is shown with: 2 from 1 up, 4 from 0.01, 6 below.
 *
 * @param {number} price
 * @returns {number}
 */
function priceDigits(price) {
  return Math.abs(price) >= 1 ? 2 : Math.abs(price) >= 0.01 ? 4 : 6;
}

/**
 * A price with sensible decimals: 231.50, 0.004512, 64,210.12.
 *
 * @param {number} price
 * @returns {string}
 */
export function formatPrice(price) {
  const digits = priceDigits(price);
  return price.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * A signed percentage: +0.52%, -1.20%; no sign when it rounds to zero (0.00%).
 *
 * @param {number} percent
 * @returns {string}
 */
export function formatPercent(percent) {
  const text = Math.abs(percent).toFixed(2);
  if (Number(text) === 0) return '0.00%';
  return `${percent > 0 ? '+' : '-'}${text}%`;
}

/**
 * A price change with the decimals of the price it is a change of (`reference`), signed, and its
 * percentage: `+1.25 (+0.54%)`, `-0.87 (-0.38%)`, `0.00 (0.00%)`; `-0.0042 (-1.05%)` on a price
 * below 1.
 *
 * @param {number} change
 * @param {number} reference the price the change is measured from
 * @returns {string}
 */
export function formatChange(change, reference) {
  const digits = priceDigits(reference);
  const amount = Math.abs(change).toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  const zero = Number(Math.abs(change).toFixed(digits)) === 0;
  const sign = zero ? '' : change > 0 ? '+' : '-';
  const percent = reference ? (change / reference) * 100 : 0;
  return `${sign}${amount} (${formatPercent(percent)})`;
}

/**
 * A tool error without the tool's name repeated in front: `monitor_stock_price failed: X` is `X`
 * on that call's card (which already says it failed).
 *
 * @param {string} name the tool
 * @param {string} message
 * @returns {string}
 */
export function tidyError(name, message) {
  let text = message.trim();
  const prefix = `${name} failed: `;
  while (text.startsWith(prefix)) text = text.slice(prefix.length);
  while (/^failed: /i.test(text)) text = text.slice('failed: '.length);
  return text;
}

/**
 * What a call is about, for its card's title: `Watching AAPL`, `Quote of MSFT`, `Watching the camera`.
 *
 * @param {string} name
 * @param {Json | undefined} args
 * @returns {string}
 */
export function callTitle(name, args) {
  const fields = asObject(args);
  const symbol = typeof fields?.symbol === 'string' ? fields.symbol.trim().toUpperCase() : undefined;
  switch (name) {
    case 'monitor_stock_price':
      return symbol ? `Watching ${symbol}` : 'Watching a price';
    case 'get_stock_price':
      return symbol ? `Quote of ${symbol}` : 'A quote';
    case 'monitor_video_stream':
      return 'Watching the camera';
    case 'stop_streaming':
      return 'Stop request';
    default:
      return name;
  }
}

/**
 * The settings of a call worth showing next to its title: `alert ≥ 240.00`, `alert ≤ 200.00`,
 * `moves of 1%`, `for 10 min`.
 *
 * @param {string} name
 * @param {Json | undefined} args
 * @returns {string[]}
 */
export function callSettings(name, args) {
  const fields = asObject(args);
  if (!fields) return [];
  /** @type {string[]} */
  const settings = [];
  if (name === 'monitor_stock_price') {
    if (typeof fields.alertAbove === 'number') settings.push(`alert ≥ ${formatPrice(fields.alertAbove)}`);
    if (typeof fields.alertBelow === 'number') settings.push(`alert ≤ ${formatPrice(fields.alertBelow)}`);
    if (typeof fields.thresholdPercent === 'number') settings.push(`moves of ${fields.thresholdPercent}%`);
    if (typeof fields.durationMinutes === 'number') settings.push(`for ${fields.durationMinutes} min`);
  }
  if (name === 'monitor_video_stream' && typeof fields.watchFor === 'string') {
    settings.push(`for “${fields.watchFor}”`);
  }
  return settings;
}

/**
 * The calls a `stop_streaming` result says it stopped.
 *
 * @param {Json} output
 * @returns {string[]} their ids
 */
export function stoppedCalls(output) {
  const stopped = asObject(output)?.stopped;
  if (!Array.isArray(stopped)) return [];
  /** @type {string[]} */
  const ids = [];
  for (const entry of stopped) {
    const id = asObject(entry)?.call_id;
    if (typeof id === 'string') ids.push(id);
  }
  return ids;
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
  if (
    fields &&
    name === 'get_stock_price' &&
    typeof fields.symbol === 'string' &&
    typeof fields.price === 'number'
  ) {
    const parts = [fields.symbol, formatPrice(fields.price)];
    if (typeof fields.bid === 'number' && typeof fields.ask === 'number') {
      parts.push(`· bid ${formatPrice(fields.bid)} / ask ${formatPrice(fields.ask)}`);
    }
    if (fields.marketOpen === false) parts.push('· market closed');
    if (typeof fields.source === 'string') parts.push(`· ${fields.source}`);
    return parts.join(' ');
  }
  if (fields && name === 'stop_streaming') {
    const ids = stoppedCalls(output);
    if (ids.length) return `stopped ${ids.length === 1 ? `call ${ids[0]}` : `${ids.length} calls`}`;
  }
  if (fields && name === 'monitor_video_stream' && typeof fields.event === 'string') {
    return typeof fields.description === 'string' && fields.description
      ? `${fields.event}: ${fields.description}`
      : fields.event;
  }
  return compactJson(output);
}
