import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EXPIRED_CODE, PENDING_CODE } from '../../../test-support/backend.js';
import { INTERACTIVE_MARK } from '../../src/lib/timing';
import { onScreen, useKiosks } from './support';

const { start, videoOf } = useKiosks();
const qr = (code: string) => `osiriscare://provision?code=${code}`;

/** Whether the preview shows a live camera: a stream with a live video track, playing. */
const cameraLive = (page: Page) => page.getByTestId('camera').evaluate((el) => {
  const video = el as HTMLVideoElement;
  const track = video.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
  return track?.readyState === 'live' && !video.paused;
});

describe('the camera in the field', () => {
  it('notices a camera lost mid-scan and offers it again', async () => {
    const { page } = await start({ camera: await videoOf('https://example.com/menu') });
    await onScreen(page, 'welcome');
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await expect.poll(() => cameraLive(page)).toBe(true);
    // What the browser fires when the device goes away (unplugged, or ended by the system).
    await page.getByTestId('camera').evaluate((el) => { ((el as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0]?.dispatchEvent(new Event('ended')); });
    await page.getByTestId('camera-problem').getByText('The camera stopped').waitFor();
    await page.getByRole('button', { name: 'Try the camera again' }).click();
    await expect.poll(() => cameraLive(page)).toBe(true);
    expect(await page.getByTestId('camera-problem').count()).toBe(0);
  });

  it('reads a code from a 1280 × 720 camera, the size the scanner asks for (the worker halves the picture)', async () => {
    const { page } = await start({ camera: await videoOf(qr(PENDING_CODE), { width: 1280, height: 720 }) });
    await onScreen(page, 'welcome');
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await onScreen(page, 'confirm');
  });

  it('keeps the picture live while a scanned code is checked, and Back works', async () => {
    const { page } = await start({ camera: await videoOf(qr(PENDING_CODE)), faults: { validate: 'hang' } });
    await onScreen(page, 'welcome');
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await page.getByTestId('waiting').waitFor();
    expect(await cameraLive(page)).toBe(true);
    await page.getByRole('button', { name: 'Back' }).click();
    await onScreen(page, 'welcome');
    // The wizard's "interactive" moment (npm run bench reads it) is marked once, at the first Welcome.
    const marks = await page.evaluate((name) => performance.getEntriesByName(name).map((e) => e.startTime), INTERACTIVE_MARK);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toBeGreaterThan(0);
  });

  it('after a failed check, "Scan a new code" restarts the camera', async () => {
    const { page } = await start({ camera: await videoOf(qr(EXPIRED_CODE)) });
    await onScreen(page, 'welcome');
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    await onScreen(page, 'error');
    await page.getByRole('button', { name: 'Scan a new code' }).click();
    await onScreen(page, 'scan');
    await expect.poll(() => cameraLive(page)).toBe(true);
  });
});
