/// <reference lib="webworker" />
/**
 * The QR decoder, off the main thread: camera frames arrive as they are (VideoFrame, transferred),
 * and the picture is read, scaled and decoded here. zxing-wasm's .wasm is bundled and loaded from
 * the app's own origin (never the CDN it defaults to: appliances may be offline or filtered), the
 * first time a frame arrives.
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { grayOfVideoFrame } from './gray';
import type { DecodeReply, DecodeRequest } from './messages';
import { decodeGray, EXTRA_PASS_COUNT, FrameBuffers, READER_OPTIONS, type Frame } from './pipeline';

declare const self: DedicatedWorkerGlobalScope;

let prepared: Promise<unknown> | undefined;
/** Which extra pass the next empty frame gets: they take turns (see decodeFrame). */
let nextPass = 0;
const buffers = new FrameBuffers();

async function read(frame: Frame): Promise<string | undefined> {
  // zxing-wasm reads any {data, width, height}: no copy into a new ImageData.
  const results = await readBarcodes(frame as ImageData, READER_OPTIONS);
  return results.find((r) => r.isValid)?.text;
}

self.onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const { id, frame } = event.data;
  try {
    const started = performance.now();
    // Read first: the frame is closed (its camera buffer given back) whatever happens next.
    const picture = await grayOfVideoFrame(frame, buffers);
    prepared ??= prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, self.location.href).href : prefix + path) }, fireImmediately: true });
    await prepared;
    const outcome = await decodeGray(picture, read, nextPass, buffers);
    if (outcome.text === undefined) nextPass = (nextPass + 1) % EXTRA_PASS_COUNT;
    const reply: DecodeReply = { id, kind: 'result', ms: performance.now() - started, ...(outcome.text === undefined ? {} : { text: outcome.text }) };
    self.postMessage(reply);
  } catch (err) {
    const reply: DecodeReply = { id, kind: 'error', message: err instanceof Error ? err.message : String(err) };
    self.postMessage(reply);
  }
};
