import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { StartOptions } from '../../src/server.js';
import { accessibilityViolations, horizontalOverflow } from '../../../test-support/axe.js';
import { useBackend } from '../../../test-support/backend.js';
import { LAPTOP, launchChromium, openDashboard, PHONE, settle, signIn, type DashboardBrowser } from '../../../test-support/dashboard-harness.js';
import { projectRoot } from '../../../test-support/paths.js';

export const TOKEN = 'lab-token-0123456789abcdef';
export const SCREENS = join(projectRoot(), 'test-artifacts', 'screens', 'dashboard');

/** A mock server with its dashboard, and the dashboard open in Chromium; every test ends with no CSP violation or console error. */
export function useDashboard() {
  const backend = useBackend();
  const open: DashboardBrowser[] = [];
  // One Chromium per file, a fresh context (no cookies, no cache) per test: starting Chromium is the slow part.
  let chromium: Browser | undefined;
  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
  });
  afterEach(async () => {
    const browsers = open.splice(0);
    for (const browser of browsers) expect(browser.problems, 'CSP violations or console errors').toEqual([]);
    await Promise.all(browsers.map((b) => b.close()));
  });
  return async (options: { backend?: StartOptions; signedIn?: boolean } = {}) => {
    const server = await backend({ adminToken: TOKEN, ...options.backend });
    const browser = await openDashboard(`${server.url}/dashboard/`, chromium === undefined ? {} : { browser: chromium });
    open.push(browser);
    if (options.signedIn !== false) await signIn(browser.page, TOKEN);
    return { server, browser, page: browser.page };
  };
}

/** At a laptop's and a phone's size: axe finds nothing serious, nothing sticks out sideways, and a screenshot is kept. */
export async function checkLayouts(page: Page, name: string): Promise<void> {
  await mkdir(SCREENS, { recursive: true });
  for (const size of [LAPTOP, PHONE]) {
    await page.setViewportSize(size);
    await settle(page);
    expect(await accessibilityViolations(page), `axe on ${name} at ${size.width}×${size.height}`).toEqual([]);
    expect(await horizontalOverflow(page), `overflow on ${name} at ${size.width}×${size.height}`).toEqual([]);
    await page.screenshot({ path: join(SCREENS, `${name}-${size.width}x${size.height}.png`), fullPage: true });
  }
  await page.setViewportSize(LAPTOP);
}
