import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where the browser tests look for Chromium: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const found = executable(chromiumPath);
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

/**
 * Whether the browser tests run here. In CI (`CI=true`) they are required: a missing browser fails
 * the run with what to install. Elsewhere they are skipped with a notice that says how to enable them.
 */
export const runBrowserTests = found || inCi;

/** Why the browser tests are skipped (undefined when they run). */
export const browserSkipNotice = runBrowserTests
  ? undefined
  : `the web console's browser tests are SKIPPED: no Chromium at ${chromiumPath}. ` +
    'Install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary; ' +
    'with CI=true they are required.';

if (browserSkipNotice) console.warn(`\n[stock-agent] ${browserSkipNotice}\n`);
if (inCi && !found)
  throw new Error(
    `CI=true and no Chromium at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
  );

/**
 * Starts headless Chromium at {@link chromiumPath} with the fake camera and microphone, no network
 * of its own and no first-run work (playwright gives it a fresh profile).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}
