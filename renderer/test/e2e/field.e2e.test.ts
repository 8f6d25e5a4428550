import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProvisioningFlow } from '../../../agent-core/src/flow/flow.js';
import { PENDING_CODE } from '../../../test-support/backend.js';
import { openKiosk } from '../../../test-support/kiosk-harness.js';
import { TIMING } from '../../src/lib/timing';
import { heading, onScreen, typeCode, useKiosks } from './support';

const { start, backend, tempDir, kiosks } = useKiosks();

describe('no dead ends', () => {
  it('a claim that never answers: motion, elapsed time, "Still trying…", no Cancel (and why), then the error screen past the watchdog, and Try again', async () => {
    const { page, kiosk, server } = await start({ clock: true, faults: { provision: 'hang' } });
    await onScreen(page, 'welcome');
    await typeCode(page, PENDING_CODE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await onScreen(page, 'progress');
    await expect(page.getByTestId('no-cancel').textContent()).resolves.toContain('cannot be cancelled');
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    const before = await page.getByTestId('elapsed').textContent();
    await page.clock.fastForward(TIMING.stillTryingMs);
    await page.getByTestId('still-trying').getByText('Still trying').waitFor();
    expect(await page.getByTestId('elapsed').textContent()).not.toBe(before);
    await page.clock.fastForward(TIMING.provisionMs);
    await onScreen(page, 'error');
    expect(await heading(page)).toBe('The appliance did not answer');
    await expect(page.getByTestId('announcer').textContent()).resolves.toContain('The appliance did not answer');
    kiosk.faults.delete('provision');
    await page.getByRole('button', { name: 'Try again' }).click();
    await onScreen(page, 'success');
    expect(server.mock.store.snapshot().appliances).toHaveLength(1);
  });

  it('an engine call that throws lands on the error screen with Try again', async () => {
    const { page } = await start({ faults: { provision: 'throw' } });
    await onScreen(page, 'welcome');
    await typeCode(page, PENDING_CODE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await onScreen(page, 'error');
    expect(await heading(page)).toBe('Something went wrong on the appliance');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
  });

  it('a code check that hangs can be cancelled, keeping the code; the keys work again', async () => {
    const { page, kiosk } = await start({ faults: { validate: 'hang' } });
    await onScreen(page, 'welcome');
    await typeCode(page, PENDING_CODE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('waiting').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('code-slots').getAttribute('aria-label')).resolves.toBe('Provision code, 16 of 16 characters');
    expect(await page.getByRole('button', { name: 'Q', exact: true }).isEnabled()).toBe(true);
    kiosk.faults.delete('validate');
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'confirm');
  });

  it('says what a timeout with every network check green means', async () => {
    const { page } = await start({ service: { timeoutMs: 300 }, backend: { faults: { validate: { latency_ms: 3_000 } } } });
    await onScreen(page, 'welcome');
    await typeCode(page, PENDING_CODE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'error');
    expect(await heading(page)).toBe('The OsirisCare server did not answer in time');
    await expect(page.getByTestId('error-advice').textContent()).resolves.toContain('Every network check passes');
    await expect(page.locator('button.primary').textContent()).resolves.toBe('Try again');
  });

  it('a reload mid-run re-attaches to the run in progress (engine reporting "running")', async () => {
    const { page, server } = await start({ backend: { faults: { claim: { latency_ms: 2_500 } } } });
    await onScreen(page, 'welcome');
    await typeCode(page, PENDING_CODE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('step-claim').and(page.locator('.running')).waitFor();
    await page.reload();
    await onScreen(page, 'progress');
    await page.getByTestId('step-claim').and(page.locator('.running, .done')).waitFor();
    await onScreen(page, 'success');
    expect(await page.getByTestId('site-id').textContent()).toMatch(/^clinic-abc-[0-9a-f]{12}$/);
    expect(server.mock.store.snapshot().appliances).toHaveLength(1);
  });

  it('a hand-over the engine refuses (no valid config) shows why, with Try again', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    expect((await runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, stateDir })).ok).toBe(true);
    const kiosk = await openKiosk({ service: { apiEndpoint: server.url, stateDir }, camera: { kind: 'none' } });
    kiosks.push(kiosk);
    await onScreen(kiosk.page, 'provisioned');
    await rm(join(stateDir, 'config.yaml'));
    await kiosk.page.getByRole('button', { name: 'Continue to the compliance agent' }).click();
    await onScreen(kiosk.page, 'error');
    expect(await heading(kiosk.page)).toBe('The compliance agent cannot start yet');
    expect(kiosk.finished()).toBe(0);
    expect(await kiosk.page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
  });
});

describe('keyboard and screen readers', () => {
  it('focus goes to each new heading; Enter on a focused button is that button; Escape keeps the code', async () => {
    const { page } = await start();
    await onScreen(page, 'welcome');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('welcome-title');
    await page.getByRole('button', { name: 'Enter code', exact: true }).click();
    await onScreen(page, 'manual');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('manual-title');
    await page.keyboard.type('AB12');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('code-slots').getAttribute('aria-label')).resolves.toBe('Provision code, 4 of 16 characters');
    await page.getByRole('button', { name: 'Back', exact: true }).focus();
    await page.keyboard.press('Enter');
    await onScreen(page, 'welcome');
  });

  it('switches language on Welcome: text, the page language, and it survives a reload', async () => {
    const { page } = await start();
    await onScreen(page, 'welcome');
    await page.getByRole('button', { name: 'Español' }).click();
    expect(await heading(page)).toBe('Configura este equipo');
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('es');
    await page.reload();
    await onScreen(page, 'welcome');
    expect(await heading(page)).toBe('Configura este equipo');
    await expect(page.getByRole('button', { name: 'Español' }).getAttribute('aria-pressed')).resolves.toBe('true');
  });
});
