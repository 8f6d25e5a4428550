import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** axe-core's serious and critical findings on the page as it is (injected over the DevTools protocol, which the page's CSP does not govern). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact ?? ''}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

/** Elements that stick out past the window's right or left edge. */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { clientWidth: number }; querySelectorAll(s: string): ArrayLike<{ tagName: string; className: unknown; getBoundingClientRect(): { width: number; left: number; right: number } }> } }).document;
    const width = doc.documentElement.clientWidth;
    return Array.from(doc.querySelectorAll('body *'))
      .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className)}`);
  });
}
