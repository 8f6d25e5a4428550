import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../mock-server/src/server.js';
import { openKiosk, RENDERER_DIST } from '../test-support/kiosk-harness.js';
import { projectRoot } from '../test-support/paths.js';
import { writeQrVideo } from '../test-support/y4m.js';
import { loadFrame } from './qr-decoder-node.js';
import { median } from './stats.js';

export interface KioskResult {
  readonly initialJsGzipBytes: number;
  readonly cssGzipBytes: number;
  readonly wasmGzipBytes: number;
  readonly interactiveMs: number;
  readonly blankPageMs: number;
  readonly workerDecodeMedianMs: number;
  readonly scanToConfirmMs: number;
}

const CORPUS_FRAME = join(projectRoot(), 'bench', 'qr-corpus', 'clean-0.png');

/** What the kiosk ships and how fast it is in headless Chromium here. */
export async function measureKiosk(rounds: number): Promise<KioskResult> {
  const html = await readFile(join(RENDERER_DIST, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
  const gz = async (file: string) => gzipSync(await readFile(join(RENDERER_DIST, file)), { level: 9 }).length;
  const assets = await readdir(join(RENDERER_DIST, 'assets'));
  const sum = async (files: string[]) => (await Promise.all(files.map(gz))).reduce((a, b) => a + b, 0);
  const initialJsGzipBytes = await sum(initial);
  const cssGzipBytes = await sum(assets.filter((a) => a.endsWith('.css')).map((a) => `assets/${a}`));
  const wasmGzipBytes = await sum(assets.filter((a) => a.endsWith('.wasm')).map((a) => `assets/${a}`));
  const worker = assets.find((a) => a.startsWith('decoder.worker-'));
  if (worker === undefined) throw new Error('decoder worker not found in the build');

  const dir = await mkdtemp(join(tmpdir(), 'osiris-bench-kiosk-'));
  const backend = await startServer({ rateLimit: false });
  try {
    const video = join(dir, 'camera.y4m');
    await writeQrVideo(video, 'ABCD1234EFGH5678');
    const interactive: number[] = [];
    const blank: number[] = [];
    const decodes: number[] = [];
    const scans: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const kiosk = await openKiosk({ service: { apiEndpoint: backend.url, stateDir: join(dir, `s${round}`) }, camera: { kind: 'video', file: video } });
      try {
        const page = kiosk.page;
        await page.waitForSelector('main[data-screen="welcome"] button.primary');
        interactive.push(await page.evaluate(() => performance.now()));
        if (round === 0) decodes.push(...(await workerDecodes(page, `./assets/${worker}`, await loadFrame(CORPUS_FRAME))));
        const rendererUrl = page.url();
        const started = Date.now();
        await page.getByRole('button', { name: 'Scan QR code' }).click();
        await page.waitForSelector('main[data-screen="confirm"]', { timeout: 20_000 });
        scans.push(Date.now() - started);
        // Baseline: the same browser showing a trivial document from the same server.
        await page.goto(new URL('favicon.svg', rendererUrl).href);
        blank.push(await page.evaluate(() => performance.now()));
      } finally {
        await kiosk.close();
      }
    }
    return {
      initialJsGzipBytes,
      cssGzipBytes,
      wasmGzipBytes,
      interactiveMs: median(interactive),
      blankPageMs: median(blank),
      workerDecodeMedianMs: median(decodes),
      scanToConfirmMs: median(scans),
    };
  } finally {
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sends the same 640-wide frame to the real decoder worker 30 times; returns its own per-frame timings. */
async function workerDecodes(page: import('playwright-core').Page, workerUrl: string, frame: { data: Uint8ClampedArray; width: number; height: number }): Promise<number[]> {
  return page.evaluate(async ({ url, pixels, width, height }) => {
    // Runs in the page; typed here without the DOM lib.
    interface PageWorker { onmessage: ((e: { data: { ms: number; text?: string } }) => void) | null; postMessage(m: unknown, t: unknown[]): void; terminate(): void }
    const scope = globalThis as unknown as { Worker: new (url: string, options: { type: 'module' }) => PageWorker; atob: (s: string) => string };
    const bytes = Uint8ClampedArray.from(scope.atob(pixels), (c) => c.charCodeAt(0));
    const worker = new scope.Worker(url, { type: 'module' });
    const times: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      const copy = bytes.slice().buffer;
      const reply = await new Promise<{ ms: number; text?: string }>((resolve) => {
        worker.onmessage = (e) => { resolve(e.data); };
        worker.postMessage({ id: i, width, height, buffer: copy }, [copy]);
      });
      if (reply.text === undefined) throw new Error('worker did not decode the frame');
      if (i > 0) times.push(reply.ms);
    }
    worker.terminate();
    return times;
  }, { url: workerUrl, pixels: Buffer.from(frame.data).toString('base64'), width: frame.width, height: frame.height });
}
