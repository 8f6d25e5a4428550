import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
let prepared: Promise<unknown> | undefined;

/** The text of the QR code in an image (PNG, JPEG…), read by zxing-wasm from the package's own .wasm; undefined when none is found. */
export async function readQr(image: Buffer): Promise<string | undefined> {
  prepared ??= readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).then((wasm) =>
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }, fireImmediately: true }),
  );
  await prepared;
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const frame = { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  const results = await readBarcodes(frame, { formats: ['QRCodeModel1', 'QRCodeModel2'], textMode: 'Plain' });
  return results.find((r) => r.isValid)?.text;
}
