import type { Page } from 'playwright-core';
import { median } from './stats.js';

/** Per-frame cost in the real decoder worker, capture to result: frames with a code, and frames without one. */
export interface WorkerTimings {
  /** A frame holding a code: read off a canvas, transferred, decoded, answered. */
  readonly hitMs: number;
  /** A frame with nothing in it (the camera sees the room): the same, with the extra pass of the turn. */
  readonly emptyMs: number;
  /** The worker's own decode time for an empty frame. */
  readonly emptyDecodeMs: number;
}

const FRAMES = 40;

/**
 * Runs in the page as the scanner does: the frame is drawn on a canvas, read back (the capture),
 * its buffer transferred to the real worker, decoded there and answered; timed end to end, for a
 * frame with the code and for an empty one (smooth light with sensor noise), many frames each.
 */
export async function workerTimings(page: Page, workerUrl: string, frame: { data: Uint8ClampedArray; width: number; height: number }): Promise<WorkerTimings> {
  const result = await page.evaluate(async ({ url, pixels, width, height, frames }) => {
    // Runs in the page; typed here without the DOM lib.
    interface Ctx { putImageData(d: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } }
    interface PageWorker { onmessage: ((e: { data: { ms: number; text?: string } }) => void) | null; postMessage(m: unknown, t: unknown[]): void; terminate(): void }
    const scope = globalThis as unknown as {
      Worker: new (url: string, options: { type: 'module' }) => PageWorker;
      atob: (s: string) => string;
      OffscreenCanvas: new (w: number, h: number) => { getContext(kind: '2d'): Ctx };
      ImageData: new (data: Uint8ClampedArray, w: number, h: number) => unknown;
    };
    const hit = Uint8ClampedArray.from(scope.atob(pixels), (c) => c.charCodeAt(0));
    const empty = new Uint8ClampedArray(width * height * 4);
    let seed = 1;
    for (let i = 0; i < width * height; i += 1) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const v = 90 + Math.round((i % width) / 8) + (seed >>> 28);
      empty[i * 4] = v;
      empty[i * 4 + 1] = v;
      empty[i * 4 + 2] = v;
      empty[i * 4 + 3] = 255;
    }
    const canvas = new scope.OffscreenCanvas(width, height).getContext('2d');
    const worker = new scope.Worker(url, { type: 'module' });
    const run = async (pixelsOfFrame: Uint8ClampedArray, expectText: boolean) => {
      const wall: number[] = [];
      const decode: number[] = [];
      canvas.putImageData(new scope.ImageData(pixelsOfFrame, width, height), 0, 0);
      for (let i = 0; i <= frames; i += 1) {
        const started = performance.now();
        const captured = canvas.getImageData(0, 0, width, height).data.buffer;
        const reply = await new Promise<{ ms: number; text?: string }>((resolve) => {
          worker.onmessage = (e) => { resolve(e.data); };
          worker.postMessage({ id: i, width, height, buffer: captured }, [captured]);
        });
        if ((reply.text !== undefined) !== expectText) throw new Error(expectText ? 'the worker missed the code' : 'the worker found a code in an empty frame');
        // Frame 0 loads and compiles the wasm: not a frame's cost.
        if (i > 0) {
          wall.push(performance.now() - started);
          decode.push(reply.ms);
        }
      }
      return { wall, decode };
    };
    const hits = await run(hit, true);
    const empties = await run(empty, false);
    worker.terminate();
    return { hit: hits.wall, empty: empties.wall, emptyDecode: empties.decode };
  }, { url: workerUrl, pixels: Buffer.from(frame.data).toString('base64'), width: frame.width, height: frame.height, frames: FRAMES });
  return { hitMs: median(result.hit), emptyMs: median(result.empty), emptyDecodeMs: median(result.emptyDecode) };
}
