import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleAgent, createConsoleAgent } from '../src/agent.js';
import { type ConsoleServer, startConsoleServer } from '../src/web/server.js';
import { launchChromium, runBrowserTests } from './support/chromium.js';

/**
 * The console as a new user meets it, at a desktop size (1280x800) and a phone size (390x844):
 * the phone layout, the chart, a symbol watched twice, and the server going away and coming back.
 */

const screenshots = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const TIMEOUT = 20_000;
/** The longest a page waits between two reconnection attempts (15 s + 20 % jitter). */
const RETRY_CAP_MS = 18_000;

let agent: ConsoleAgent;
let server: ConsoleServer;
let browser: Browser;
let profile: string;

beforeAll(async () => {
  if (!runBrowserTests) return;
  mkdirSync(screenshots, { recursive: true });
  const env = { ...process.env };
  delete env.GEMINI_API_KEY;
  delete env.LIVETOOLS_SOURCE;
  delete env.LIVETOOLS_SPEED; // the market a new user gets
  agent = await createConsoleAgent(env);
  server = await startConsoleServer({ agent });
  profile = mkdtempSync(join(tmpdir(), 'livetools-chromium-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await agent?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A new page at `viewport`, connected to the console; `errors` collects what the page logs as errors. */
async function open(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('close', () => {
    context.close().catch(() => undefined); // the browser may be closing already
  });
  await page.goto(server.url);
  await until(page, () => document.querySelector('[data-testid="status"]')?.textContent === 'connected');
  return { page, errors };
}

/** Waits until `test` holds in the page (an event, not a time). */
function until<A>(page: Page, test: (arg: A) => boolean, arg?: A): Promise<unknown> {
  return page.waitForFunction(test as (arg: unknown) => boolean, arg, { timeout: TIMEOUT });
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('[data-testid="text-input"]', text);
  await page.click('[data-testid="send"]');
}

/** The id of the running call whose card title is `title`, once it shows. */
async function runningCall(page: Page, title: string): Promise<string> {
  const card = page.locator(`[data-testid="running-calls"] [data-testid="call"]`, {
    has: page.locator('[data-testid="call-title"]', { hasText: title }),
  });
  await card.first().waitFor({ timeout: TIMEOUT });
  return (await card.first().getAttribute('data-call-id')) ?? '';
}

/**
 * Waits until the chart at `selector` has plotted at least `more` points beyond the reports marked
 * on it: it plots the quote stream, not only the moves the model was told of.
 */
const plotsQuotes = (page: Page, selector: string, more: number) =>
  until(
    page,
    ({ sel, n }) => {
      const c = document.querySelector(sel);
      return Number(c?.getAttribute('data-points')) >= Number(c?.getAttribute('data-reports')) + n;
    },
    { sel: selector, n: more },
  );

const stateOf = (page: Page, callId: string) =>
  page.locator(`[data-testid="call"][data-call-id="${callId}"]`).getAttribute('data-state');

const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });

/** Where an element is, relative to the viewport. */
const box = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const rect = document.querySelector(sel)?.getBoundingClientRect();
    return rect ? { top: rect.top, bottom: rect.bottom, height: rect.height } : undefined;
  }, selector);

