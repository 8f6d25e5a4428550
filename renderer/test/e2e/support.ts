import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer, StartOptions } from '../../../mock-server/src/server.js';
import { useBackend, useTempDir } from '../../../test-support/backend.js';
import { openKiosk, type CameraMode, type Kiosk, type KioskOptions } from '../../../test-support/kiosk-harness.js';
import { writeQrVideo, type VideoSize } from '../../../test-support/y4m.js';

/** Shared by the e2e files: a backend, a kiosk over it, and the checks every screen gets. */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/screens/', import.meta.url));
/** The panel sizes the kiosk ships on, smallest first. */
export const SIZES = [
  { width: 800, height: 480 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
export const DEFAULT_SIZE = SIZES[1];
/** Generous: the machine is shared and Chromium is slow to start; these are not timing assertions. */
export const SCREEN_WAIT_MS = 15_000;

export function useKiosks() {
  const backend = useBackend();
  const tempDir = useTempDir();
  const kiosks: Kiosk[] = [];
  afterEach(async () => {
    const open = kiosks.splice(0);
    for (const kiosk of open) expect(kiosk.problems, 'CSP violations or console errors').toEqual([]);
    await Promise.all(open.map((k) => k.close()));
  });
  /** A kiosk over a fresh backend; `before` may leave something in the state directory first (an unfinished claim). */
  async function start(
    options: Partial<Omit<KioskOptions, 'service'>> & { backend?: StartOptions; service?: Partial<KioskOptions['service']> } = {},
    before?: (server: RunningServer, stateDir: string) => Promise<void>,
  ) {
    const server = await backend(options.backend ?? {});
    const stateDir = join(await tempDir(), 'msp');
    await before?.(server, stateDir);
    const { backend: _ignored, service, ...rest } = options;
    const kiosk = await openKiosk({ camera: { kind: 'none' }, ...rest, service: { apiEndpoint: server.url, stateDir, timeoutMs: 5_000, ...service } });
    kiosks.push(kiosk);
    return { server, stateDir, kiosk, page: kiosk.page };
  }
  async function videoOf(text: string | undefined, size?: VideoSize): Promise<CameraMode> {
    const file = join(await tempDir(), 'camera.y4m');
    await writeQrVideo(file, text, size);
    return { kind: 'video', file };
  }
  return { backend, tempDir, kiosks, start, videoOf };
}

export const onScreen = (page: Page, screen: string) => page.locator(`main[data-screen="${screen}"]`).waitFor({ timeout: SCREEN_WAIT_MS });
export const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

export async function typeCode(page: Page, code: string, enterLabel = 'Enter code'): Promise<void> {
  await page.getByRole('button', { name: enterLabel, exact: true }).click();
  await onScreen(page, 'manual');
  for (const char of code) await page.getByRole('button', { name: char, exact: true }).click();
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** axe-core's serious and critical findings on the page as it is (injected over the DevTools protocol, which the page's CSP does not govern). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact ?? ''}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

/** Elements of the screen that stick out past the window's right edge (text too long for the panel). */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll('main *'))
      .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
  });
}

/**
 * The screen at every panel size: axe finds nothing serious, nothing sticks out sideways, and a
 * screenshot is kept in test-artifacts/screens/<lang>/<name>-<w>x<h>.png for people to look at.
 */
export async function checkScreen(page: Page, lang: string, name: string): Promise<void> {
  await mkdir(join(ARTIFACTS, lang), { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await accessibilityViolations(page), `axe on ${lang}/${name} at ${size.width}×${size.height}`).toEqual([]);
    expect(await horizontalOverflow(page), `overflow on ${lang}/${name} at ${size.width}×${size.height}`).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, lang, `${name}-${size.width}x${size.height}.png`) });
  }
  await page.setViewportSize(DEFAULT_SIZE);
}
