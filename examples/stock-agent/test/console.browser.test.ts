import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeLiveConnection } from '@livetools/core/testing';
import { decodeLumaThumbnail } from '@livetools/tools-video';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleAgent, createConsoleAgent } from '../src/agent.js';
import { type ConsoleServer, startConsoleServer } from '../src/web/server.js';
import { launchChromium, runBrowserTests } from './support/chromium.js';

const screenshots = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

let agent: ConsoleAgent;
let server: ConsoleServer;
let browser: Browser;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!runBrowserTests) return;
  mkdirSync(screenshots, { recursive: true });
  const env = { ...process.env };
  delete env.GEMINI_API_KEY;
  // A faster simulated market: price moves large enough to report come within a second or two even
  // on a loaded machine (the report cap still applies, in real time).
  env.LIVETOOLS_SPEED = '2400';
  agent = await createConsoleAgent(env, { recordMedia: true }); // the tests read the mic and camera frames
  server = await startConsoleServer({ agent });
  profile = mkdtempSync(join(tmpdir(), 'livetools-chromium-'));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: new URL(server.url).origin });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await agent?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Opens the console and returns the page, the simulator's connection for it, and the page's console errors. */
async function openConsole(): Promise<{ page: Page; connection: FakeLiveConnection; errors: string[] }> {
  const simulator = agent.simulator;
  if (!simulator) throw new Error('the browser tests run on the simulator; unset GEMINI_API_KEY');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  const connected = simulator.waitForConnection({ timeoutMs: 15_000 });
  await page.goto(server.url);
  const connection = await connected;
  await expectText(page, '[data-testid="status"]', /connected/);
  return { page, connection, errors };
}

async function expectText(page: Page, selector: string, pattern: RegExp, timeout = 15_000): Promise<string> {
  const locator = page.locator(selector).first();
  await locator.waitFor({ timeout });
  await page.waitForFunction(
    ([sel, source, flags]) => new RegExp(source, flags).test(document.querySelector(sel)?.textContent ?? ''),
    [selector, pattern.source, pattern.flags] as const,
    { timeout },
  );
  return (await locator.textContent()) ?? '';
}

