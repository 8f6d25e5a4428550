import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
let prepared: Promise<unknown> | undefined;

/** The text of the QR code in an image file (a screenshot), read by zxing-wasm from its own .wasm (never its CDN default). */
export async function readQrImage(path: string): Promise<string | undefined> {
  prepared ??= readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).then((wasm) =>
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }, fireImmediately: true }),
  );
  await prepared;
  const results = await readBarcodes(new Uint8Array(await readFile(path)), { formats: ['QRCode'], textMode: 'Plain' });
  return results.find((r) => r.isValid)?.text;
}
