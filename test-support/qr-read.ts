import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
let prepared: Promise<unknown> | undefined;

/** The text of the QR code in an image (PNG, JPEG…), read by zxing-wasm from the package's own .wasm; undefined when none is found. */
export async function readQr(image: Uint8Array): Promise<string | undefined> {
  prepared ??= readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).then((wasm) =>
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }, fireImmediately: true }),
  );
  await prepared;
  // zxing-wasm decodes the image file itself: no raw pixels, no DOM ImageData type needed.
  const results = await readBarcodes(new Uint8Array(image), { formats: ['QRCodeModel1', 'QRCodeModel2'], textMode: 'Plain' });
  return results.find((r) => r.isValid)?.text;
}

/** The same, for an image file (a screenshot). */
export async function readQrImage(path: string): Promise<string | undefined> {
  return readQr(await readFile(path));
}
