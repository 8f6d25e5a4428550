import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, RENDERER_DIST } from '../test-support/kiosk-harness.js';
import { serveRenderer } from '../test-support/static-server.js';
import { writeQrVideo, writeSceneVideo, type VideoSize } from '../test-support/y4m.js';
import { median } from './stats.js';

/** Per-frame cost of the kiosk's scanning path, capture to result, in the real decoder worker. */
export interface WorkerTimings {
  /** A frame holding a code: taken from the playing camera, transferred, read, decoded, answered. */
  readonly hitMs: number;
  /** A frame with nothing in it (the camera sees a room): the same, with the extra pass of the turn. */
  readonly emptyMs: number;
  /** The worker's own time for an empty frame (reading the picture and decoding). */
  readonly emptyDecodeMs: number;
  /** What a frame costs the main thread (the UI's thread): taking the picture and posting it. */
  readonly mainThreadMs: number;
}

/** What a kiosk camera gives: the scanner asks for 1280 × 720. */
const CAMERA: VideoSize = { width: 1280, height: 720 };
const FRAMES = 40;

/**
 * Chromium's fake camera plays a video (a code held up, or a room), and the page does what the
 * scanner does: a VideoFrame of the playing video, transferred to the real worker, answered; timed
 * end to end, many frames of each kind.
 */
export async function workerTimings(workerFile: string): Promise<WorkerTimings> {
  const dir = await mkdtemp(join(tmpdir(), 'osiris-bench-worker-'));
  const pages = await serveRenderer(RENDERER_DIST);
  try {
    const code = join(dir, 'code.y4m');
    const room = join(dir, 'room.y4m');
    await writeQrVideo(code, 'osiris://ABCD1234EFGH5678', CAMERA);
    await writeSceneVideo(room, CAMERA);
    const url = new URL(workerFile, pages.url).href;
    const hits = await framesThroughWorker(code, url, true);
    const empties = await framesThroughWorker(room, url, false);
    return { hitMs: median(hits.wall), emptyMs: median(empties.wall), emptyDecodeMs: median(empties.worker), mainThreadMs: median([...hits.main, ...empties.main]) };
  } finally {
    await pages.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function framesThroughWorker(video: string, workerUrl: string, expectText: boolean): Promise<{ wall: number[]; worker: number[]; main: number[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const page = await browser.newPage();
    // An empty document of the wizard's origin (the worker script is same-origin only).
    const blank = new URL('/bench-blank.html', workerUrl).href;
    await page.route(blank, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>worker timing</title>' }));
    await page.goto(blank);
    return await page.evaluate(async ({ url, frames, expect, size }) => {
      // Runs in the page; typed here without the DOM lib.
      interface PageWorker { onmessage: ((e: { data: { ms: number; text?: string; kind: string; message?: string } }) => void) | null; postMessage(m: unknown, t: unknown[]): void; terminate(): void }
      interface Video { srcObject: unknown; muted: boolean; play(): Promise<void> }
      const scope = globalThis as unknown as {
        Worker: new (url: string, options: { type: 'module' }) => PageWorker;
        VideoFrame: new (source: Video) => object;
        document: { createElement(tag: 'video'): Video };
        navigator: { mediaDevices: { getUserMedia(c: unknown): Promise<unknown> } };
      };
      const video = scope.document.createElement('video');
      video.muted = true;
      video.srcObject = await scope.navigator.mediaDevices.getUserMedia({ video: { width: { ideal: size.width }, height: { ideal: size.height } } });
      await video.play();
      const worker = new scope.Worker(url, { type: 'module' });
      const wall: number[] = [];
      const inWorker: number[] = [];
      const main: number[] = [];
      for (let i = 0; i <= frames; i += 1) {
        const started = performance.now();
        const frame = new scope.VideoFrame(video);
        const reply = await new Promise<{ ms: number; text?: string; kind: string; message?: string }>((resolve) => {
          worker.onmessage = (e) => { resolve(e.data); };
          worker.postMessage({ id: i, frame }, [frame]);
          main.push(performance.now() - started);
        });
        if (reply.kind !== 'result') throw new Error(`the worker failed: ${reply.message ?? ''}`);
        if ((reply.text !== undefined) !== expect) throw new Error(expect ? 'the worker missed the code' : 'the worker found a code in a room');
        // Frame 0 loads and compiles the wasm: not a frame's cost.
        if (i > 0) {
          wall.push(performance.now() - started);
          inWorker.push(reply.ms);
        }
        // The scanner takes at most one frame per 100 ms; the camera plays at 10 frames a second.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      worker.terminate();
      return { wall, worker: inWorker, main: main.slice(1) };
    }, { url: workerUrl, frames: FRAMES, expect: expectText, size: CAMERA });
  } finally {
    await browser.close();
  }
}
