// The built dashboard in Debian's Chromium through playwright-core: launching it, signing in,
// screenshots. Kept apart from support.ts (which writes rows with pg) so server tests can drive the
// dashboard too.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const screenshotDir = path.join(repoRoot, 'test-results/screenshots');

export function assertDashboardBuilt() {
  if (!existsSync(path.join(repoRoot, 'web/build/handler.js'))) {
    throw new Error('web/build/handler.js is missing: run `pnpm run codegen && pnpm --filter web build` (or `pnpm build`) first');
  }
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** opens the dashboard in a fresh context and signs in with the key */
export async function signIn(browser: Browser, url: string, key: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  return signInOn(await context.newPage(), url, key);
}

/** signs in on a page already opened (to watch its requests from the start) */
export async function signInOn(page: Page, url: string, key: string): Promise<Page> {
  await page.goto(url + '/');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  return page;
}
