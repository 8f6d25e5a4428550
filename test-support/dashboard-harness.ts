import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './kiosk-harness.js';

/** Generous waits on a shared two-core machine; these are not timing assertions. */
export const DASHBOARD_WAIT_MS = 15_000;
export const LAPTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** What the harness adds to the page (typed here: this file is checked without the DOM lib). */
interface PageGlobals {
  document: { addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void };
}

export interface DashboardBrowser {
  readonly page: Page;
  readonly context: BrowserContext;
  /** CSP violations, console errors and page errors seen so far; the tests require none unless they expect one. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Chromium started as the kiosk harness starts it, for several dashboard pages (a test file's worth) to share. */
export function launchChromium(options: { headless?: boolean } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: options.headless ?? true, args: [...CHROMIUM_ARGS] });
}

/**
 * The partner dashboard in Chromium, in a fresh profile: its own browser, or a new context (no
 * cookies, no cache) of a shared one.
 */
export async function openDashboard(url: string, options: { headless?: boolean; viewport?: { width: number; height: number }; browser?: Browser } = {}): Promise<DashboardBrowser> {
  const own = options.browser === undefined ? await launchChromium(options) : undefined;
  const context = await (own ?? options.browser)?.newContext({ viewport: options.viewport ?? LAPTOP });
  if (context === undefined) throw new Error('no browser to open the dashboard in');
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  await page.addInitScript(() => {
    (globalThis as unknown as PageGlobals).document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(url);
  return {
    page,
    context,
    problems,
    close: async () => {
      await context.close();
      await own?.close();
    },
  };
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('live-status').getByText('Live').waitFor({ timeout: DASHBOARD_WAIT_MS });
}

/** Mints a code through the form and returns it as the card shows it. */
export async function mintCode(page: Page, clientName: string, options: { site?: string; expiry?: string } = {}): Promise<string> {
  await page.getByLabel('Client name').fill(clientName);
  if (options.site !== undefined) await page.getByLabel(/^Site/).fill(options.site);
  if (options.expiry !== undefined) await page.getByLabel('Expires after').selectOption({ label: options.expiry });
  await page.getByRole('button', { name: 'Mint code' }).click();
  const card = codeCard(page);
  await card.locator('.facts').getByText(clientName, { exact: true }).waitFor({ timeout: DASHBOARD_WAIT_MS });
  return (await card.getAttribute('data-code')) ?? '';
}

export const codeCard = (page: Page): Locator => page.locator('article.code-card');
/** The card's QR code (the print label holds another, hidden on screen). */
export const cardQr = (page: Page): Locator => codeCard(page).locator('svg.qr');
export const applianceRow = (page: Page, mac: string): Locator => page.locator(`tr[data-mac="${mac}"]`);
export const codeRow = (page: Page, code: string): Locator => page.locator(`tr[data-code="${code}"]`);

/** The QR code exactly as the page draws it, as a PNG (what a camera pointed at the screen would see). */
export function qrScreenshot(page: Page): Promise<Buffer> {
  return cardQr(page).screenshot();
}

/** Waits two animation frames: a resize or a live update has been laid out and painted. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => {
    const frame = (globalThis as unknown as { requestAnimationFrame: (callback: () => void) => void }).requestAnimationFrame;
    frame(() => { frame(resolve); });
  }));
}
