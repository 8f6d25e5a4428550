import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend, useTempDir } from '../../../test-support/backend.js';
import { applianceRow, codeCard, codeRow, qrScreenshot } from '../../../test-support/dashboard-harness.js';
import { LOOP_CLIENT, LOOP_STEPS, runLoop, type LoopFacts, type LoopRun, type LoopStep } from '../../../test-support/loop.js';
import { readQr } from '../../../test-support/qr-read.js';
import { SCREENS, TOKEN } from './support.js';

const backend = useBackend();
const tempDir = useTempDir();
const runs: LoopRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.close()));
});
/** Time for a heartbeat or a claim to show: the live view takes well under a second; the slack is the shared machine. */
const SHOWS_WITHIN_MS = 5_000;

describe('the whole loop: dashboard QR → kiosk camera → appliance active on the dashboard', () => {
  it('provisions from the QR code the dashboard shows, each step visible on both pages', async () => {
    const server = await backend({ adminToken: TOKEN });
    const stateDir = join(await tempDir(), 'msp');
    const seen: LoopStep[] = [];
    let siteId = '';
    await mkdir(SCREENS, { recursive: true });

    const checks: Record<LoopStep, (dashboard: Page, kiosk: Page | undefined, facts: LoopFacts) => Promise<void>> = {
      'signed-in': async (dashboard) => {
        await dashboard.getByText('No appliance has been claimed yet').waitFor();
        expect(server.mock.store.appliances.size).toBe(0);
      },
      'code-minted': async (dashboard, _kiosk, { code = '' }) => {
        expect(await readQr(await qrScreenshot(dashboard))).toBe(`osiris://${code}`);
        expect(server.mock.store.codes.get(code)).toMatchObject({ client_name: LOOP_CLIENT, status: 'pending' });
        await codeRow(dashboard, code).getByTestId('status').getByText('pending').waitFor();
      },
      'kiosk-welcome': async (dashboard, kiosk) => {
        expect(await kiosk?.locator('main').getAttribute('data-screen')).toBe('welcome');
        expect(await dashboard.locator('.beats li').count()).toBe(0);
      },
      'kiosk-confirm': async (dashboard, kiosk, { code = '', mac = '' }) => {
        expect(await kiosk?.getByRole('heading', { level: 1 }).textContent()).toBe(`Register this appliance to NEPA IT Solutions — ${LOOP_CLIENT}?`);
        // While the technician confirms, the box's heartbeats (with the code) reach the partner.
        await dashboard.locator(`.beats li[data-mac="${mac}"]`).waitFor({ timeout: SHOWS_WITHIN_MS });
        expect(server.mock.store.codes.get(code)?.status).toBe('pending');
        expect(await applianceRow(dashboard, mac).count()).toBe(0);
      },
      'kiosk-success': async (dashboard, kiosk, { code = '', mac = '' }) => {
        siteId = (await kiosk?.getByTestId('site-id').textContent()) ?? '';
        expect(siteId).toMatch(/^riverside-dental-[0-9a-f]{12}$/);
        await applianceRow(dashboard, mac).waitFor({ timeout: SHOWS_WITHIN_MS });
        await codeCard(dashboard).getByTestId('status').getByText('claimed').waitFor({ timeout: SHOWS_WITHIN_MS });
        expect(server.mock.store.codes.get(code)?.claimed_by_mac).toBe(mac);
      },
      'dashboard-active': async (dashboard, kiosk, { mac = '' }) => {
        const row = applianceRow(dashboard, mac);
        expect(await row.getByText(siteId).count()).toBe(1);
        expect(await row.getByText(LOOP_CLIENT).count()).toBe(1);
        expect(await row.locator('.steps .step-name').allTextContents()).toEqual(['claimed', 'configuring 75 %', 'active 100 %']);
        expect(await kiosk?.locator('main').getAttribute('data-screen')).toBe('success');
        expect(await readFile(join(stateDir, 'config.yaml'), 'utf8')).toContain(`site_id: ${siteId}`);
      },
    };

    const run = await runLoop({
      server,
      adminToken: TOKEN,
      stateDir,
      workDir: await tempDir(),
      onStep: async (step, { dashboard, kiosk }, facts) => {
        seen.push(step);
        await checks[step](dashboard, kiosk, facts);
        const number = String(seen.length).padStart(2, '0');
        await dashboard.screenshot({ path: join(SCREENS, `loop-${number}-${step}-dashboard.png`) });
        await kiosk?.screenshot({ path: join(SCREENS, `loop-${number}-${step}-kiosk.png`) });
      },
    });
    runs.push(run);
    expect(seen).toEqual([...LOOP_STEPS]);
    expect(run.dashboard.problems, 'dashboard: CSP violations or console errors').toEqual([]);
    expect(run.kiosk.problems, 'kiosk: CSP violations or console errors').toEqual([]);
  });
});
