// @ts-check
/**
 * Live price charts, one small line chart per watched symbol, drawn on a <canvas> at the screen's
 * pixel density and redrawn on every new point.
 */

import { clockTime, el } from './dom.js';
import { formatPercent, formatPrice } from './summary.js';

/** Points kept per symbol; older ones scroll off the left. */
const MAX_POINTS = 1000;
const CSS_HEIGHT = 150;
const PAD = { left: 8, right: 8, top: 12, bottom: 20 };
const FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';

/** @typedef {{ time: number; price: number }} Point */

class PriceChart {
  /** @param {string} symbol */
  constructor(symbol) {
    this.symbol = symbol;
    /** @type {Point[]} */
    this.points = [];
    /** The first price seen, for the change since start (kept when old points are dropped). */
    this.firstPrice = Number.NaN;
    this.canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${symbol} price chart` } });
    this.price = el('span', { className: 'price', text: '—' });
    this.change = el('span', { className: 'change', text: '' });
    this.root = el('figure', {
      className: 'chart',
      attrs: { 'data-testid': 'chart', 'data-symbol': symbol, 'data-points': '0' },
      children: [
        el('figcaption', {
          children: [el('span', { className: 'symbol', text: symbol }), ' ', this.price, ' ', this.change],
        }),
        this.canvas,
      ],
    });
  }

  /**
   * @param {number} price
   * @param {number} time epoch milliseconds
   */
  add(price, time) {
    if (this.points.length === 0) this.firstPrice = price;
    this.points.push({ time, price });
    if (this.points.length > MAX_POINTS) this.points.splice(0, this.points.length - MAX_POINTS);
    const change = price - this.firstPrice;
    const percent = this.firstPrice ? (change / this.firstPrice) * 100 : 0;
    this.price.textContent = formatPrice(price);
    this.change.textContent = `${change >= 0 ? '+' : '-'}${formatPrice(Math.abs(change))} (${formatPercent(percent)}) since start`;
    this.change.className = `change ${change > 0 ? 'up' : change < 0 ? 'down' : 'flat'}`;
    this.draw();
    this.root.dataset.points = String(this.points.length);
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
    if (points.length === 0) return;

    const style = getComputedStyle(canvas);
    const color = (/** @type {string} */ name, /** @type {string} */ fallback) =>
      style.getPropertyValue(name).trim() || fallback;
    const first = points[0];
    const last = points[points.length - 1];
    if (!first || !last) return;
    const up = last.price >= this.firstPrice;
    const line = up ? color('--chart-up', '#16a34a') : color('--chart-down', '#dc2626');
    const grid = color('--chart-grid', '#e5e7eb');
    const text = color('--chart-text', '#6b7280');
    const labelText = color('--chart-label-text', '#ffffff');

    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const point of points) {
      min = Math.min(min, point.price);
      max = Math.max(max, point.price);
    }
    context.font = FONT;
    const minLabel = formatPrice(min);
    const maxLabel = formatPrice(max);
    const lastLabel = formatPrice(last.price);
    const axisWidth = Math.max(context.measureText(minLabel).width, context.measureText(maxLabel).width) + 8;
    const labelWidth = context.measureText(lastLabel).width + 10;
    const left = PAD.left + axisWidth;
    const right = cssWidth - PAD.right - labelWidth;
    const top = PAD.top;
    const bottom = CSS_HEIGHT - PAD.bottom;
    const span = max - min || Math.max(Math.abs(max) * 0.001, 0.01);
    const low = max === min ? min - span / 2 : min;
    const timeSpan = last.time - first.time;
    const x = (/** @type {Point} */ point, /** @type {number} */ index) =>
      left +
      (right - left) *
        (timeSpan > 0
          ? (point.time - first.time) / timeSpan
          : points.length > 1
            ? index / (points.length - 1)
            : 1);
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
    if (points.length > 1) {
      context.textAlign = 'right';
      context.fillText(clockTime(last.time), right, bottom + 5);
    }

    // The area under the line, then the line.
    context.beginPath();
    points.forEach((point, index) => {
      if (index === 0) context.moveTo(x(point, index), y(point.price));
      else context.lineTo(x(point, index), y(point.price));
    });
    const lastX = x(last, points.length - 1);
    const lastY = y(last.price);
    context.strokeStyle = line;
    context.lineWidth = 1.75;
    context.lineJoin = 'round';
    context.stroke();
    context.lineTo(lastX, bottom);
    context.lineTo(x(first, 0), bottom);
    context.closePath();
    context.fillStyle = line;
    context.globalAlpha = 0.1;
    context.fill();
    context.globalAlpha = 1;

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
   * Adds a point to a symbol's chart, creating the chart on the first point.
   *
   * @param {string} symbol
   * @param {number} price
   * @param {number} time epoch milliseconds
   */
  add(symbol, price, time) {
    let chart = this.charts.get(symbol);
    if (!chart) {
      this.empty.remove();
      chart = new PriceChart(symbol);
      this.charts.set(symbol, chart);
      this.container.append(chart.root);
    }
    chart.add(price, time);
  }
}
