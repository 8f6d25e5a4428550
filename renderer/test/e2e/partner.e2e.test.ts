import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultFixture, FixtureSchema } from '../../../mock-server/src/fixtures.js';
import { BRAND_PALETTE, hexToRgb, wcagContrast } from '../palette';
import { solidPng, startLogoServer } from '../../../test-support/logo-server.js';
import { accessibilityViolations, horizontalOverflow, onScreen, SIZES, useKiosks } from './support';

const { start, tempDir } = useKiosks();
const PAGE_RGB = hexToRgb('#0B1220');
const codeFor = (i: number) => `PA1E77E${String(i).padStart(9, '0')}`;

/** A backend whose partners are the given names and colours, one pending code each. */
function fixtureOf(partners: readonly { brand_name: string; primary_color: string; client_name: string; logo_url?: string }[]) {
  return FixtureSchema.parse({
    signing_key: defaultFixture().signing_key,
    partners: partners.map((p, i) => ({ slug: `p${i}`, brand_name: p.brand_name, primary_color: p.primary_color, logo_url: p.logo_url ?? null })),
    codes: partners.map((p, i) => ({ code: codeFor(i), partner: `p${i}`, client_name: p.client_name, expires_in_hours: 1 })),
  });
}

async function confirmCode(page: Page, code: string) {
  await page.getByRole('button', { name: 'Enter code', exact: true }).click();
  await onScreen(page, 'manual');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await onScreen(page, 'confirm');
}

const rgbOf = (css: string): [number, number, number] => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number) as [number, number, number];

describe('partner colours, by computed contrast', () => {
  it('keep text readable and the Confirm button visible for a palette of real brand colours', async () => {
    const { page } = await start({ backend: { fixture: fixtureOf(BRAND_PALETTE.map((b) => ({ brand_name: b.name, primary_color: b.color, client_name: 'Clinic ABC' }))) } });
    await onScreen(page, 'welcome');
    for (const [i, brand] of BRAND_PALETTE.entries()) {
      await confirmCode(page, codeFor(i));
      const button = await page.getByRole('button', { name: 'Confirm' }).evaluate((el) => { const s = getComputedStyle(el); return { bg: s.backgroundColor, fg: s.color, border: s.borderTopColor }; });
      expect(rgbOf(button.bg), brand.name).toEqual(hexToRgb(brand.color));
      expect(wcagContrast(rgbOf(button.fg), rgbOf(button.bg)), `${brand.name}: text on the button`).toBeGreaterThanOrEqual(4.5);
      // The button stands out from the page by its fill, or else by its outline.
      const boundary = Math.max(wcagContrast(rgbOf(button.bg), PAGE_RGB), wcagContrast(rgbOf(button.border), PAGE_RGB));
      expect(boundary, `${brand.name}: button against the page`).toBeGreaterThanOrEqual(3);
      expect(await accessibilityViolations(page), brand.name).toEqual([]);
      await page.getByRole('button', { name: 'Start over' }).click();
      await onScreen(page, 'welcome');
    }
  });
});

describe('hostile partner and clinic names', () => {
  const RLO = '\u202E';
  const cases = [
    { label: 'a right-to-left override', brand_name: `Evil${RLO} IT`, client_name: 'Clinic ABC', primary_color: '#2563EB' },
    { label: 'a 200-character name without spaces', brand_name: 'W'.repeat(200), client_name: `Clinic ${'Long'.repeat(45)}`, primary_color: '#10B981' },
    { label: 'a right-to-left name', brand_name: 'شركة الشبكات', client_name: 'عيادة الأمل (الفرع 2)', primary_color: '#F97316' },
    { label: 'an emoji initial', brand_name: '👩🏽‍⚕️ Health IT', client_name: 'Clinic ABC', primary_color: '#0A0A0A' },
  ] as const;

  it('cannot reorder the question, overflow the screen or split the initial', async () => {
    const { page } = await start({ backend: { fixture: fixtureOf(cases) } });
    await onScreen(page, 'welcome');
    for (const [i, named] of cases.entries()) {
      await confirmCode(page, codeFor(i));
      const heading = page.getByRole('heading', { level: 1 });
      const text = (await heading.textContent()) ?? '';
      expect(text, named.label).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      // Each name sits in its own isolate, partner first, clinic second: nothing can move the clinic.
      const isolates = await heading.locator('bdi').evaluateAll((els) => els.map((el) => el.getAttribute('data-param')));
      expect(isolates, named.label).toEqual(['partner', 'clinic']);
      expect(await page.getByTestId('partner-initial').textContent(), named.label).toBe([...new Intl.Segmenter().segment(named.brand_name.replace(RLO, ''))][0]?.segment);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        expect(await horizontalOverflow(page), `${named.label} at ${size.width}`).toEqual([]);
        const box = await heading.boundingBox();
        expect((box?.y ?? 0) + (box?.height ?? 0), `${named.label}: the question fits at ${size.width}×${size.height}`).toBeLessThanOrEqual(size.height);
        await page.getByRole('button', { name: 'Confirm' }).waitFor();
        expect(await page.getByRole('button', { name: 'Confirm' }).isVisible()).toBe(true);
      }
      await page.setViewportSize(SIZES[1]);
      await page.getByRole('button', { name: 'Start over' }).click();
      await onScreen(page, 'welcome');
    }
  });

  it('keeps Success within an 800×480 panel with long names', async () => {
    const { page } = await start({ viewport: SIZES[0], backend: { fixture: fixtureOf([cases[1]]) } });
    await onScreen(page, 'welcome');
    await confirmCode(page, codeFor(0));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await onScreen(page, 'success');
    const fits = await page.locator('section.success').evaluate((el) => el.scrollHeight <= el.clientHeight);
    expect(fits).toBe(true);
    expect(await horizontalOverflow(page)).toEqual([]);
  });
});

describe("the partner's logo", () => {
  it('shows on Success, fetched and checked by the engine (the page loads nothing), and fits an 800×480 panel beside a long name', async () => {
    const host = await startLogoServer(await tempDir(), { '/logo.png': (response) => response.writeHead(200, { 'content-type': 'image/png' }).end(solidPng(320, 120)) });
    try {
      const partner = { brand_name: 'W'.repeat(200), client_name: `Clinic ${'Long'.repeat(45)}`, primary_color: '#10B981', logo_url: `${host.origin}/logo.png` };
      const { page } = await start({ viewport: SIZES[0], backend: { fixture: fixtureOf([partner]) }, service: { caFile: host.certPath } });
      await onScreen(page, 'welcome');
      await confirmCode(page, codeFor(0));
      // The validate answer has no logo: Confirm shows the initial.
      expect(await page.getByTestId('partner-initial').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await onScreen(page, 'success');
      const logo = page.getByTestId('partner-logo');
      await logo.waitFor();
      const shown = await logo.evaluate((el) => ({ src: (el as HTMLImageElement).src, width: (el as HTMLImageElement).naturalWidth, alt: el.getAttribute('alt') }));
      expect(shown.src).toMatch(/^blob:/);
      expect(shown.width).toBe(320);
      expect(shown.alt).toBe('');
      expect(host.requests.map((r) => r.path)).toEqual(['/logo.png']);
      expect(await page.locator('section.success').evaluate((el) => el.scrollHeight <= el.clientHeight)).toBe(true);
      expect(await horizontalOverflow(page)).toEqual([]);
      expect(await accessibilityViolations(page)).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
