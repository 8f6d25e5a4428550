import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../mock-server/src/server.js';
import { CHROMIUM, CHROMIUM_ARGS, openKiosk, RENDERER_DIST } from '../test-support/kiosk-harness.js';
import { INTERACTIVE_MARK } from '../renderer/src/lib/timing.js';
import { serveRenderer } from '../test-support/static-server.js';
import { writeQrVideo } from '../test-support/y4m.js';
import { median } from './stats.js';
import { workerTimings, type WorkerTimings } from './worker-timing.js';

/** Bytes as shipped: raw (what Electron reads from the asar, uncompressed) and gzip (what a web server would send). */
export interface Size {
  readonly raw: number;
  readonly gzip: number;
}

export interface KioskResult {
  readonly initialJs: Size;
  readonly css: Size;
  readonly wasm: Size;
  /** Cold first navigation of a fresh browser to the wizard, to its Welcome screen ready for a tap (its INTERACTIVE_MARK). */
  readonly interactiveMs: number;
  /** The same, for a trivial document from the same server, to its load event's end: like with like. */
  readonly blankPageMs: number;
  readonly worker: WorkerTimings;
  readonly scanToConfirmMs: number;
}

/** What the kiosk ships and how fast it is in headless Chromium here. */
export async function measureKiosk(rounds: number): Promise<KioskResult> {
  const html = await readFile(join(RENDERER_DIST, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
  const assets = (await readdir(join(RENDERER_DIST, 'assets'))).map((a) => `assets/${a}`);
  const size = async (files: readonly string[]): Promise<Size> => {
    const bytes = await Promise.all(files.map((f) => readFile(join(RENDERER_DIST, f))));
    return { raw: bytes.reduce((a, b) => a + b.length, 0), gzip: bytes.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0) };
  };
  const worker = assets.find((a) => a.startsWith('assets/decoder.worker-'));
  if (worker === undefined) throw new Error('decoder worker not found in the build');

  const dir = await mkdtemp(join(tmpdir(), 'osiris-bench-kiosk-'));
  const backend = await startServer({ rateLimit: false });
  const pages = await serveRenderer(RENDERER_DIST);
  try {
    const video = join(dir, 'camera.y4m');
    await writeQrVideo(video, 'ABCD1234EFGH5678');
    const interactive: number[] = [];
    const blank: number[] = [];
    const scans: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      blank.push(await coldNavigation(new URL('favicon.svg', pages.url).href, dir, round));
      const kiosk = await openKiosk({ service: { apiEndpoint: backend.url, stateDir: join(dir, `s${round}`) }, camera: { kind: 'video', file: video } });
      try {
        const page = kiosk.page;
        await page.waitForSelector('main[data-screen="welcome"] button.primary');
        // The wizard's own mark, in the page's clock: no test driver's round trip in the figure.
        const mark = await page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime, INTERACTIVE_MARK);
        if (mark === undefined) throw new Error(`the wizard set no ${INTERACTIVE_MARK} mark`);
        interactive.push(mark);
        const started = Date.now();
        await page.getByRole('button', { name: 'Scan QR code' }).click();
        await page.waitForSelector('main[data-screen="confirm"]', { timeout: 20_000 });
        scans.push(Date.now() - started);
      } finally {
        await kiosk.close();
      }
    }
    const timings = await workerTimings(worker);
    return {
      initialJs: await size(initial),
      css: await size(assets.filter((a) => a.endsWith('.css'))),
      wasm: await size(assets.filter((a) => a.endsWith('.wasm'))),
      interactiveMs: median(interactive),
      blankPageMs: median(blank),
      worker: timings,
      scanToConfirmMs: median(scans),
    };
  } finally {
    await pages.close();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh browser's first navigation to `url`: time from navigation start to the load event's end. */
async function coldNavigation(url: string, dir: string, round: number): Promise<number> {
  const context = await chromium.launchPersistentContext(join(dir, `blank-${round}`), { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    // The end of its load event, in the page's clock: like the wizard's mark, no driver latency.
    return await page.evaluate(() => {
      // Runs in the page; typed here without the DOM lib.
      const timing = (globalThis as unknown as { performance: { getEntriesByType(type: string): { loadEventEnd: number }[] } }).performance;
      return timing.getEntriesByType('navigation')[0]?.loadEventEnd ?? Number.NaN;
    });
  } finally {
    await context.close();
  }
}
