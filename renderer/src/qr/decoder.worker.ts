/// <reference lib="webworker" />
/**
 * The QR decoder, off the main thread. zxing-wasm's .wasm is bundled and loaded from the app's own
 * origin (never the CDN it defaults to: appliances may be offline or filtered), the first time a
 * frame arrives.
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { DecodeReply, DecodeRequest } from './messages';
import { decodeFrame, EXTRA_PASS_COUNT, READER_OPTIONS, type Frame } from './pipeline';

declare const self: DedicatedWorkerGlobalScope;

let prepared: Promise<unknown> | undefined;
/** Which extra pass the next empty frame gets: they take turns (see decodeFrame). */
let nextPass = 0;

async function read(frame: Frame): Promise<string | undefined> {
  // zxing-wasm reads any {data, width, height}: no copy into a new ImageData.
  const results = await readBarcodes(frame as ImageData, READER_OPTIONS);
  return results.find((r) => r.isValid)?.text;
}

self.onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const { id, width, height, buffer } = event.data;
  try {
    prepared ??= prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, self.location.href).href : prefix + path) }, fireImmediately: true });
    await prepared;
    const started = performance.now();
    const outcome = await decodeFrame({ data: new Uint8ClampedArray(buffer), width, height }, read, nextPass);
    if (outcome.text === undefined) nextPass = (nextPass + 1) % EXTRA_PASS_COUNT;
    const reply: DecodeReply = { id, kind: 'result', ms: performance.now() - started, ...(outcome.text === undefined ? {} : { text: outcome.text }) };
    self.postMessage(reply);
  } catch (err) {
    const reply: DecodeReply = { id, kind: 'error', message: err instanceof Error ? err.message : String(err) };
    self.postMessage(reply);
  }
};
