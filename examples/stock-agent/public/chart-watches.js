// @ts-check
/**
 * Which watch each price chart follows: the first running `monitor_stock_price` call of a symbol.
 * A second call of the symbol (refused by the tool) never replaces its alert levels or ends its
 * chart; quotes and reports of other calls are not plotted.
 */

import { ChartBoard, chartKey } from './chart.js';
import { asObject } from './summary.js';

/** @typedef {import('../src/web/protocol.js').ServerMessage} ServerMessage */
/** @typedef {Extract<ServerMessage, { type: 'tool-start' }>} ToolStart */
/** @typedef {Extract<ServerMessage, { type: 'tool-result' }>} ToolResult */
/** @typedef {Extract<ServerMessage, { type: 'tool-end' }>} ToolEnd */
/** @typedef {Extract<ServerMessage, { type: 'quote' }>} QuoteMessage */

export class ChartWatches {
  /** @param {ChartBoard} charts */
  constructor(charts) {
    this.charts = charts;
    /** The call each chart follows, by symbol. @type {Map<string, string>} */
    this.owners = new Map();
    /** The symbol of each running watch, by call. @type {Map<string, string>} */
    this.symbols = new Map();
  }

  /**
   * A watch started: its chart follows it, unless another running call already watches the symbol.
   *
   * @param {ToolStart} message
   */
  started(message) {
    if (message.name !== 'monitor_stock_price') return;
    const args = asObject(message.args);
    if (typeof args?.symbol !== 'string') return;
    const symbol = chartKey(args.symbol);
    this.symbols.set(message.callId, symbol);
    if (this.owners.has(symbol)) return;
    this.owners.set(symbol, message.callId);
    this.charts.watch(symbol, {
      ...(typeof args.alertAbove === 'number' ? { above: args.alertAbove } : {}),
      ...(typeof args.alertBelow === 'number' ? { below: args.alertBelow } : {}),
    });
  }

  /** @param {ToolEnd} message */
  ended(message) {
    const short =
      message.reason === 'cancelled'
        ? message.cancelledBy === 'application' || message.cancelledBy === 'model'
          ? 'stopped'
          : 'cancelled'
        : message.reason;
    this.end(message.callId, message.time, short);
  }

  /**
   * A call ended (or its end is unknown): the chart it leads is marked.
   *
   * @param {string} callId
   * @param {number} time
   * @param {string} text
   */
  end(callId, time, text) {
    const symbol = this.symbols.get(callId);
    this.symbols.delete(callId);
    if (symbol === undefined || this.owners.get(symbol) !== callId) return;
    this.owners.delete(symbol);
    this.charts.end(symbol, time, text);
  }

  /**
   * A quote for a chart; returns whether it was plotted.
   *
   * @param {QuoteMessage} message
   * @returns {boolean}
   */
  quote(message) {
    if (this.owners.get(chartKey(message.symbol)) !== message.callId) return false;
    this.charts.add(message.symbol, message.price, message.time);
    return true;
  }

  /**
   * A report the model received: marked on its chart.
   *
   * @param {ToolResult} message
   */
  report(message) {
    if (message.name !== 'monitor_stock_price') return;
    const output = asObject(message.output);
    if (!output || output.kind === 'feed-status') return;
    const { symbol, price, time } = output;
    if (typeof symbol !== 'string' || typeof price !== 'number' || !Number.isFinite(price)) return;
    if (this.owners.get(chartKey(symbol)) !== message.callId) return;
    const parsed = typeof time === 'string' ? Date.parse(time) : Number.NaN;
    this.charts.report(symbol, price, Number.isNaN(parsed) ? message.time : parsed, output.kind === 'alert');
  }

  /**
   * The last charted price of every running watch that leads a chart, by call.
   *
   * @returns {Map<string, number>}
   */
  prices() {
    /** @type {Map<string, number>} */
    const prices = new Map();
    for (const [callId, symbol] of this.symbols) {
      const price = this.charts.lastPrice(symbol);
      if (price !== undefined && this.owners.get(symbol) === callId) prices.set(callId, price);
    }
    return prices;
  }
}
