import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { ProgressEvent } from '../agent-core/src/flow/events.js';
import { ProvisioningService, type ServiceOptions } from '../agent-core/src/service.js';
import { BRIDGE_METHOD_NAMES, BRIDGE_NAME, type BridgeMethod } from '../electron/bridge/contract.js';
import { handleBridgeCall } from '../electron/bridge/handlers.js';
import { projectRoot } from './paths.js';
import { serveRenderer } from './static-server.js';

export const RENDERER_DIST = join(projectRoot(), 'dist', 'wizard');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** How every test, demo and benchmark browser is started: Debian's Chromium as root, headless, nothing reaching for the network on its own (TOOLCHAIN.md). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] as const;

/** What the harness adds to the page's global scope (typed here: this file is checked without the DOM lib). */
interface PageGlobals {
  __osirisCall: (method: string, args: unknown[]) => Promise<unknown>;
  __osirisProgress: (event: unknown) => void;
  document: { addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void };
}

export type CameraMode = { kind: 'video'; file: string } | { kind: 'none' };

/** How a bridge method misbehaves: never answers (a hung engine), or throws (a broken IPC call). */
export type BridgeFault = 'hang' | 'throw';

export interface KioskOptions {
  readonly service: ServiceOptions;
  readonly camera: CameraMode;
  readonly viewport?: { width: number; height: number };
  /** The page's query, as the kiosk shell passes its settings (`lang=es`). */
  readonly query?: string;
  /** Bridge methods that hang or throw from the start (change them later with `kiosk.faults`). */
  readonly faults?: Partial<Record<BridgeMethod, BridgeFault>>;
  /** Install Playwright's fake clock before the page loads, so tests can move past watchdogs without waiting. */
  readonly clock?: boolean;
  /** Start drop-ship in the background, as the kiosk shell does at boot. */
  readonly dropship?: boolean;
  /** A visible window (`npm run demo:kiosk` on a machine with a display); headless by default. */
  readonly headless?: boolean;
}

export interface Kiosk {
  readonly page: Page;
  readonly service: ProvisioningService;
  /** CSP violations and console errors seen so far; the tests require none. */
  readonly problems: string[];
  readonly finished: () => number;
  /** Bridge faults in force; tests may change them at any time. */
  readonly faults: Map<BridgeMethod, BridgeFault>;
  close(): Promise<void>;
}

/**
 * The built wizard in real Chromium, its bridge implemented by Playwright bindings over the real
 * agent-core service — the same handler code Electron's IPC uses — and, if asked, a fake camera
 * playing a video.
 */
export async function openKiosk(options: KioskOptions): Promise<Kiosk> {
  const profile = await mkdtemp(join(tmpdir(), 'osiris-chromium-'));
  const cameraArgs = options.camera.kind === 'video'
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${options.camera.file}`]
    : [];
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    args: [...CHROMIUM_ARGS, ...cameraArgs],
  });
  const server = await serveRenderer(RENDERER_DIST);
  const problems: string[] = [];
  let finishCount = 0;
  const page = context.pages()[0] ?? (await context.newPage());
  // A declaration, so the service made below can hold it before the page has listeners.
  function emitProgress(event: ProgressEvent): void {
    void page.evaluate((e) => { (globalThis as unknown as PageGlobals).__osirisProgress(e); }, event).catch(() => undefined);
  }
  // Drop-ship's steps reach the page like a claim's, as the shell sends them (see electron/main/kiosk.ts).
  const service = new ProvisioningService({ ...options.service, onProgress: (event) => { emitProgress(event); } });
  if (options.dropship === true) service.startDropship(() => undefined);

  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  const faults = new Map(Object.entries(options.faults ?? {}) as [BridgeMethod, BridgeFault][]);
  const call = async (method: BridgeMethod, payload: unknown): Promise<unknown> => {
    const fault = faults.get(method);
    if (fault === 'hang') return new Promise(() => undefined);
    if (fault === 'throw') throw new Error(`${method}: the engine is broken (test fault)`);
    return handleBridgeCall({ service, emitProgress, finish: () => { finishCount += 1; } }, method, payload);
  };
  await page.exposeBinding('__osirisCall', async (_source, method: BridgeMethod, payload: unknown) => call(method, payload));
  // Runs in the page before its scripts: the preload's job in Electron, done by Playwright here.
  await page.addInitScript(({ name, methods }) => {
    const page = globalThis as unknown as PageGlobals;
    const listeners = new Set<(event: unknown) => void>();
    const call = page.__osirisCall;
    const bridge: Record<string, unknown> = {
      onProgress(listener: (event: unknown) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    for (const method of methods) bridge[method] = (...args: unknown[]) => call(method, args);
    Object.defineProperty(page, name, { value: Object.freeze(bridge) });
    Object.defineProperty(page, '__osirisProgress', { value: (event: unknown) => { for (const l of listeners) l(event); } });
    page.document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  }, { name: BRIDGE_NAME, methods: BRIDGE_METHOD_NAMES });
  if (options.clock === true) await page.clock.install();
  await page.goto(options.query === undefined ? server.url : `${server.url}?${options.query}`);

  return {
    page,
    service,
    problems,
    finished: () => finishCount,
    faults,
    close: async () => {
      service.stop();
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