describe.runIf(runBrowserTests)('the web console for a new user, in headless Chromium', () => {
  it('formats a change since start with the decimals of the price, a sign and a percentage, and a failure once', async () => {
    const { page } = await open(DESKTOP);
    // the page's own module, loaded by the page (a string: the test runner would rewrite an import())
    const formatted = await page.evaluate(`import('./summary.js').then(({ formatChange }) => [
      formatChange(0, 230),
      formatChange(-0.87, 230),
      formatChange(1.255, 230),
      formatChange(-0.0042, 0.4),
      formatChange(12.5, 64210.12),
    ])`);
    // before: `+0.000000 (+0.00%)` on every new chart and `-0.8700` for small moves
    expect(formatted).toEqual([
      '0.00 (0.00%)',
      '-0.87 (-0.38%)',
      '+1.26 (+0.55%)',
      '-0.0042 (-1.05%)',
      '+12.50 (+0.02%)',
    ]);
    // a failed call's card says `failed:` once, not `failed: monitor_stock_price failed: ...`
    const ends = await page.evaluate(`import('./timeline.js').then(({ describeEnd, results }) => [
      describeEnd({ type: 'tool-end', callId: 'c', name: 'monitor_stock_price', reason: 'failed',
        error: 'monitor_stock_price failed: the network is unreachable', results: 0, time: 0 }),
      results(1),
      results(2),
    ])`);
    expect(ends).toEqual(['failed: the network is unreachable', '1 result', '2 results']);
    // reconnection waits: 0.5 s, doubling, at most 15 s, each within ±20%
    const delays = await page.evaluate(`import('./connection.js').then(({ retryDelay }) =>
      [retryDelay(1, 0.5), retryDelay(2, 0.5), retryDelay(3, 0), retryDelay(4, 0.999), retryDelay(30, 0.5)])`);
    expect(delays).toEqual([500, 1000, 1600, 4798, 15_000]);
    await page.close();
  });

  it('on a phone (390x844): the running call is in view after sending, the chart plots the quotes and the alert level, a second watch of a symbol is refused and shown', async () => {
    const { page, errors } = await open(PHONE);
    // the header says what answers, how results reach it and where prices come from
    const info = await page.locator('[data-testid="agent-info"]').textContent();
    expect(info).toMatch(/model\s*simulated model/);
    expect(info).toMatch(/delivery\s*function-response/);
    expect(info).toMatch(/quotes\s*simulated/);
    expect(await page.locator('[data-testid="mic-hint"]').textContent()).toMatch(
      /does not understand speech/,
    );
    await shot(page, 'phone-1-connected', false);

    await send(page, 'watch NVDA above 9999');
    const first = await runningCall(page, 'Watching NVDA');
    // visible without scrolling: the strip of running calls is in the viewport, the page did not move
    await until(page, () => document.querySelectorAll('[data-testid="live-call"]').length === 1);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    const strip = await box(page, '[data-testid="live-strip"]');
    expect(strip).toBeDefined();
    expect(strip!.top).toBeGreaterThanOrEqual(0);
    expect(strip!.bottom).toBeLessThanOrEqual(PHONE.height);
    expect(await page.locator('[data-testid="live-call"]').first().textContent()).toContain('Watching NVDA');
    // the composer is in view too
    const composer = await box(page, '[data-testid="text-input"]');
    expect(composer!.bottom).toBeLessThanOrEqual(PHONE.height);

    // the chart plots the quote stream, more points than the reports the model got, with the alert level
    const chart = '[data-testid="chart"][data-symbol="NVDA"]';
    await plotsQuotes(page, chart, 5);
    expect(await page.locator(chart).getAttribute('data-levels')).toBe('9999');
    expect(await page.locator(`${chart} [data-testid="since-start"]`).textContent()).toMatch(
      /^(?:[+-]\d[\d,]*\.\d\d \([+-]\d+\.\d\d%\)|0\.00 \(0\.00%\)) since start$/,
    );
    await page.locator('[data-testid="live-strip"]').scrollIntoViewIfNeeded();
    await shot(page, 'phone-2-watching', false);

    // the same symbol again: refused, naming the running call, which keeps running
    await send(page, 'watch nvda below 1');
    const refused = page.locator(`[data-testid="call"][data-state="duplicate"]`);
    await refused.waitFor({ timeout: TIMEOUT });
    expect(await refused.getAttribute('data-running-call-id')).toBe(first);
    expect(await refused.locator('[data-testid="end"]').textContent()).toBe(
      `not started: already watched by call ${first}`,
    );
    expect(await refused.locator('[data-testid="call-title"]').textContent()).toBe('Watching NVDA');
    expect(await stateOf(page, first)).toBe('running');
    await until(page, () =>
      /already watched by call/.test(document.querySelector('[data-testid="transcript"]')?.textContent ?? ''),
    );
    // the refused call's level did not replace the running watch's
    expect(await page.locator(chart).getAttribute('data-levels')).toBe('9999');
    expect(await page.locator('[data-testid="live-call"]').count()).toBe(1);
    await shot(page, 'phone-3-duplicate');

    // stopping: no card for stop_streaming, the watch's card ends and so does its chart
    await send(page, 'stop NVDA');
    await until(
      page,
      (id) => document.querySelector(`[data-call-id="${id}"]`)?.getAttribute('data-state') === 'cancelled',
      first,
    );
    expect(await page.locator('[data-testid="call"][data-name="stop_streaming"]').count()).toBe(0);
    expect(await page.locator(`[data-call-id="${first}"] [data-testid="end"]`).textContent()).toBe(
      'cancelled: stopped by the model',
    );
    expect(await page.locator(chart).getAttribute('data-state')).toBe('ended');
    expect(await page.locator('[data-testid="live-strip"]').isHidden()).toBe(true);
    await shot(page, 'phone-4-stopped');

    // ended calls are collapsed, can be opened, and cleared
    const ended = page.locator(`[data-call-id="${first}"]`);
    expect(await ended.locator('.results').isVisible()).toBe(false);
    await ended.locator('[data-testid="toggle-results"]').click();
    expect(await ended.locator('.results').isVisible()).toBe(true);
    await page.click('[data-testid="clear-ended"]');
    expect(await page.locator('[data-testid="call"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('at 1280x800: a quote is formatted, the first suggestion alerts within a minute, `stop all` adds no cards', async () => {
    const { page, errors } = await open(DESKTOP);
    await send(page, 'price of MSFT');
    const quote = page.locator('[data-testid="call"][data-name="get_stock_price"]');
    await quote.waitFor({ timeout: TIMEOUT });
    await until(
      page,
      () =>
        document.querySelector('[data-name="get_stock_price"]')?.getAttribute('data-state') === 'completed',
    );
    expect(await quote.locator('[data-testid="call-title"]').textContent()).toBe('Quote of MSFT');
    const last = (await quote.locator('[data-testid="last-result"]').textContent()) ?? '';
    expect(last).toMatch(/^MSFT \d[\d,]*\.\d\d · bid \d[\d,]*\.\d\d \/ ask \d[\d,]*\.\d\d · simulated$/);
    expect(last).not.toContain('{');

    // the first suggestion, as a new user would send it: an INTERRUPT alert shows within a minute,
    // on the chart (its levels, the alert's mark) and in the call's card
    const suggestion = (await page.locator('#examples .chip').first().textContent()) ?? '';
    await page.locator('#examples .chip').first().click();
    expect(await page.inputValue('[data-testid="text-input"]')).toBe(suggestion);
    await page.click('[data-testid="send"]');
    const watch = page.locator('[data-testid="call"][data-name="monitor_stock_price"]').first();
    await watch.waitFor({ timeout: TIMEOUT });
    const symbol = ((await watch.locator('[data-testid="call-title"]').textContent()) ?? '').replace(
      'Watching ',
      '',
    );
    await page.waitForFunction(
      () => document.querySelector('[data-testid="result"][data-scheduling="INTERRUPT"]') !== null,
      undefined,
      { timeout: 60_000 },
    );
    const chartSelector = `[data-testid="chart"][data-symbol="${symbol}"]`;
    const chart = page.locator(chartSelector);
    expect(await chart.getAttribute('data-levels')).toMatch(/^\d+(\.\d+)?,\d+(\.\d+)?$/);
    // the chart plots the quote stream, not only the reports: each tick's quote reaches the page
    // before its report, but every tick so far may have been reported (the first and the alert's)
    await plotsQuotes(page, chartSelector, 1);
    // the strip of running calls (shown on narrow screens) flags the call that alerted
    await until(page, () => document.querySelector('[data-testid="live-call"] .live-alert') !== null);
    await shot(page, 'desktop-1-alert');
    // the same page on a phone: the alerted call is flagged in view
    await page.setViewportSize(PHONE);
    const flagged = await box(page, '[data-testid="live-call"] .live-alert');
    expect(flagged!.bottom).toBeLessThanOrEqual(PHONE.height);
    await shot(page, 'phone-alert', false);
    await page.setViewportSize(DESKTOP);

    // `stop all` with two watches: both end, stopped by the model, and no card per stop
    await send(page, 'watch TSLA');
    await runningCall(page, 'Watching TSLA');
    await send(page, 'stop all');
    await until(
      page,
      () => document.querySelectorAll('[data-testid="running-calls"] [data-testid="call"]').length === 0,
    );
    expect(await page.locator('[data-testid="call"][data-name="stop_streaming"]').count()).toBe(0);
    const ends = await page
      .locator('[data-testid="call"][data-name="monitor_stock_price"] [data-testid="end"]')
      .allTextContents();
    expect(ends).toEqual(['cancelled: stopped by the model', 'cancelled: stopped by the model']);
    expect(await chart.getAttribute('data-state')).toBe('ended');
    expect(await chart.locator('[data-testid="watch-state"]').textContent()).toBe('watch stopped');
    await shot(page, 'desktop-2-chart-ended');
    expect(errors).toEqual([]);
    await page.close();
    // the wait for the alert may take a minute: the test's own timeout leaves room for the rest
  }, 120_000);

  it('when the server stops, marks the running calls ended-unknown, keeps the transcript and reconnects in place when it is back', async () => {
    const desktop = await open(DESKTOP);
    const phone = await open(PHONE);
    await send(desktop.page, 'watch MSFT');
    const call = await runningCall(desktop.page, 'Watching MSFT');
    await until(desktop.page, () =>
      /MSFT is at/.test(document.querySelector('[data-testid="transcript"]')?.textContent ?? ''),
    );
    await send(phone.page, 'watch TSLA');
    const phoneCall = await runningCall(phone.page, 'Watching TSLA');
    // a reload would lose this
    await desktop.page.evaluate(() => Object.assign(window, { notReloaded: true }));

    const { port, token } = server;
    await server.close();
    for (const { page } of [desktop, phone]) {
      await until(page, () =>
        /disconnected/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''),
      );
    }
    expect(await stateOf(desktop.page, call)).toBe('unknown');
    expect(await stateOf(phone.page, phoneCall)).toBe('unknown');
    expect(await desktop.page.locator(`[data-call-id="${call}"] [data-testid="end"]`).textContent()).toMatch(
      /connection to the console server lost: how this call ended is unknown/,
    );
    expect(await desktop.page.locator('[data-symbol="MSFT"]').getAttribute('data-state')).toBe('ended');
    expect(await desktop.page.locator('[data-testid="stop"]').count()).toBe(0);
    expect(await phone.page.locator('[data-testid="live-strip"]').isHidden()).toBe(true);
    expect(await desktop.page.locator('[data-testid="text-input"]').isDisabled()).toBe(true);
    await until(desktop.page, () =>
      /retrying in \d+ s/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''),
    );
    await shot(desktop.page, 'desktop-3-disconnected', false);
    await shot(phone.page, 'phone-5-disconnected', false);

    // while the server is down, the phone offers "Reconnect now"
    await phone.page.locator('#reconnect').waitFor({ state: 'visible', timeout: TIMEOUT });

    // the server is back at the same address: the pages reconnect in place, no reload. The phone
    // through its "Reconnect now" button; the desktop on its own, at its next retry, which may be
    // up to RETRY_CAP_MS away (the delay grows to 15 s, ±20 %: retryDelay in public/connection.js).
    server = await startConsoleServer({ agent, port, token });
    // The button's own handler, without waiting for it to be clickable: a retry of the phone's that
    // was already under way may reconnect it first and hide the button (a click in a connected page
    // does nothing), and a pointer click waited for a button that was gone.
    await phone.page.locator('#reconnect').dispatchEvent('click');
    for (const [name, { page }] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      await page
        .waitForFunction(
          () => document.querySelector('[data-testid="status"]')?.textContent === 'connected',
          undefined,
          { timeout: RETRY_CAP_MS + TIMEOUT },
        )
        .catch(async (error: unknown) => {
          const status = await page.locator('[data-testid="status"]').textContent();
          throw new Error(`the ${name} page did not reconnect: its status stayed "${status}"`, {
            cause: error,
          });
        });
      await until(page, () =>
        /Reconnected: a new session started/.test(
          document.querySelector('[data-testid="transcript"]')?.textContent ?? '',
        ),
      );
    }
    expect(await desktop.page.evaluate(() => Reflect.get(window, 'notReloaded'))).toBe(true);
    const transcript = (await desktop.page.locator('[data-testid="transcript"]').textContent()) ?? '';
    expect(transcript).toContain('watch MSFT');
    expect(transcript).toMatch(/MSFT is at/);
    expect(transcript).toContain('Lost the connection to the console server');
    // the new session works
    await send(desktop.page, 'watch MSFT');
    const again = await runningCall(desktop.page, 'Watching MSFT');
    expect(again).not.toBe('');
    expect(await stateOf(desktop.page, call)).toBe('unknown');
    await shot(desktop.page, 'desktop-4-reconnected', false);
    await shot(phone.page, 'phone-6-reconnected', false);
    // only the failed reconnection attempts were logged, by the browser itself
    for (const { errors } of [desktop, phone]) {
      expect(
        errors.filter(
          (e) => !/WebSocket connection to .* failed|Failed to load resource|ERR_CONNECTION_REFUSED/.test(e),
        ),
      ).toEqual([]);
    }

    // `npm start` again makes a new token: the page says so instead of retrying forever
    await server.close();
    await until(desktop.page, () =>
      /disconnected/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''),
    );
    server = await startConsoleServer({ agent, port, token: `${token}-new` });
    await until(
      desktop.page,
      () => document.querySelector('[data-testid="status"]')?.textContent === 'disconnected: access refused',
    );
    expect(await desktop.page.locator('[data-testid="error"]').last().textContent()).toMatch(
      /restarted: it has a new token.*Open the new URL printed by npm start/,
    );
    expect(await desktop.page.locator('#reconnect').isHidden()).toBe(true);
    await shot(desktop.page, 'desktop-5-new-token', false);
    await desktop.page.close();
    await phone.page.close();
  }, 120_000);
});