/** Waits until the timeline shows call `callId` as cancelled. */
async function waitForCancelled(page: Page, callId: string | null): Promise<void> {
  await page.waitForFunction(
    (id) =>
      document.querySelector(`[data-testid="call"][data-call-id="${id}"]`)?.getAttribute('data-state') ===
      'cancelled',
    callId,
    { timeout: 15_000 },
  );
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('[data-testid="text-input"]', text);
  await page.click('[data-testid="send"]');
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

describe.runIf(runBrowserTests)('the web console in headless Chromium', () => {
  it('watches a price: the call, its results and the chart appear, and the stop button stops it', async () => {
    const { page, connection, errors } = await openConsole();
    expect(await page.locator('[data-testid="mode"]').textContent()).toContain('simulator');
    await expectText(page, '[data-testid="transcript"]', /simulated model/);
    await shot(page, '1-connected');

    await send(page, 'watch AAPL');
    await expectText(page, '[data-testid="transcript"]', /watch AAPL/);
    const call = page.locator('[data-testid="call"][data-name="monitor_stock_price"]');
    await call.waitFor({ timeout: 15_000 });
    const callId = await call.getAttribute('data-call-id');
    expect(callId).toMatch(/^function-call-\d+$/);
    expect(await call.getAttribute('data-state')).toBe('running');

    // results stream in with their scheduling, and the chart grows with them; it plots the quotes
    // between reports too, once a tick goes unreported (the first ticks may all be reported)
    await page.waitForFunction(
      () => {
        const chart = document.querySelector('[data-testid="chart"][data-symbol="AAPL"]');
        return (
          document.querySelectorAll(
            '[data-testid="call"][data-name="monitor_stock_price"] [data-testid="result"]',
          ).length >= 3 &&
          Number(chart?.getAttribute('data-points')) > Number(chart?.getAttribute('data-reports'))
        );
      },
      undefined,
      { timeout: 30_000 },
    );
    const schedulings = await call
      .locator('[data-testid="result"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-scheduling')));
    expect(schedulings[0]).toBe('WHEN_IDLE');
    // Every AAPL price result is marked on the AAPL chart, which plots the quotes in between too:
    // the result rows and the chart's counts are read in one evaluation, so no result can land
    // between the two reads.
    const shown = () =>
      page.evaluate(() => {
        const chart = document.querySelector('[data-testid="chart"][data-symbol="AAPL"]');
        return {
          rows: document.querySelectorAll(
            '[data-testid="call"][data-name="monitor_stock_price"] [data-testid="result"]',
          ).length,
          reports: Number(chart?.getAttribute('data-reports')),
          points: Number(chart?.getAttribute('data-points')),
        };
      });
    const before = await shown();
    expect(before.rows).toBeGreaterThanOrEqual(3);
    expect(before.reports).toBe(before.rows);
    // the chart grows with the next result
    await page.waitForFunction(
      (baseline) =>
        Number(
          document.querySelector('[data-testid="chart"][data-symbol="AAPL"]')?.getAttribute('data-points'),
        ) > baseline,
      before.points,
      { timeout: 30_000 },
    );
    const after = await shown();
    expect(after.points).toBeGreaterThan(before.points);
    expect(after.reports).toBe(after.rows);
    // every result the page shows reached the model too
    await expect
      .poll(() => connection.toolResponses(callId ?? '').length, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(after.rows);
    await shot(page, '2-watching-aapl');

    await call.locator('[data-testid="stop"]').click();
    await waitForCancelled(page, callId);
    expect(await call.getAttribute('data-ended-by')).toBe('application');
    expect(await page.locator('[data-testid="chart"][data-symbol="AAPL"]').getAttribute('data-state')).toBe(
      'ended',
    );
    expect(await call.locator('[data-testid="end"]').textContent()).toMatch(/stopped by you/i);
    expect(await call.locator('[data-testid="stop"]').count()).toBe(0);
    // the model was told: the final response says the application stopped it
    await connection.waitForToolResponse(callId ?? '', (r) => r.willContinue === false);
    expect(connection.toolResponses(callId ?? '').at(-1)?.output).toMatchObject({
      status: 'stopped',
      reason: 'application',
    });
    await shot(page, '3-stopped');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("sends the fake camera and microphone, and monitor_video_stream reports changes in Chromium's fake camera", async () => {
    const { page, connection, errors } = await openConsole();

    await page.click('[data-testid="mic-toggle"]');
    const audio = await connection.waitForFrame((f) => f.realtimeInput?.audio !== undefined, {
      timeoutMs: 15_000,
    });
    expect(audio.realtimeInput?.audio?.mimeType).toBe('audio/pcm;rate=16000');
    const pcm = Buffer.from(audio.realtimeInput?.audio?.data ?? '', 'base64');
    expect(pcm.length % 2).toBe(0);
    expect(pcm.length).toBeGreaterThanOrEqual(320); // at least 10 ms of 16 kHz PCM16
    await page.click('[data-testid="mic-toggle"]');
    await connection.waitForFrame((f) => f.realtimeInput?.audioStreamEnd === true, { timeoutMs: 15_000 });

    await page.selectOption('[data-testid="camera-fps"]', '5');
    await page.click('[data-testid="camera-toggle"]');
    const frame = await connection.waitForFrame((f) => f.realtimeInput?.video !== undefined, {
      timeoutMs: 15_000,
    });
    expect(frame.realtimeInput?.video?.mimeType).toBe('image/jpeg');
    const thumbnail = decodeLumaThumbnail(Buffer.from(frame.realtimeInput?.video?.data ?? '', 'base64'));
    expect([thumbnail.sourceWidth, thumbnail.sourceHeight]).toEqual([640, 480]);

    await send(page, 'watch the camera');
    const call = page.locator('[data-testid="call"][data-name="monitor_video_stream"]');
    await call.waitFor({ timeout: 15_000 });
    // Chromium's fake camera shows a moving pattern: the change detector sees motion in it
    await page.waitForFunction(
      () =>
        Array.from(
          document.querySelectorAll(
            '[data-testid="call"][data-name="monitor_video_stream"] [data-testid="result"]',
          ),
        ).some(
          (row) =>
            row.getAttribute('data-scheduling') === 'WHEN_IDLE' &&
            /motion_started|scene_change|lights_o(n|ff)/.test(row.textContent ?? ''),
        ),
      undefined,
      { timeout: 30_000 },
    );
    const callId = (await call.getAttribute('data-call-id')) ?? '';
    const events = connection.toolResponses(callId).map((r) => (r.output as { event?: string }).event);
    expect(events[0]).toBe('watching');
    expect(
      events.some((e) => e === 'motion_started' || e === 'scene_change' || e?.startsWith('lights_')),
    ).toBe(true);
    await shot(page, '4-camera');

    await send(page, 'stop the camera');
    await waitForCancelled(page, callId);
    expect(await call.getAttribute('data-ended-by')).toBe('model');
    await page.click('[data-testid="camera-toggle"]');
    await shot(page, '5-camera-stopped');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a page with a wrong token, and says what to do', async () => {
    const connectionsBefore = agent.simulator?.connections.length;
    const page = await context.newPage();
    await page.goto(server.url.replace(/token=[^&]+/, 'token=wrong'));
    await expectText(page, '[data-testid="status"]', /disconnected/);
    expect(await page.locator('body').textContent()).toMatch(/token/i);
    expect(agent.simulator?.connections.length).toBe(connectionsBefore); // no live session was opened
    await shot(page, '6-wrong-token');
    await page.close();
  });
});
