/**
 * A camera picture as the decoder's gray image, at most FRAME_WIDTH pixels across. Camera frames
 * arrive as YUV, whose first plane (Y) is the brightness the decoder wants: it is copied out of the
 * frame and scaled down by averaging, in the worker. Reading the picture through a canvas instead
 * (drawImage + getImageData, RGBA) cost 9–30 ms on the main thread per frame in Chromium here,
 * against about 2 ms for the copy.
 */
import { toGray, type FrameBuffers, type GrayFrame } from './pipeline';

/** The decoder sees at most this many pixels across: enough for a code held up to the camera, cheap to decode. */
export const FRAME_WIDTH = 640;

/** Pixel formats whose first plane is full-resolution 8-bit luma (WebCodecs' VideoPixelFormat). */
const LUMA_FIRST: ReadonlySet<string> = new Set(['I420', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12']);

/** One plane of 8-bit samples: `width` × `height` of them, rows `stride` bytes apart from `offset`. */
export interface Plane {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly stride: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The plane scaled to at most `maxWidth` across (aspect kept), each output pixel the mean of the
 * block of samples it covers: averaging keeps a code's module edges that picking one sample in
 * two or three would alias away. Written into `out` when it is large enough.
 */
export function scalePlane(plane: Plane, maxWidth: number, out?: Uint8Array): GrayFrame {
  const width = Math.min(maxWidth, plane.width);
  const height = Math.max(1, Math.round((plane.height * width) / plane.width));
  const gray = out !== undefined && out.length >= width * height ? out.subarray(0, width * height) : new Uint8Array(width * height);
  if (width === plane.width) {
    for (let row = 0; row < height; row += 1) gray.set(plane.bytes.subarray(plane.offset + row * plane.stride, plane.offset + row * plane.stride + width), row * width);
    return { gray, width, height };
  }
  if (plane.width === 2 * width && plane.height >= 2 * height) {
    // Half size, the usual case (1280 × 720 → 640 × 360): each output pixel the mean of 2 × 2.
    for (let y = 0; y < height; y += 1) {
      let top = plane.offset + 2 * y * plane.stride;
      let bottom = top + plane.stride;
      for (let x = 0; x < width; x += 1, top += 2, bottom += 2) {
        gray[y * width + x] = ((plane.bytes[top] ?? 0) + (plane.bytes[top + 1] ?? 0) + (plane.bytes[bottom] ?? 0) + (plane.bytes[bottom + 1] ?? 0) + 2) >> 2;
      }
    }
    return { gray, width, height };
  }
  const xStart = new Uint32Array(width + 1);
  for (let x = 0; x <= width; x += 1) xStart[x] = Math.floor((x * plane.width) / width);
  for (let y = 0; y < height; y += 1) {
    const rowFrom = Math.floor((y * plane.height) / height);
    const rowTo = Math.max(rowFrom + 1, Math.floor(((y + 1) * plane.height) / height));
    for (let x = 0; x < width; x += 1) {
      const from = xStart[x] ?? 0;
      const to = Math.max(from + 1, xStart[x + 1] ?? 0);
      let sum = 0;
      for (let row = rowFrom; row < rowTo; row += 1) {
        const base = plane.offset + row * plane.stride;
        for (let col = from; col < to; col += 1) sum += plane.bytes[base + col] ?? 0;
      }
      gray[y * width + x] = Math.round(sum / ((rowTo - rowFrom) * (to - from)));
    }
  }
  return { gray, width, height };
}

/**
 * The frame's brightness as a gray image at most FRAME_WIDTH across; closes the frame. A frame in a
 * format without a luma plane (RGB from a screen capture, or opaque GPU memory) is drawn on a canvas
 * and converted instead.
 */
export async function grayOfVideoFrame(frame: VideoFrame, buffers: FrameBuffers): Promise<GrayFrame> {
  try {
    const { width, height } = frame.visibleRect ?? { width: frame.displayWidth, height: frame.displayHeight };
    if (frame.format !== null && LUMA_FIRST.has(frame.format)) {
      const bytes = buffers.raw(frame.allocationSize());
      const [luma] = await frame.copyTo(bytes);
      if (luma !== undefined) return scalePlane({ bytes, offset: luma.offset, stride: luma.stride, width, height }, FRAME_WIDTH, buffers.scaled(FRAME_WIDTH * FRAME_WIDTH));
    }
    const scale = Math.min(1, FRAME_WIDTH / width);
    const w = Math.round(width * scale);
    const h = Math.max(1, Math.round(height * scale));
    const context = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
    if (context === null) throw new Error('no 2D canvas in the worker');
    context.drawImage(frame, 0, 0, w, h);
    return { gray: toGray({ data: context.getImageData(0, 0, w, h).data, width: w, height: h }), width: w, height: h };
  } finally {
    frame.close();
  }
}
