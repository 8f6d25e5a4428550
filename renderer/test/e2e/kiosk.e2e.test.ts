import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProvisioningFlow } from '../../../agent-core/src/flow/flow.js';
import { CLAIMED_CODE, EXPIRED_CODE, PENDING_CODE } from '../../../test-support/backend.js';
import type { StartOptions } from '../../../mock-server/src/server.js';
import { openKiosk, type CameraMode } from '../../../test-support/kiosk-harness.js';
import { onScreen, typeCode, useKiosks } from './support';

const { start: startKiosk, backend, tempDir, kiosks, videoOf } = useKiosks();
const start = (camera: CameraMode = { kind: 'none' }, backendOptions: StartOptions = {}) => startKiosk({ camera, backend: backendOptions });

describe('kiosk wizard in Chromium', () => {
  it('scans a QR code, confirms the partner and provisions', async () => {
    const { page, stateDir, server } = await start(await videoOf(`osiriscare://provision?code=${PENDING_CODE.slice(0, 4)}-${PENDING_CODE.slice(4, 8)}-${PENDING_CODE.slice(8, 12)}-${PENDING_CODE.slice(12)}`));
    await onScreen(page, 'welcome');
    await page.getByTestId('network-status').getByText('Connected to OsirisCare').waitFor();
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await onScreen(page, 'confirm');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Register this appliance to NEPA IT Solutions — Clinic ABC?');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await onScreen(page, 'success');
    const siteId = await page.getByTestId('site-id').textContent();
    expect(siteId).toMatch(/^clinic-abc-[0-9a-f]{12}$/);
    const config = join(stateDir, 'config.yaml');
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    expect(await readFile(config, 'utf8')).toContain(`site_id: ${siteId ?? ''}`);
    expect([...server.mock.store.appliances.values()][0]?.status).toBe('active');
  });

  it('takes a code typed on the touch keyboard', async () => {
    const { page } = await start();
    await onScreen(page, 'welcome');
    await typeCode(page, PENDING_CODE.slice(0, 10));
    for (const char of PENDING_CODE.slice(10)) await page.getByRole('button', { name: char, exact: true }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await onScreen(page, 'success');
  });

  it('explains a malformed code before any network call', async () => {
    const { page, server } = await start();
    await onScreen(page, 'welcome');
    await typeCode(page, 'ABCD12');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('manual-message').getByText('The code has 16 characters; 6 entered so far.').waitFor();
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it.each([
    ['unknown', 'ZZZZ0000ZZZZ0000', 'This code was not recognised', 'Invalid provision code'],
    ['expired', EXPIRED_CODE, 'This code has expired', 'Provision code expired'],
    ['claimed', CLAIMED_CODE, 'This code has already been used', 'Code already claimed'],
  ])('says so for an %s code', async (_label, code, title, message) => {
    const { page } = await start();
    await onScreen(page, 'welcome');
    await typeCode(page, code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'error');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(title);
    await expect(page.getByTestId('error-message').textContent()).resolves.toBe(message);
    // Retrying the same code cannot help: the main button asks for a new one.
    await expect(page.locator('button.primary').textContent()).resolves.toBe('Enter a new code');
    await page.getByRole('button', { name: 'Start over' }).click();
    await onScreen(page, 'welcome');
  });

  it('survives the server going down and coming back: Retry finishes', async () => {
    const { page, server, stateDir } = await start();
    await onScreen(page, 'welcome');
    const port = Number(new URL(server.url).port);
    await server.close();
    await typeCode(page, PENDING_CODE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'error');
    await expect(page.getByTestId('error-message').textContent()).resolves.toBe('Failed to connect to server');
    await page.getByRole('list', { name: 'Network check' }).waitFor();
    await backend({ port });
    await page.getByRole('button', { name: 'Try again' }).click();
    await onScreen(page, 'confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await onScreen(page, 'success');
    expect((await stat(join(stateDir, 'config.yaml'))).isFile()).toBe(true);
  });

  it('shows each step on a slow server and cannot be double-submitted', async () => {
    const { page, server } = await start({ kind: 'none' }, { faults: { claim: { latency_ms: 1_500 } } });
    await onScreen(page, 'welcome');
    await typeCode(page, PENDING_CODE);
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'confirm');
    await page.getByRole('button', { name: 'Confirm' }).dblclick();
    await onScreen(page, 'progress');
    await page.getByTestId('step-claim').waitFor();
    // A second provision while the first is running (a double tap that got through, a second caller)
    // is refused by the engine itself, through the same bridge.
    const second = await page.evaluate((code) => (globalThis as unknown as { osiris: { provision: (r: { code: string }) => Promise<unknown> } }).osiris.provision({ code }), PENDING_CODE);
    expect(second).toMatchObject({ ok: false, code: 'locked', error: 'Provisioning is already running' });
    await onScreen(page, 'success');
    expect(server.mock.store.snapshot().appliances).toHaveLength(1);
  });

  it('offers the manual path when there is no camera', async () => {
    const { page } = await start({ kind: 'none' });
    await onScreen(page, 'welcome');
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await page.getByTestId('camera-problem').waitFor();
    await page.getByRole('button', { name: 'Enter code instead' }).click();
    await onScreen(page, 'manual');
  });

  it('says a QR code that is not a provision code is not one, and keeps scanning', async () => {
    const { page, server } = await start(await videoOf('https://example.com/menu'));
    await onScreen(page, 'welcome');
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await page.getByTestId('scan-status').getByText('not an OsirisCare provision code').waitFor();
    expect(await page.locator('main').getAttribute('data-screen')).toBe('scan');
    expect(server.mock.store.snapshot().appliances).toHaveLength(0);
  });

  it('finishes a journalled claim after a power cut, without a new code', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    const powerCut = () => Promise.reject(new Error('power cut'));
    await expect(runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, stateDir, hooks: { afterStep: (s) => (s === 'journal' ? powerCut() : undefined) } })).rejects.toThrow();
    const kiosk = await openKiosk({ service: { apiEndpoint: server.url, stateDir }, camera: { kind: 'none' } });
    kiosks.push(kiosk);
    await onScreen(kiosk.page, 'welcome');
    await kiosk.page.getByText('was interrupted after the code ABCD…5678 was accepted').waitFor();
    await kiosk.page.getByRole('button', { name: 'Finish setup' }).click();
    await onScreen(kiosk.page, 'success');
    expect(server.mock.store.snapshot().appliances).toHaveLength(1);
  });

  it('shows an already provisioned appliance and offers nothing that re-provisions', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    const done = await runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, stateDir });
    expect(done.ok).toBe(true);
    const kiosk = await openKiosk({ service: { apiEndpoint: server.url, stateDir }, camera: { kind: 'none' } });
    kiosks.push(kiosk);
    await onScreen(kiosk.page, 'provisioned');
    expect(await kiosk.page.getByRole('button', { name: /scan|enter code/i }).count()).toBe(0);
    await kiosk.page.getByRole('button', { name: 'Continue to the compliance agent' }).click();
    await expect.poll(() => kiosk.finished()).toBe(1);
  });
});
