import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import type { Frame, ReadFn } from '../renderer/src/qr/pipeline.js';

const require = createRequire(import.meta.url);
/** What the kiosk's scanner does to a camera frame before decoding: at most 640 pixels across. */
export const FRAME_WIDTH = 640;

/** zxing-wasm in Node, loaded from the package's own .wasm (never its CDN default). */
export async function prepareNodeDecoder(): Promise<void> {
  const wasmBinary = await readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  await prepareZXingModule({ overrides: { wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) }, fireImmediately: true });
}

export function readerWith(options: ReaderOptions): ReadFn {
  return async (frame: Frame) => {
    const results = await readBarcodes(frame, options);
    return results.find((r) => r.isValid)?.text;
  };
}

/** Loads an image file (PNG, JPEG, WebP) as the kiosk's frame: RGBA, scaled down to the frame width. */
export async function loadFrame(path: string): Promise<Frame> {
  const { data, info } = await sharp(path).resize({ width: FRAME_WIDTH, withoutEnlargement: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
