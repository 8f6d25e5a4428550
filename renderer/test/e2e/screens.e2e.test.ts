import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runProvisioningFlow } from '../../../agent-core/src/flow/flow.js';
import { defaultFixture, FixtureSchema } from '../../../mock-server/src/fixtures.js';
import { EXPIRED_CODE, PENDING_CODE } from '../../../test-support/backend.js';
import { solidPng, startLogoServer } from '../../../test-support/logo-server.js';
import type { MessageKey } from '../../src/i18n/catalogue';
import { LOCALES } from '../../src/i18n/locales';
import { TIMING } from '../../src/lib/timing';
import { checkScreen, heading, horizontalOverflow, onScreen, SIZES, useKiosks } from './support';

/**
 * Every screen, in English and in Spanish, at 800×480, 1280×800 and 1920×1080: axe reports nothing
 * serious or critical, nothing sticks out sideways, and the screenshots are kept for review.
 */
const { start, backend, tempDir, kiosks, videoOf } = useKiosks();

async function tour(lang: 'en' | 'es') {
  const text = (key: MessageKey, params: Record<string, string | number> = {}) => {
    const message = LOCALES[lang].catalogue[key];
    const template = typeof message === 'string' ? message : message.other;
    return template.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name]));
  };
  const button = (page: Page, key: MessageKey) => page.getByRole('button', { name: text(key), exact: true });
  const query = `lang=${lang}`;

  // An engine that does not answer at start: Loading, then (past the watchdog) Cannot start, then Try again.
  const first = await start({ query, clock: true, faults: { identity: 'hang', validate: 'hang', provision: 'hang' }, camera: await videoOf(`osiriscare://provision?code=${PENDING_CODE}`) });
  const page = first.page;
  await onScreen(page, 'loading');
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(LOCALES[lang].tag);
  await checkScreen(page, lang, 'loading');
  await page.clock.fastForward(TIMING.startMs);
  await onScreen(page, 'cannot-start');
  await checkScreen(page, lang, 'cannot-start');
  first.kiosk.faults.delete('identity');
  await button(page, 'common.tryAgain').click();
  await onScreen(page, 'welcome');
  await page.getByTestId('network-status').getByText(text('network.ok')).waitFor();
  await checkScreen(page, lang, 'welcome');

  // A scanned code being checked: the picture stays, with the checking panel over it and Cancel.
  await button(page, 'welcome.scan').click();
  await page.getByTestId('waiting').waitFor();
  await checkScreen(page, lang, 'scan-checking');
  await button(page, 'common.cancel').click();
  await page.getByTestId('scan-status').getByText(text('scan.hint')).waitFor();
  await checkScreen(page, lang, 'scan');

  await button(page, 'scan.enterInstead').click();
  await onScreen(page, 'manual');
  for (const char of PENDING_CODE.slice(0, 10)) await page.getByRole('button', { name: char, exact: true }).click();
  await checkScreen(page, lang, 'manual');
  for (const char of PENDING_CODE.slice(10)) await page.getByRole('button', { name: char, exact: true }).click();
  await button(page, 'manual.continue').click();
  await page.getByTestId('waiting').waitFor();
  await page.clock.fastForward(TIMING.stillTryingMs);
  await page.getByTestId('still-trying').getByText(text('wait.stillTrying')).waitFor();
  await checkScreen(page, lang, 'manual-checking');
  await button(page, 'common.cancel').click();
  first.kiosk.faults.delete('validate');
  await button(page, 'manual.continue').click();
  await onScreen(page, 'confirm');
  await checkScreen(page, lang, 'confirm');
  await button(page, 'confirm.confirm').click();
  await onScreen(page, 'progress');
  // The claim's events as the engine sends them (the run itself is held, so the screen stays put).
  for (const event of [{ step: 'validate', status: 'done', percent: 20 }, { step: 'claim', status: 'running', percent: 25 }]) {
    await page.evaluate((e) => { (globalThis as unknown as { __osirisProgress: (e: unknown) => void }).__osirisProgress({ ...e, message: 'engine text' }); }, event);
  }
  await page.getByTestId('step-claim').and(page.locator('.running')).waitFor();
  await checkScreen(page, lang, 'progress');

  // Drop-ship waiting beside code entry; then a code that cannot work, then a good one through to
  // the end, to Success with the partner's logo (fetched by the engine from their https host).
  const serverKeyPath = join(await tempDir(), 'central-command.pub');
  const logoHost = await startLogoServer(await tempDir(), { '/logo.png': (response) => response.writeHead(200, { 'content-type': 'image/png' }).end(solidPng(240, 96)) });
  const fixture = defaultFixture();
  const withLogo = FixtureSchema.parse({ ...fixture, partners: fixture.partners.map((p) => ({ ...p, logo_url: `${logoHost.origin}/logo.png` })) });
  const second = await start(
    { query, dropship: true, backend: { fixture: withLogo }, service: { serverKeyPath, caFile: logoHost.certPath } },
    (backend) => writeFile(serverKeyPath, `${backend.mock.signer.publicKeyHex}\n`),
  );
  await onScreen(second.page, 'welcome');
  await second.page.getByTestId('dropship-polls').waitFor();
  await checkScreen(second.page, lang, 'welcome-dropship');
  await button(second.page, 'welcome.enter').click();
  for (const char of EXPIRED_CODE) await second.page.getByRole('button', { name: char, exact: true }).click();
  await button(second.page, 'manual.continue').click();
  await onScreen(second.page, 'error');
  await checkScreen(second.page, lang, 'error-expired');
  await button(second.page, 'error.newCode.manual').click();
  await onScreen(second.page, 'manual');
  await button(second.page, 'keyboard.clear').click();
  for (const char of PENDING_CODE) await second.page.getByRole('button', { name: char, exact: true }).click();
  await button(second.page, 'manual.continue').click();
  await onScreen(second.page, 'confirm');
  await button(second.page, 'confirm.confirm').click();
  await onScreen(second.page, 'success');
  await second.page.getByTestId('partner-logo').waitFor();
  await checkScreen(second.page, lang, 'success');
  await logoHost.close();

  // The server gone: the network check explains it; no camera at all.
  const third = await start({ query });
  await onScreen(third.page, 'welcome');
  await third.server.close();
  await button(third.page, 'welcome.scan').click();
  await third.page.getByTestId('camera-problem').waitFor();
  await checkScreen(third.page, lang, 'scan-no-camera');
  await button(third.page, 'scan.enterInstead').click();
  for (const char of PENDING_CODE) await third.page.getByRole('button', { name: char, exact: true }).click();
  await button(third.page, 'manual.continue').click();
  await onScreen(third.page, 'error');
  await third.page.getByRole('list', { name: text('network.list') }).waitFor();
  expect(await heading(third.page)).toBe(text('error.unreachable.title'));
  await checkScreen(third.page, lang, 'error-unreachable');

  // Already provisioned.
  const server = await backend();
  const stateDir = `${await tempDir()}/msp`;
  expect((await runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, stateDir })).ok).toBe(true);
  const { openKiosk } = await import('../../../test-support/kiosk-harness.js');
  const fourth = await openKiosk({ service: { apiEndpoint: server.url, stateDir }, camera: { kind: 'none' }, query });
  kiosks.push(fourth);
  await onScreen(fourth.page, 'provisioned');
  await checkScreen(fourth.page, lang, 'provisioned');
}

describe('every screen, every size, both languages', () => {
  it('in English', async () => {
    await tour('en');
  });

  it('in Spanish', async () => {
    await tour('es');
  });

  it('in the pseudo-locale (40 % longer), nothing overflows at the smallest size', async () => {
    const { page } = await start({ query: 'lang=pseudo', viewport: SIZES[0] });
    await onScreen(page, 'welcome');
    expect(await heading(page)).toMatch(/^\[Šéţ úþ ţĥíš áþþĺíáñçé/);
    expect(await horizontalOverflow(page)).toEqual([]);
    await page.getByRole('button', { name: /Éñţéŕ çóďé/ }).click();
    await onScreen(page, 'manual');
    expect(await horizontalOverflow(page)).toEqual([]);
  });
});
