// @ts-check
/**
 * Live price charts, one small line chart per watched symbol, drawn on a <canvas> at the screen's
 * pixel density. A chart plots every quote the server streams for a running watch (`quote`
 * messages), marks the moves reported to the model, draws the watch's alert levels and marks
 * where the watch ended.
 */

import { clockTime, el } from './dom.js';
import { formatChange, formatPrice } from './summary.js';

/** Points kept per symbol; older ones scroll off the left. */
const MAX_POINTS = 1200;
const CSS_HEIGHT = 150;
const PAD = { left: 8, right: 8, top: 12, bottom: 20 };
const FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';

/** @typedef {{ time: number; price: number; gap?: boolean }} Point a `gap` point starts a new watch: no line leads to it */
/** @typedef {{ time: number; price: number; alert: boolean }} Report */
/** @typedef {{ above?: number; below?: number }} Levels */

/** The symbol as the charts key it: `' aapl '` is `AAPL`. */
export function chartKey(/** @type {string} */ symbol) {
  return symbol.trim().toUpperCase();
}

class PriceChart {
  /** @param {string} symbol */
  constructor(symbol) {
    this.symbol = symbol;
    /** @type {Point[]} */
    this.points = [];
    /** @type {Report[]} */
    this.reports = [];
    /** Times the chart's watches ended. @type {{ time: number; text: string }[]} */
    this.ends = [];
    /** @type {Levels} */
    this.levels = {};
    /** The first price of the watch, for the change since start (kept when old points are dropped). */
    this.firstPrice = Number.NaN;
    /** The next point starts a new watch's line. */
    this.newWatch = false;
    this.canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${symbol} price chart` } });
    this.price = el('span', { className: 'price', text: '—' });
    this.change = el('span', { className: 'change', attrs: { 'data-testid': 'since-start' }, text: '' });
    this.state = el('span', { className: 'watch-state', attrs: { 'data-testid': 'watch-state' }, text: '' });
    this.root = el('figure', {
      className: 'chart',
      attrs: {
        'data-testid': 'chart',
        'data-symbol': symbol,
        'data-points': '0',
        'data-reports': '0',
        'data-state': 'watching',
      },
      children: [
        el('figcaption', {
          children: [
            el('span', { className: 'symbol', text: symbol }),
            ' ',
            this.price,
            ' ',
            this.change,
            this.state,
          ],
        }),
        this.canvas,
      ],
    });
  }

  /**
   * A watch of this symbol started: its alert levels are drawn, the chart is live again.
   *
   * @param {Levels} levels
   */
  watch(levels) {
    if (this.root.dataset.state === 'ended') {
      // a new watch after an ended one: its own line, its own start
      this.newWatch = true;
      this.firstPrice = Number.NaN;
    }
    this.levels = levels;
    this.root.dataset.state = 'watching';
    this.root.dataset.levels = [levels.above, levels.below].filter((l) => l !== undefined).join(',');
    this.state.textContent = '';
    this.draw();
  }

  /**
   * The watch ended: a mark at `time`, and the caption says so.
   *
   * @param {number} time
   * @param {string} text e.g. `stopped`, `connection lost`
   */
  end(time, text) {
    if (this.root.dataset.state === 'ended') return;
    this.ends.push({ time, text });
    this.root.dataset.state = 'ended';
    this.state.textContent = `watch ${text}`;
    this.draw();
  }

  /**
   * @param {number} price
   * @param {number} time epoch milliseconds
   */
  add(price, time) {
    if (Number.isNaN(this.firstPrice)) this.firstPrice = price;
    const last = this.points[this.points.length - 1];
    // quotes may arrive out of order (a report and a quote of one instant): keep the line monotonic
    if (last && time < last.time) time = last.time;
    this.points.push(this.newWatch ? { time, price, gap: true } : { time, price });
    this.newWatch = false;
    if (this.points.length > MAX_POINTS) this.points.splice(0, this.points.length - MAX_POINTS);
    const change = price - this.firstPrice;
    this.price.textContent = formatPrice(price);
    this.change.textContent = `${formatChange(change, this.firstPrice)} since start`;
    this.change.className = `change ${change > 0 ? 'up' : change < 0 ? 'down' : 'flat'}`;
    this.root.dataset.points = String(this.points.length);
    this.draw();
  }

  /**
   * A report the model received: a dot on the line (an alert is larger).
   *
   * @param {number} price
   * @param {number} time
   * @param {boolean} alert
   */
  report(price, time, alert) {
    if (this.points.length === 0) this.add(price, time);
    this.reports.push({ time, price, alert });
    if (this.reports.length > MAX_POINTS) this.reports.splice(0, this.reports.length - MAX_POINTS);
    this.root.dataset.reports = String(this.reports.length);
    this.draw();
  }

  draw() {
    const { canvas, points } = this;
    const cssWidth = canvas.clientWidth;
    if (cssWidth === 0) return; // not laid out (hidden); the resize observer redraws later
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(cssWidth * ratio);
    const height = Math.round(CSS_HEIGHT * ratio);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, cssWidth, CSS_HEIGHT);
    const first = points[0];
    const last = points[points.length - 1];
    if (!first || !last) return;

    const style = getComputedStyle(canvas);
    const color = (/** @type {string} */ name, /** @type {string} */ fallback) =>
      style.getPropertyValue(name).trim() || fallback;
    const up = last.price >= this.firstPrice;
    const line = up ? color('--chart-up', '#16a34a') : color('--chart-down', '#dc2626');
    const grid = color('--chart-grid', '#e5e7eb');
    const text = color('--chart-text', '#6b7280');
    const labelText = color('--chart-label-text', '#ffffff');
    const alertColor = color('--chart-alert', '#d97706');

    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const point of points) {
      min = Math.min(min, point.price);
      max = Math.max(max, point.price);
    }
    // Alert levels near the prices are drawn in place; one far off is pinned to the edge, labelled,
    // so that the line keeps its detail.
    const near = Math.max((max - min) * 3, Math.abs(last.price) * 0.03);
    /** @type {{ level: number; label: string; pinned: boolean }[]} */
    const levels = [];
    for (const [level, sign] of /** @type {const} */ ([
      [this.levels.above, '≥'],
      [this.levels.below, '≤'],
    ])) {
      if (level === undefined) continue;
      const pinned = level > max + near || level < min - near;
      if (!pinned) {
        min = Math.min(min, level);
        max = Math.max(max, level);
      }
      levels.push({ level, label: `alert ${sign} ${formatPrice(level)}`, pinned });
    }

    context.font = FONT;
    const minLabel = formatPrice(min);
    const maxLabel = formatPrice(max);
    const lastLabel = formatPrice(last.price);
    const axisWidth = Math.max(context.measureText(minLabel).width, context.measureText(maxLabel).width) + 8;
    const labelWidth = context.measureText(lastLabel).width + 10;
    const left = PAD.left + axisWidth;
    const right = cssWidth - PAD.right - labelWidth;
    // a level far off is named in a strip above the plot, with an arrow that says which way it is
    const pinnedLevels = levels.filter((l) => l.pinned);
    const top = PAD.top + (pinnedLevels.length ? 14 : 0);
    const bottom = CSS_HEIGHT - PAD.bottom;
    const span = max - min || Math.max(Math.abs(max) * 0.001, 0.01);
    const low = max === min ? min - span / 2 : min;
    const endTime = Math.max(last.time, ...this.ends.map((e) => e.time));
    const timeSpan = endTime - first.time;
    const xAt = (/** @type {number} */ time) =>
      left + (right - left) * (timeSpan > 0 ? (time - first.time) / timeSpan : 1);
    const y = (/** @type {number} */ price) => bottom - ((price - low) / span) * (bottom - top);

    // Axes: min/max gridlines with labels, the time range underneath.
    context.strokeStyle = grid;
    context.lineWidth = 1;
    context.setLineDash([3, 3]);
    context.beginPath();
    for (const level of [max, min]) {
      const levelY = Math.round(y(level)) + 0.5;
      context.moveTo(left, levelY);
      context.lineTo(right, levelY);
    }
    context.stroke();
    context.setLineDash([]);
    context.beginPath();
    context.moveTo(left + 0.5, top - 4);
    context.lineTo(left + 0.5, bottom + 0.5);
    context.lineTo(right, bottom + 0.5);
    context.stroke();
    context.fillStyle = text;
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    context.fillText(maxLabel, left - 6, y(max));
    if (max !== min) context.fillText(minLabel, left - 6, y(min));
    context.textBaseline = 'top';
    context.textAlign = 'left';
    context.fillText(clockTime(first.time), left, bottom + 5);
    if (timeSpan > 0) {
      context.textAlign = 'right';
      context.fillText(clockTime(endTime), right, bottom + 5);
    }

    // Alert levels: dashed lines in the alert colour, labelled at the left.
    context.strokeStyle = alertColor;
    context.fillStyle = alertColor;
    context.lineWidth = 1.25;
    context.setLineDash([6, 4]);
    let pinnedX = left + 4;
    for (const { level, label, pinned } of levels) {
      context.textAlign = 'left';
      context.textBaseline = pinned ? 'top' : 'bottom';
      if (pinned) {
        const text = `${label} (${level > max ? 'above' : 'below'} the chart)`;
        context.fillText(text, pinnedX, 1);
        pinnedX += context.measureText(text).width + 12;
        continue;
      }
      const levelY = Math.round(y(level)) + 0.5;
      context.beginPath();
      context.moveTo(left, levelY);
      context.lineTo(right, levelY);
      context.stroke();
      context.fillText(label, left + 4, levelY - 2);
    }
    context.setLineDash([]);

    // Each watch's line with the area under it; a new watch after an ended one starts its own.
    /** @type {Point[][]} */
    const segments = [];
    for (const point of points) {
      if (point.gap || segments.length === 0) segments.push([]);
      segments[segments.length - 1]?.push(point);
    }
    context.strokeStyle = line;
    context.fillStyle = line;
    context.lineWidth = 1.75;
    context.lineJoin = 'round';
    for (const segment of segments) {
      const start = segment[0];
      const end = segment[segment.length - 1];
      if (!start || !end) continue;
      context.beginPath();
      for (const [index, point] of segment.entries()) {
        if (index === 0) context.moveTo(xAt(point.time), y(point.price));
        else context.lineTo(xAt(point.time), y(point.price));
      }
      context.stroke();
      context.lineTo(xAt(end.time), bottom);
      context.lineTo(xAt(start.time), bottom);
      context.closePath();
      context.globalAlpha = 0.1;
      context.fill();
      context.globalAlpha = 1;
    }
    const lastX = xAt(last.time);
    const lastY = y(last.price);

    // The reports the model received: rings on the line; alerts larger, in the alert colour.
    for (const report of this.reports) {
      if (report.time < first.time) continue;
      context.beginPath();
      context.arc(xAt(report.time), y(report.price), report.alert ? 4.5 : 3, 0, Math.PI * 2);
      context.fillStyle = report.alert ? alertColor : color('--panel', '#ffffff');
      context.fill();
      context.strokeStyle = report.alert ? alertColor : line;
      context.lineWidth = 1.5;
      context.stroke();
    }

    // Where a watch ended: a vertical line and what happened.
    context.strokeStyle = text;
    context.fillStyle = text;
    context.lineWidth = 1;
    context.setLineDash([2, 3]);
    for (const [index, end] of this.ends.entries()) {
      const endX = Math.round(xAt(end.time)) + 0.5;
      context.beginPath();
      context.moveTo(endX, top - 4);
      context.lineTo(endX, bottom);
      context.stroke();
      // only the newest end is named: the labels of ends close together would overlap
      if (index !== this.ends.length - 1) continue;
      // the label left of the mark, or right of it when there is no room left of it
      const room = endX - left - context.measureText(end.text).width - 6 > 0;
      context.textAlign = room ? 'right' : 'left';
      context.textBaseline = 'top';
      context.fillText(end.text, room ? endX - 3 : endX + 3, top);
    }
    context.setLineDash([]);

    // The last price: a dot and a label at the right edge.
    context.fillStyle = line;
    context.beginPath();
    context.arc(lastX, lastY, 3, 0, Math.PI * 2);
    context.fill();
    const boxHeight = 18;
    const boxY = Math.min(Math.max(lastY - boxHeight / 2, 0), CSS_HEIGHT - PAD.bottom - boxHeight / 2);
    context.beginPath();
    context.roundRect(right + 4, boxY, labelWidth - 4, boxHeight, 4);
    context.fill();
    context.fillStyle = labelText;
    context.textAlign = 'left';
    context.textBaseline = 'middle';
    context.fillText(lastLabel, right + 8, boxY + boxHeight / 2 + 0.5);
  }
}

/** The charts of every watched symbol, in the order they first appeared. */
export class ChartBoard {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    /** @type {Map<string, PriceChart>} */
    this.charts = new Map();
    this.empty = el('p', {
      className: 'empty',
      text: 'A price chart appears here for every symbol the agent watches.',
    });
    container.append(this.empty);
    new ResizeObserver(() => {
      for (const chart of this.charts.values()) chart.draw();
    }).observe(container);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      for (const chart of this.charts.values()) chart.draw();
    });
  }

  /**
   * The chart of a symbol, created on first use.
   *
   * @param {string} symbol
   * @returns {PriceChart}
   */
  chart(symbol) {
    const key = chartKey(symbol);
    let chart = this.charts.get(key);
    if (!chart) {
      this.empty.remove();
      chart = new PriceChart(key);
      this.charts.set(key, chart);
      this.container.append(chart.root);
    }
    return chart;
  }

  /**
   * A watch of `symbol` started, with these alert levels.
   *
   * @param {string} symbol
   * @param {Levels} levels
   */
  watch(symbol, levels) {
    this.chart(symbol).watch(levels);
  }

  /**
   * The watch of `symbol` ended at `time`.
   *
   * @param {string} symbol
   * @param {number} time
   * @param {string} text
   */
  end(symbol, time, text) {
    this.charts.get(chartKey(symbol))?.end(time, text);
  }

  /**
   * Adds a quote to a symbol's chart.
   *
   * @param {string} symbol
   * @param {number} price
   * @param {number} time epoch milliseconds
   */
  add(symbol, price, time) {
    this.chart(symbol).add(price, time);
  }

  /**
   * Marks a report the model received on a symbol's chart.
   *
   * @param {string} symbol
   * @param {number} price
   * @param {number} time
   * @param {boolean} alert
   */
  report(symbol, price, time, alert) {
    this.chart(symbol).report(price, time, alert);
  }

  /**
   * The last price of a symbol, if charted.
   *
   * @param {string} symbol
   * @returns {number | undefined}
   */
  lastPrice(symbol) {
    return this.charts.get(chartKey(symbol))?.points.at(-1)?.price;
  }
}
