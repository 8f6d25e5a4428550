import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../mock-server/src/server.js';
import { applianceRow, DASHBOARD_WAIT_MS, mintCode, openDashboard, qrScreenshot, signIn, type DashboardBrowser } from './dashboard-harness.js';
import { openKiosk, type Kiosk } from './kiosk-harness.js';
import { writeImageVideo } from './y4m.js';

/** The whole product on one screen: a partner's dashboard shows a QR code, the kiosk's camera reads it, the appliance appears on the dashboard. */
export const LOOP_STEPS = ['signed-in', 'code-minted', 'kiosk-welcome', 'kiosk-confirm', 'kiosk-success', 'dashboard-active'] as const;
export type LoopStep = (typeof LOOP_STEPS)[number];

export const LOOP_CLIENT = 'Riverside Dental';
/** Camera, decoder and engine on a shared two-core machine: generous, and not a timing assertion. */
const SCREEN_WAIT_MS = 20_000;

export interface LoopFacts {
  readonly code?: string;
  /** The kiosk's MAC, as the dashboard lists it. */
  readonly mac?: string;
}

export interface LoopOptions {
  readonly server: RunningServer;
  readonly adminToken: string;
  /** Where the appliance's config goes (never /var/lib/msp). */
  readonly stateDir: string;
  /** Scratch space: the camera's video. */
  readonly workDir: string;
  /** Visible windows (a machine with a display); headless by default. */
  readonly headless?: boolean;
  /** Called once each step is on screen: tests assert both pages, the demo takes screenshots. */
  readonly onStep: (step: LoopStep, sides: { readonly dashboard: Page; readonly kiosk?: Page }, facts: LoopFacts) => Promise<void>;
}

/** The browsers the loop opened; the caller closes them (the demo leaves them on screen first). */
export interface LoopRun {
  readonly dashboard: DashboardBrowser;
  readonly kiosk: Kiosk;
  readonly code: string;
  readonly mac: string;
  close(): Promise<void>;
}

const onScreen = (page: Page, screen: string) => page.locator(`main[data-screen="${screen}"]`).waitFor({ timeout: SCREEN_WAIT_MS });

/**
 * Mints a code on the dashboard, films the QR code the dashboard drew (a screenshot of it, not a
 * code generated beside it) into the kiosk's fake camera, scans and confirms on the kiosk over the
 * real engine, and waits for the dashboard to show the appliance active.
 */
export async function runLoop(options: LoopOptions): Promise<LoopRun> {
  const headless = options.headless ?? true;
  const dashboard = await openDashboard(`${options.server.url}/dashboard/`, { headless });
  let kiosk: Kiosk | undefined;
  const close = async () => {
    await kiosk?.close();
    await dashboard.close();
  };
  try {
    await signIn(dashboard.page, options.adminToken);
    await options.onStep('signed-in', { dashboard: dashboard.page }, {});

    const code = await mintCode(dashboard.page, LOOP_CLIENT);
    const video = join(options.workDir, 'camera.y4m');
    await writeImageVideo(video, await qrScreenshot(dashboard.page));
    await options.onStep('code-minted', { dashboard: dashboard.page }, { code });

    kiosk = await openKiosk({ service: { apiEndpoint: options.server.url, stateDir: options.stateDir }, camera: { kind: 'video', file: video }, headless });
    const mac = kiosk.service.identity().mac_address.toUpperCase();
    const sides = { dashboard: dashboard.page, kiosk: kiosk.page };
    await onScreen(kiosk.page, 'welcome');
    await kiosk.page.getByTestId('network-status').getByText('Connected to OsirisCare').waitFor({ timeout: SCREEN_WAIT_MS });
    await options.onStep('kiosk-welcome', sides, { code, mac });

    await kiosk.page.getByRole('button', { name: 'Scan QR code' }).click();
    await onScreen(kiosk.page, 'confirm');
    await options.onStep('kiosk-confirm', sides, { code, mac });

    await kiosk.page.getByRole('button', { name: 'Confirm' }).click();
    await onScreen(kiosk.page, 'success');
    await options.onStep('kiosk-success', sides, { code, mac });

    await applianceRow(dashboard.page, mac).getByTestId('status').getByText('active', { exact: true }).waitFor({ timeout: DASHBOARD_WAIT_MS });
    await options.onStep('dashboard-active', sides, { code, mac });
    return { dashboard, kiosk, code, mac, close };
  } catch (err) {
    await close();
    throw err;
  }
}
