import type { ReaderOptions } from 'zxing-wasm/reader';

/**
 * The QR decode pipeline, shared by the kiosk's worker and `npm run bench:qr`: the same reader
 * options and the same preprocessing, so what the benchmark measures is what the kiosk does.
 */

/** An RGBA frame (ImageData's shape; plain objects work in Node). */
export interface Frame {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/**
 * QR only (Model 1 and 2: plain "QRCode" also admits Micro QR and rMQR, which gave false positives
 * on preprocessed frames), Plain text mode (the default HRI rewrites control bytes), one symbol.
 */
export const READER_OPTIONS: ReaderOptions = {
  formats: ['QRCodeModel1', 'QRCodeModel2'],
  textMode: 'Plain',
  tryHarder: true,
  maxNumberOfSymbols: 1,
};

export type ReadFn = (frame: Frame) => Promise<string | undefined>;

export interface DecodeOutcome {
  readonly text?: string;
  /** Which pass found it: 0 the frame as is, then the extra passes in order. */
  readonly pass?: number;
}

type Pass = (gray: Uint8Array, width: number, height: number) => Uint8Array;

/**
 * Extra passes tried only on a frame where nothing was found. Cheap tone curves recover washed-out,
 * dark or glare-flattened codes; a local (adaptive) threshold recovers codes in uneven light that
 * global curves miss; heavy filters (CLAHE, unsharp mask) cost 20–90 ms and recovered nothing in
 * measurements (TOOLCHAIN.md), so there are none here.
 */
const EXTRA_PASSES: readonly Pass[] = [stretchContrast, (g) => toneCurve(g, 0.5), (g) => toneCurve(g, 2), adaptiveThreshold];
export const EXTRA_PASS_COUNT = EXTRA_PASSES.length;

/**
 * Decodes a frame as it is, then with extra passes where nothing was found. A still image (the
 * corpus benchmark) gets every pass; a live camera frame gets one, `extraPass`, chosen in turn by the
 * scanner: consecutive frames differ little, so cycling the passes keeps the decode rate while an
 * empty frame costs one decode and one pass instead of four (the per-frame budget is 10 ms).
 */
export async function decodeFrame(frame: Frame, read: ReadFn, extraPass?: number): Promise<DecodeOutcome> {
  const direct = await read(frame);
  if (direct !== undefined) return { text: direct, pass: 0 };
  const gray = toGray(frame);
  const passes = extraPass === undefined ? EXTRA_PASSES.map((_, i) => i) : [extraPass % EXTRA_PASSES.length];
  for (const i of passes) {
    const pass = EXTRA_PASSES[i];
    if (pass === undefined) continue;
    const text = await read(fromGray(pass(gray, frame.width, frame.height), frame.width, frame.height));
    if (text !== undefined) return { text, pass: i + 1 };
  }
  return {};
}

export function toGray(frame: Frame): Uint8Array {
  const { data } = frame;
  const gray = new Uint8Array(frame.width * frame.height);
  for (let i = 0, p = 0; i < gray.length; i += 1, p += 4) {
    // Integer Rec. 601 luma: what the decoder computes itself.
    gray[i] = ((data[p] ?? 0) * 77 + (data[p + 1] ?? 0) * 150 + (data[p + 2] ?? 0) * 29) >> 8;
  }
  return gray;
}

function fromGray(gray: Uint8Array, width: number, height: number): Frame {
  const data = new Uint8ClampedArray(gray.length * 4);
  for (let i = 0, p = 0; i < gray.length; i += 1, p += 4) {
    const v = gray[i] ?? 0;
    data[p] = v;
    data[p + 1] = v;
    data[p + 2] = v;
    data[p + 3] = 255;
  }
  return { data, width, height };
}

/** Stretches the 2nd–98th percentile of brightness to the full range (low-contrast prints, dim rooms). */
function stretchContrast(gray: Uint8Array): Uint8Array {
  const histogram = new Uint32Array(256);
  for (const v of gray) histogram[v] = (histogram[v] ?? 0) + 1;
  const cut = Math.floor(gray.length * 0.02);
  let low = 0;
  for (let seen = 0; low < 255 && seen + (histogram[low] ?? 0) <= cut; low += 1) seen += histogram[low] ?? 0;
  let high = 255;
  for (let seen = 0; high > 0 && seen + (histogram[high] ?? 0) <= cut; high -= 1) seen += histogram[high] ?? 0;
  const span = Math.max(1, high - low);
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v += 1) table[v] = Math.min(255, Math.max(0, Math.round(((v - low) * 255) / span)));
  return gray.map((v) => table[v] ?? v);
}

/** Gamma below 1 lifts shadows (a dark phone screen); above 1 deepens highlights (glare). */
function toneCurve(gray: Uint8Array, gamma: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v += 1) table[v] = Math.round(255 * (v / 255) ** gamma);
  return gray.map((v) => table[v] ?? v);
}

/** A local threshold window of about 60 pixels across a 640-wide frame, and how far below the local mean is dark. */
const WINDOW = 61;
const OFFSET = 7;

/**
 * Black where a pixel is darker than the mean of the window around it (minus a small offset), white
 * elsewhere: a code half in shadow, half in a lamp's light becomes one clean pattern. An integral
 * image makes each window's mean four lookups, so the pass costs the same whatever the window.
 */
export function adaptiveThreshold(gray: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width + 1;
  const integral = new Uint32Array(stride * (height + 1));
  for (let y = 0; y < height; y += 1) {
    let row = 0;
    for (let x = 0; x < width; x += 1) {
      row += gray[y * width + x] ?? 0;
      integral[(y + 1) * stride + x + 1] = (integral[y * stride + x + 1] ?? 0) + row;
    }
  }
  const half = WINDOW >> 1;
  const out = new Uint8Array(gray.length);
  for (let y = 0; y < height; y += 1) {
    const top = Math.max(0, y - half);
    const bottom = Math.min(height, y + half + 1);
    for (let x = 0; x < width; x += 1) {
      const left = Math.max(0, x - half);
      const right = Math.min(width, x + half + 1);
      const sum = (integral[bottom * stride + right] ?? 0) - (integral[top * stride + right] ?? 0) - (integral[bottom * stride + left] ?? 0) + (integral[top * stride + left] ?? 0);
      const mean = sum / ((bottom - top) * (right - left));
      out[y * width + x] = (gray[y * width + x] ?? 0) < mean - OFFSET ? 0 : 255;
    }
  }
  return out;
}
