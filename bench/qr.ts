/**
 * `npm run bench:qr -- --corpus DIR [--json]`: the kiosk's decode pipeline (same reader options,
 * same preprocessing, same frame size) over a folder of images listed in DIR/manifest.json as
 * [{ "file", "text" }]. Prints decoded-correct/total, wrong, missed and median/p95 ms per frame,
 * beside zxing-wasm with its default options (the reference ZXing-C++ rate) on the same images.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { decodeFrame, READER_OPTIONS, type Frame } from '../renderer/src/qr/pipeline.js';
import { loadFrame, prepareNodeDecoder, readerWith } from './qr-decoder-node.js';
import { median } from './stats.js';

const ManifestSchema = z.array(z.object({ file: z.string().min(1), text: z.string() }));

interface Score {
  total: number;
  correct: number;
  wrong: number;
  missed: number;
  median_ms: number;
  p95_ms: number;
}

async function score(frames: readonly { frame: Frame; text: string }[], decode: (frame: Frame) => Promise<string | undefined>): Promise<Score> {
  const times: number[] = [];
  let correct = 0;
  let wrong = 0;
  for (const { frame, text } of frames) {
    const started = performance.now();
    const found = await decode(frame);
    times.push(performance.now() - started);
    if (found === text) correct += 1;
    else if (found !== undefined) wrong += 1;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { total: frames.length, correct, wrong, missed: frames.length - correct - wrong, median_ms: round(median(times)), p95_ms: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0) };
}

const { values } = parseArgs({ options: { corpus: { type: 'string', default: 'bench/qr-corpus' }, json: { type: 'boolean' } } });
const dir = values.corpus;
const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
await prepareNodeDecoder();
const frames = await Promise.all(manifest.map(async (entry) => ({ frame: await loadFrame(join(dir, entry.file)), text: entry.text })));

const kioskRead = readerWith(READER_OPTIONS);
// Warm the decoder up once so the first image does not pay for compilation.
await kioskRead(frames[0]?.frame ?? { data: new Uint8ClampedArray(4), width: 1, height: 1 });
const kiosk = await score(frames, async (frame) => (await decodeFrame(frame, kioskRead)).text);

if (values.json === true) {
  process.stdout.write(`${JSON.stringify(kiosk)}\n`);
} else {
  const reference = await score(frames, readerWith({}));
  const line = (name: string, s: Score) =>
    `${name.padEnd(34)} ${String(s.correct).padStart(3)}/${s.total} correct  ${s.wrong} wrong  ${s.missed} missed  median ${s.median_ms.toFixed(2)} ms  p95 ${s.p95_ms.toFixed(2)} ms`;
  process.stdout.write(`QR corpus ${dir}: ${frames.length} images, frames at most 640 px wide\n`);
  process.stdout.write(`${line('kiosk pipeline', kiosk)}\n`);
  process.stdout.write(`${line('zxing-wasm defaults (reference)', reference)}\n`);
  process.stdout.write(`ratio correct: ${(kiosk.correct / Math.max(1, reference.correct)).toFixed(2)}×\n`);
}
