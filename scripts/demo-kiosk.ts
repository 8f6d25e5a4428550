/**
 * `npm run demo:kiosk`: the product's headline on one screen. The mock Central Command with its
 * partner dashboard, and the kiosk wizard in Chromium over the real engine; the dashboard mints a
 * code and shows its QR code, the kiosk's camera is fed that very picture, the technician's taps are
 * made for them, and the dashboard shows the appliance active. With a display the two windows stay
 * open until Ctrl-C; without one (or with --headless) it runs headless and writes screenshots of
 * both sides at each step.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../mock-server/src/server.js';
import { demoAdminToken } from './demo-token.js';
import { LOOP_STEPS, runLoop, type LoopStep } from '../test-support/loop.js';

/** With windows on screen, a pause after each step so a person can follow. */
const VISIBLE_PAUSE_MS = 1_500;
const STEP_TEXT: Record<LoopStep, string> = {
  'signed-in': 'Dashboard: signed in, live',
  'code-minted': 'Dashboard: code minted, QR code on screen (the kiosk camera is fed this picture)',
  'kiosk-welcome': 'Kiosk: welcome screen, connected to the mock Central Command',
  'kiosk-confirm': 'Kiosk: QR code read by the camera, asking to confirm the partner and clinic',
  'kiosk-success': 'Kiosk: appliance set up',
  'dashboard-active': 'Dashboard: appliance active, every step listed',
};

const root = resolve(process.env.OSIRIS_DEMO_STATE_DIR ?? join('.state', 'demo-kiosk'));
const screens = join(root, 'screens');
const visible = !process.argv.includes('--headless') && (process.env.DISPLAY ?? process.env.WAYLAND_DISPLAY ?? '') !== '';
const adminToken = demoAdminToken();

await rm(root, { recursive: true, force: true });
await mkdir(screens, { recursive: true });
const server = await startServer({ port: 0, host: '127.0.0.1', adminToken });
process.stdout.write(`Mock Central Command on ${server.url}; partner dashboard at ${server.url}/dashboard/ (admin token ${adminToken})\n`);
process.stdout.write(visible ? 'Opening the dashboard and the kiosk in two windows…\n' : `No display: running headless, screenshots in ${relative(process.cwd(), screens)}/\n`);

async function shoot(step: LoopStep, page: Page, side: string): Promise<string> {
  const file = join(screens, `${String(LOOP_STEPS.indexOf(step) + 1).padStart(2, '0')}-${step}-${side}.png`);
  await page.screenshot({ path: file });
  return relative(process.cwd(), file);
}

try {
  const run = await runLoop({
    server,
    adminToken,
    stateDir: join(root, 'msp'),
    workDir: root,
    headless: !visible,
    onStep: async (step, { dashboard, kiosk }, facts) => {
      const files = [await shoot(step, dashboard, 'dashboard'), ...(kiosk === undefined ? [] : [await shoot(step, kiosk, 'kiosk')])];
      const detail = step === 'code-minted' ? ` ${facts.code ?? ''}` : '';
      process.stdout.write(`✓ ${STEP_TEXT[step]}${detail}\n    ${files.join('\n    ')}\n`);
      if (visible) await new Promise((resolve) => setTimeout(resolve, VISIBLE_PAUSE_MS));
    },
  });
  process.stdout.write(`Provisioned ${run.mac} with code ${run.code}; config in ${relative(process.cwd(), join(root, 'msp'))}/\n`);
  if (visible) {
    process.stdout.write('The windows stay open: look around the dashboard. Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
  await run.close();
} catch (err) {
  process.stderr.write(`demo:kiosk failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await server.close();
}
