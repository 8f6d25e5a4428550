import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProvisioningFlow } from '../../../agent-core/src/flow/flow.js';
import { assignMac } from '../../../mock-server/src/store/index.js';
import { PENDING_CODE, SECOND_PENDING_CODE } from '../../../test-support/backend.js';
import { readQrImage } from '../../../test-support/qr-read.js';
import { onScreen, useKiosks } from './support';

const { start, tempDir } = useKiosks();

describe('drop-ship on the kiosk', () => {
  it('shows the MAC as text and as a QR code, and finishes setup by itself once the partner assigns it', async () => {
    const serverKeyPath = join(await tempDir(), 'central-command.pub');
    const { page, kiosk, server } = await start(
      { dropship: true, backend: { dropshipRetrySeconds: 1 }, service: { serverKeyPath } },
      (backend) => writeFile(serverKeyPath, `${backend.mock.signer.publicKeyHex}\n`),
    );
    await onScreen(page, 'welcome');
    const mac = kiosk.service.identity().mac_address;
    await page.getByTestId('dropship').waitFor();
    expect(await page.getByTestId('dropship-mac').textContent()).toBe(mac);
    await page.getByTestId('dropship-polls').getByText('Asked OsirisCare').waitFor();
    // The QR code a partner scans holds exactly the MAC.
    const shot = join(await tempDir(), 'qr.png');
    await page.getByTestId('qr').screenshot({ path: shot });
    expect(await readQrImage(shot)).toBe(mac);

    assignMac(server.mock.store, mac, { site_id: 'nepa-it-kiosk-dropship', clinic_name: 'Kiosk Clinic', partner: 'nepa-it' });
    await onScreen(page, 'success');
    expect(await page.getByTestId('site-id').textContent()).toBe('nepa-it-kiosk-dropship');
    expect([...server.mock.store.appliances.values()]).toEqual([expect.objectContaining({ site_id: 'nepa-it-kiosk-dropship', source: 'dropship', status: 'active' })]);
  });
});

describe('an unfinished claim on the kiosk', () => {
  it('asks: "Use a new code instead" sets the claim aside and claims the new code', async () => {
    const { page, stateDir, server } = await start({}, async (backend, dir) => {
      await runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: backend.url, stateDir: dir, preflight: 'never', hooks: { afterStep: (step) => (step === 'journal' ? Promise.reject(new Error('power cut')) : undefined) } }).catch(() => undefined);
    });
    await onScreen(page, 'welcome');
    expect(await page.getByRole('button', { name: 'Finish setup' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Use a new code instead' }).click();
    await onScreen(page, 'manual');
    for (const char of SECOND_PENDING_CODE) await page.getByRole('button', { name: char, exact: true }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await onScreen(page, 'confirm');
    await page.getByTestId('discarding').waitFor();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await onScreen(page, 'success');
    expect((await readdir(stateDir)).some((n) => n.startsWith('claim-journal.json.discarded-'))).toBe(true);
    expect(server.mock.store.codes.get(SECOND_PENDING_CODE)?.status).toBe('claimed');
  });
});
