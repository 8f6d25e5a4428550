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

/** A gray (brightness) image, one byte per pixel. */
export interface GrayFrame {
  readonly gray: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * QR only (Model 1 and 2: plain "QRCode" also admits Micro QR and rMQR, which gave false positives
 * on preprocessed frames), Plain text mode (the default HRI rewrites control bytes), one symbol.
 * No rotated retries (a QR code's finder patterns are found at any angle; the retries serve 1D codes)
 * and no inverted retry of every frame: together they doubled the cost of a frame without a code.
 * A code printed light on dark is still read, by the `invert` extra pass in its turn.
 */
export const READER_OPTIONS: ReaderOptions = {
  formats: ['QRCodeModel1', 'QRCodeModel2'],
  textMode: 'Plain',
  tryHarder: true,
  tryRotate: false,
  tryInvert: false,
  maxNumberOfSymbols: 1,
};

export type ReadFn = (frame: Frame) => Promise<string | undefined>;

export interface DecodeOutcome {
  readonly text?: string;
  /** Which pass found it: 0 the frame as is, then the extra passes in order. */
  readonly pass?: number;
}

/** An extra pass: reads `gray`, writes the frame to decode into `out` (same size) and returns it. */
type Pass = (gray: Uint8Array, width: number, height: number, out: Uint8Array) => Uint8Array;

/**
 * Extra passes tried only on a frame where nothing was found. Cheap tone curves recover washed-out,
 * dark or glare-flattened codes; a local (adaptive) threshold recovers codes in uneven light that
 * global curves miss; inverting reads a code printed light on dark. Heavy filters (CLAHE, unsharp
 * mask) cost 20–90 ms and recovered nothing in measurements (TOOLCHAIN.md), so there are none here.
 */
const EXTRA_PASSES: readonly Pass[] = [stretchContrast, (g, w, h, out) => toneCurve(g, 0.5, out), (g, w, h, out) => toneCurve(g, 2, out), adaptiveThreshold, invert];
export const EXTRA_PASS_COUNT = EXTRA_PASSES.length;

/**
 * The working memory of the passes, kept from frame to frame: a 640×480 frame is 1.2 MB of RGBA, and
 * allocating (and zeroing) it anew for every frame cost as much as the pass itself in Chromium's
 * worker. One decode at a time per instance: decodeFrame awaits each read before reusing them.
 */
export class FrameBuffers {
  #raw = new Uint8Array(0);
  #scaled = new Uint8Array(0);
  #gray = new Uint8Array(0);
  #passed = new Uint8Array(0);
  #rgba = new Uint8ClampedArray(0);

  /** Grayscale of the frame, the pass's output, and the RGBA frame handed to the reader. */
  forPixels(pixels: number): { gray: Uint8Array; passed: Uint8Array; rgba: Uint8ClampedArray } {
    if (this.#gray.length !== pixels) {
      this.#gray = new Uint8Array(pixels);
      this.#passed = new Uint8Array(pixels);
      this.#rgba = new Uint8ClampedArray(pixels * 4);
    }
    return { gray: this.#gray, passed: this.#passed, rgba: this.#rgba };
  }

  /** Room for a camera frame's bytes as they arrive (all its planes). */
  raw(bytes: number): Uint8Array {
    if (this.#raw.length < bytes) this.#raw = new Uint8Array(bytes);
    return this.#raw;
  }

  /** Room for the scaled gray image. */
  scaled(bytes: number): Uint8Array {
    if (this.#scaled.length < bytes) this.#scaled = new Uint8Array(bytes);
    return this.#scaled;
  }
}

/**
 * Decodes a frame as it is, then with extra passes where nothing was found. A still image (the
 * corpus benchmark) gets every pass; a live camera frame gets one, `extraPass`, chosen in turn by the
 * scanner: consecutive frames differ little, so cycling the passes keeps the decode rate while an
 * empty frame costs one decode and one pass instead of five (the per-frame budget is 10 ms).
 */
export async function decodeFrame(frame: Frame, read: ReadFn, extraPass?: number, buffers = new FrameBuffers()): Promise<DecodeOutcome> {
  const direct = await read(frame);
  if (direct !== undefined) return { text: direct, pass: 0 };
  const { gray } = buffers.forPixels(frame.width * frame.height);
  return extraPasses({ gray: toGray(frame, gray), width: frame.width, height: frame.height }, read, extraPass, buffers);
}

/** The same for a gray image (a camera frame's luma): the reader gets it as opaque gray RGBA. */
export async function decodeGray(frame: GrayFrame, read: ReadFn, extraPass?: number, buffers = new FrameBuffers()): Promise<DecodeOutcome> {
  const { rgba } = buffers.forPixels(frame.width * frame.height);
  const direct = await read(fromGray(frame.gray, rgba, frame.width, frame.height));
  if (direct !== undefined) return { text: direct, pass: 0 };
  return extraPasses(frame, read, extraPass, buffers);
}

async function extraPasses(frame: GrayFrame, read: ReadFn, extraPass: number | undefined, buffers: FrameBuffers): Promise<DecodeOutcome> {
  const { width, height, gray } = frame;
  const { passed, rgba } = buffers.forPixels(width * height);
  const passes = extraPass === undefined ? EXTRA_PASSES.map((_, i) => i) : [extraPass % EXTRA_PASSES.length];
  for (const i of passes) {
    const pass = EXTRA_PASSES[i];
    if (pass === undefined) continue;
    const text = await read(fromGray(pass(gray, width, height, passed), rgba, width, height));
    if (text !== undefined) return { text, pass: i + 1 };
  }
  return {};
}

/** Whether this machine stores a 32-bit word's low byte first (every kiosk does): RGBA pixels are then read and written a word at a time. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function wordsOf(bytes: Uint8Array | Uint8ClampedArray): Uint32Array | undefined {
  return LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2) : undefined;
}

/** Integer Rec. 601 luma of each pixel, what the decoder computes itself, into `out`. */
export function toGray(frame: Frame, out: Uint8Array = new Uint8Array(frame.width * frame.height)): Uint8Array {
  const { data } = frame;
  const words = wordsOf(data);
  if (words !== undefined) {
    for (let i = 0; i < out.length; i += 1) {
      const w = words[i] ?? 0;
      out[i] = ((w & 0xff) * 77 + ((w >>> 8) & 0xff) * 150 + ((w >>> 16) & 0xff) * 29) >> 8;
    }
    return out;
  }
  for (let i = 0, p = 0; i < out.length; i += 1, p += 4) out[i] = ((data[p] ?? 0) * 77 + (data[p + 1] ?? 0) * 150 + (data[p + 2] ?? 0) * 29) >> 8;
  return out;
}

/** A gray image as the opaque RGBA frame the reader takes, written into `rgba`. */
function fromGray(gray: Uint8Array, rgba: Uint8ClampedArray, width: number, height: number): Frame {
  const words = wordsOf(rgba);
  if (words !== undefined) {
    for (let i = 0; i < gray.length; i += 1) words[i] = (0xff000000 | ((gray[i] ?? 0) * 0x010101)) >>> 0;
  } else {
    for (let i = 0, p = 0; i < gray.length; i += 1, p += 4) {
      const v = gray[i] ?? 0;
      rgba[p] = v;
      rgba[p + 1] = v;
      rgba[p + 2] = v;
      rgba[p + 3] = 255;
    }
  }
  return { data: rgba, width, height };
}

function mapThrough(gray: Uint8Array, table: Uint8Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < gray.length; i += 1) out[i] = table[gray[i] ?? 0] ?? 0;
  return out;
}

/** Stretches the 2nd–98th percentile of brightness to the full range (low-contrast prints, dim rooms). */
function stretchContrast(gray: Uint8Array, _width: number, _height: number, out: Uint8Array): Uint8Array {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < gray.length; i += 1) {
    const v = gray[i] ?? 0;
    histogram[v] = (histogram[v] ?? 0) + 1;
  }
  const cut = Math.floor(gray.length * 0.02);
  let low = 0;
  for (let seen = 0; low < 255 && seen + (histogram[low] ?? 0) <= cut; low += 1) seen += histogram[low] ?? 0;
  let high = 255;
  for (let seen = 0; high > 0 && seen + (histogram[high] ?? 0) <= cut; high -= 1) seen += histogram[high] ?? 0;
  const span = Math.max(1, high - low);
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v += 1) table[v] = Math.min(255, Math.max(0, Math.round(((v - low) * 255) / span)));
  return mapThrough(gray, table, out);
}

/** Gamma below 1 lifts shadows (a dark phone screen); above 1 deepens highlights (glare). */
function toneCurve(gray: Uint8Array, gamma: number, out: Uint8Array): Uint8Array {
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v += 1) table[v] = Math.round(255 * (v / 255) ** gamma);
  return mapThrough(gray, table, out);
}

/** Light for dark: a code printed light on a dark ground (the reader itself looks for dark on light only). */
function invert(gray: Uint8Array, _width: number, _height: number, out: Uint8Array): Uint8Array {
  for (let i = 0; i < gray.length; i += 1) out[i] = 255 - (gray[i] ?? 0);
  return out;
}

/** A local threshold window of about 60 pixels across a 640-wide frame, and how far below the local mean is dark. */
const WINDOW = 61;
const OFFSET = 7;
/** The integral image, kept between frames of one size (the pass is synchronous: nothing else runs while it is in use). */
let integralOfLastSize = new Uint32Array(0);

/**
 * Black where a pixel is darker than the mean of the window around it (minus a small offset), white
 * elsewhere: a code half in shadow, half in a lamp's light becomes one clean pattern. An integral
 * image makes each window's mean four lookups, so the pass costs the same whatever the window.
 */
export function adaptiveThreshold(gray: Uint8Array, width: number, height: number, out: Uint8Array = new Uint8Array(gray.length)): Uint8Array {
  const stride = width + 1;
  if (integralOfLastSize.length !== stride * (height + 1)) integralOfLastSize = new Uint32Array(stride * (height + 1));
  const integral = integralOfLastSize;
  for (let y = 0; y < height; y += 1) {
    let row = 0;
    for (let x = 0; x < width; x += 1) {
      row += gray[y * width + x] ?? 0;
      integral[(y + 1) * stride + x + 1] = (integral[y * stride + x + 1] ?? 0) + row;
    }
  }
  const half = WINDOW >> 1;
  for (let y = 0; y < height; y += 1) {
    const top = Math.max(0, y - half) * stride;
    const bottom = Math.min(height, y + half + 1) * stride;
    const rows = (bottom - top) / stride;
    for (let x = 0; x < width; x += 1) {
      const left = Math.max(0, x - half);
      const right = Math.min(width, x + half + 1);
      const sum = (integral[bottom + right] ?? 0) - (integral[top + right] ?? 0) - (integral[bottom + left] ?? 0) + (integral[top + left] ?? 0);
      // pixel < mean − OFFSET, in whole numbers: pixel × area < sum − OFFSET × area.
      const area = rows * (right - left);
      out[y * width + x] = (gray[y * width + x] ?? 0) * area < sum - OFFSET * area ? 0 : 255;
    }
  }
  return out;
}
