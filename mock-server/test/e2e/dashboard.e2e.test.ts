import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PENDING_CODE } from '../../../test-support/backend.js';
import { applianceRow, cardQr, codeCard, codeRow, DASHBOARD_WAIT_MS, mintCode, PHONE, qrScreenshot, settle, signIn } from '../../../test-support/dashboard-harness.js';
import { get, post } from '../../../test-support/http.js';
import { readQr } from '../../../test-support/qr-read.js';
import { checkLayouts, SCREENS, TOKEN, useDashboard } from './support.js';

const open = useDashboard();
const MAC = '84:3A:5B:91:B6:61';
const DROPSHIP_MAC = '02:00:5E:00:53:42';
/** The figure: a claim shows on the dashboard within a second. */
const LIVE_WITHIN_MS = 1_000;
const UNAUTHORIZED_LOAD = 'console: Failed to load resource: the server responded with a status of 401 (Unauthorized)';

describe('partner dashboard in Chromium', () => {
  it('signs in with the admin token into an HttpOnly cookie, refuses a wrong one, and signs out', async () => {
    const { page, browser, server } = await open({ signedIn: false });
    await page.getByLabel('Admin token').waitFor();
    await checkLayouts(page, 'sign-in');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('sign-in-notice').getByText('That is not the admin token').waitFor();
    // The refused sign-in is the one 401 the browser reports; nothing else may be.
    expect(browser.problems.splice(0)).toEqual([UNAUTHORIZED_LOAD]);
    expect(await browser.context.cookies()).toEqual([]);

    await signIn(page, TOKEN);
    const cookies = await browser.context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['osiris_dashboard_session', true, 'Strict']]);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    expect(page.url()).toBe(`${server.url}/dashboard/`);
    expect(await page.content()).not.toContain(TOKEN);

    await page.reload();
    await page.getByTestId('live-status').getByText('Live').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in-notice').getByText('You are signed out.').waitFor();
    expect(server.mock.dashboard?.sessions.size).toBe(0);
    await page.reload();
    await page.getByLabel('Admin token').waitFor();
  });

  it('mints a code and shows it large, with a QR code holding exactly osiris://CODE, and a print label', async () => {
    const { page, browser, server } = await open();
    await browser.page.addInitScript(() => {
      const page = globalThis as unknown as { print: () => void; printed: number };
      page.printed = 0;
      page.print = () => { page.printed += 1; };
    });
    await page.reload();
    await page.getByTestId('live-status').getByText('Live').waitFor();
    const code = await mintCode(page, 'Lakeview Family Medicine', { expiry: '7 days' });
    expect(code).toMatch(/^[0-9A-F]{16}$/);
    expect(server.mock.store.codes.get(code)).toMatchObject({ client_name: 'Lakeview Family Medicine', partner: 'nepa-it', status: 'pending' });
    await expect(codeCard(page).getByTestId('big-code').textContent()).resolves.toBe(code.match(/.{4}/g)?.join(' '));
    expect(await readQr(await qrScreenshot(page))).toBe(`osiris://${code}`);
    expect(await cardQr(page).getAttribute('data-qr-text')).toBe(`osiris://${code}`);
    await codeRow(page, code).getByText('in 7 days').waitFor();
    await checkLayouts(page, 'code-minted');

    await codeCard(page).getByRole('button', { name: 'Print label' }).click();
    expect(await page.evaluate(() => (globalThis as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    const label = page.getByTestId('print-label');
    expect(await label.isVisible()).toBe(true);
    expect(await codeCard(page).isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Appliances' }).isVisible()).toBe(false);
    expect(await label.innerText()).toMatch(new RegExp(`Lakeview Family Medicine[\\s\\S]*${code.match(/.{4}/g)?.join(' ') ?? ''}[\\s\\S]*Expires`));
    expect(await readQr(await label.locator('svg.qr').screenshot())).toBe(`osiris://${code}`);
    await page.screenshot({ path: join(SCREENS, 'print-label.png') });
    await page.emulateMedia({ media: 'screen' });
  });

  it('revokes a pending code, after asking', async () => {
    const { page, server } = await open();
    await codeRow(page, PENDING_CODE).getByRole('button').click();
    await codeCard(page).getByRole('button', { name: 'Revoke…' }).click();
    await codeCard(page).getByText('Revoke this code?').waitFor();
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
    await codeCard(page).getByRole('button', { name: 'Yes, revoke' }).click();
    await codeCard(page).getByTestId('status').getByText('revoked').waitFor();
    await codeRow(page, PENDING_CODE).getByTestId('status').getByText('revoked').waitFor();
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('revoked');
    expect((await get(`${server.url}/api/provision/validate/${PENDING_CODE}`)).json()).toEqual({ valid: false, error: 'Provision code is revoked' });
    expect(await codeCard(page).getByRole('button', { name: 'Revoke…' }).count()).toBe(0);
  });

  it('shows a claim within a second, then each status report as a step, and the time since last contact', async () => {
    const { page, server } = await open();
    await post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC, provision_code: PENDING_CODE, hostname: 'clinic-box' });
    await page.locator(`.beats li[data-mac="${MAC}"]`).getByText('clinic-box').waitFor();
    const claim = (await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC, hostname: 'clinic-box' })).json<{ appliance_id: string; api_key: string }>();
    await expect.poll(() => applianceRow(page, MAC).count(), { timeout: LIVE_WITHIN_MS }).toBe(1);
    const row = applianceRow(page, MAC);
    expect(await row.getAttribute('data-appliance')).toBe(claim.appliance_id);
    await row.getByTestId('status').getByText('pending').waitFor();
    expect(await page.locator(`.beats li[data-mac="${MAC}"]`).count()).toBe(0);
    const bearer = { authorization: `Bearer ${claim.api_key}` };
    await post(`${server.url}/api/provision/status`, { appliance_id: claim.appliance_id, status: 'configuring', progress_percent: 75, message: 'Configuration written' }, bearer);
    await post(`${server.url}/api/provision/status`, { appliance_id: claim.appliance_id, status: 'active', progress_percent: 100, message: 'Provisioning complete' }, bearer);
    await row.getByTestId('status').getByText('active').waitFor();
    expect(await row.locator('.steps .step-name').allTextContents()).toEqual(['claimed', 'configuring 75 %', 'active 100 %']);
    expect(await row.getByTestId('last-contact').textContent()).toMatch(/^(just now|\d s ago)$/);
    await codeRow(page, PENDING_CODE).getByTestId('status').getByText('claimed').waitFor();
  });

  it('lists MACs that ask for drop-ship and assigns one to a site, which its next poll receives', async () => {
    const { page, server } = await open();
    expect((await get(`${server.url}/api/provision/${DROPSHIP_MAC}`)).json()).toMatchObject({ status: 'unclaimed' });
    const entry = page.locator(`.queue-entry[data-mac="${DROPSHIP_MAC}"]`);
    await entry.getByTestId('status').getByText('waiting').waitFor();
    await entry.getByRole('button', { name: 'Assign to site…' }).click();
    await entry.getByLabel('Site ID').fill('nepa-it-hillside');
    await entry.getByLabel(/^Clinic name/).fill('Hillside Clinic');
    await entry.getByRole('button', { name: 'Assign', exact: true }).click();
    await entry.getByTestId('status').getByText('assigned').waitFor();
    expect(server.mock.store.dropship.get(DROPSHIP_MAC)?.site_id).toBe('nepa-it-hillside');
    expect(server.mock.store.sites.get('nepa-it-hillside')).toMatchObject({ clinic_name: 'Hillside Clinic', partner: 'nepa-it' });
    expect((await get(`${server.url}/api/provision/${DROPSHIP_MAC}`)).json()).toMatchObject({ config: { site_id: 'nepa-it-hillside' } });
    await entry.getByTestId('status').getByText('provisioned').waitFor();
    await applianceRow(page, DROPSHIP_MAC).getByText('drop-ship').waitFor();
  });

  it('sets and clears faults from the panel, for demos of the kiosk’s error screens', async () => {
    const { page, server } = await open();
    await page.getByTestId('faults-none').waitFor();
    await page.getByRole('button', { name: 'Claims fail (503)' }).click();
    await page.locator('.active-faults li[data-route="claim"]').getByText('error 503 on 100 %').waitFor();
    expect(server.mock.faults.get()).toEqual({ claim: { error_rate: 1, error_status: 503 } });
    expect((await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC })).status).toBe(503);
    await page.getByText('Set a fault by hand').click();
    await page.getByLabel('Route').selectOption('validate');
    await page.getByLabel('Delay (ms)').fill('2500');
    await page.getByRole('button', { name: 'Set fault' }).click();
    await page.locator('.active-faults li[data-route="validate"]').getByText('2500 ms late').waitFor();
    expect(server.mock.faults.get()).toMatchObject({ claim: { error_rate: 1 }, validate: { latency_ms: 2500 } });
    await checkLayouts(page, 'faults');
    await page.getByRole('button', { name: 'Remove the fault on claim' }).click();
    await page.locator('.active-faults li[data-route="claim"]').waitFor({ state: 'detached' });
    expect(Object.keys(server.mock.faults.get())).toEqual(['validate']);
    await page.getByRole('button', { name: 'Clear all faults' }).click();
    await page.getByTestId('faults-none').waitFor();
    expect(server.mock.faults.get()).toEqual({});
  });

  it('is accessible and fits a laptop and a phone with every section filled', async () => {
    const { page, server } = await open();
    await mintCode(page, 'Harbor View Pediatrics');
    const claim = (await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC, hostname: 'clinic-box' })).json<{ appliance_id: string; api_key: string }>();
    await post(`${server.url}/api/provision/status`, { appliance_id: claim.appliance_id, status: 'configuring', progress_percent: 75 }, { authorization: `Bearer ${claim.api_key}` });
    await post(`${server.url}/api/provision/heartbeat`, { mac_address: '02:00:5E:00:53:10', provision_code: 'C0FFEE00DECAF123', hostname: 'waiting-room-box' });
    await get(`${server.url}/api/provision/${DROPSHIP_MAC}`);
    await applianceRow(page, MAC).locator('.step-name').getByText('configuring 75 %').waitFor();
    await page.locator(`.queue-entry[data-mac="${DROPSHIP_MAC}"]`).waitFor();
    await checkLayouts(page, 'dashboard');
    await page.setViewportSize(PHONE);
    await settle(page);
    await page.screenshot({ path: join(SCREENS, `dashboard-top-${PHONE.width}x${PHONE.height}.png`) });
  });

  it('goes back to sign-in, saying why, when the session expires', async () => {
    let now = Date.now();
    const { page } = await open({ backend: { now: () => now, live: { keepaliveMs: 100 } } });
    now += 9 * 60 * 60 * 1000;
    await page.getByTestId('sign-in-notice').getByText('Your session ended. Sign in again to continue.').waitFor({ timeout: DASHBOARD_WAIT_MS });
  });
});
