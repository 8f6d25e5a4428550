import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';
import sharp from 'sharp';

/** A picture size a camera gives: the tests' fake camera is 640 × 480 unless asked otherwise. */
export interface VideoSize {
  readonly width: number;
  readonly height: number;
}

const VGA: VideoSize = { width: 640, height: 480 };
const FRAMES = 10;
/** How much of the frame's height a code held up to the camera fills. */
const CODE_SHARE = 0.6;
const PAPER = 200;

/**
 * A Y4M video for Chromium's fake camera (--use-file-for-fake-video-capture) showing a QR code of
 * `text` (or a plain grey picture, when text is undefined): white paper with a little noise, the
 * code centred, as held up to a camera.
 */
export async function writeQrVideo(path: string, text: string | undefined, video: VideoSize = VGA): Promise<void> {
  const { width, height } = video;
  const luma = Buffer.alloc(width * height, PAPER);
  if (text !== undefined) {
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const scale = Math.floor(Math.min(width, height) * CODE_SHARE / (size + 8));
    const side = (size + 8) * scale;
    const left = Math.floor((width - side) / 2);
    const top = Math.floor((height - side) / 2);
    for (let y = 0; y < side; y += 1) {
      for (let x = 0; x < side; x += 1) {
        const mx = Math.floor(x / scale) - 4;
        const my = Math.floor(y / scale) - 4;
        const dark = mx >= 0 && my >= 0 && mx < size && my < size && qr.modules.get(my, mx) === 1;
        luma[(top + y) * width + left + x] = dark ? 30 : 235;
      }
    }
  }
  await writeLumaVideo(path, luma, video);
}

/**
 * A camera looking at a room, no code in sight: light falling off across the picture, and sensor
 * noise that differs from frame to frame (a flat grey picture would be an unfairly cheap frame).
 */
export async function writeSceneVideo(path: string, size: VideoSize = VGA): Promise<void> {
  const frames: Buffer[] = [];
  let seed = 1;
  for (let f = 0; f < FRAMES; f += 1) {
    const luma = Buffer.alloc(size.width * size.height);
    for (let i = 0; i < luma.length; i += 1) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      luma[i] = 60 + Math.round((140 * (i % size.width)) / size.width) + Math.round((40 * Math.floor(i / size.width)) / size.height) + (seed >>> 28);
    }
    frames.push(luma);
  }
  await writeFrames(path, frames, size);
}

/**
 * The same, showing an image (a screenshot of a QR code on a page): grey, scaled to fill
 * CODE_SHARE of the frame's height, centred on paper. The camera sees what the page drew.
 */
export async function writeImageVideo(path: string, image: Buffer): Promise<void> {
  const { width, height } = VGA;
  const side = Math.round(height * CODE_SHARE);
  const picture = await sharp(image).flatten({ background: '#ffffff' }).greyscale().resize(side, side, { fit: 'contain', background: '#ffffff', kernel: 'nearest' }).raw().toBuffer();
  const luma = Buffer.alloc(width * height, PAPER);
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  for (let y = 0; y < side; y += 1) picture.copy(luma, (top + y) * width + left, y * side, (y + 1) * side);
  await writeLumaVideo(path, luma, VGA);
}

/** Y4M 4:2:0: the grey picture as luma, neutral chroma, a few identical frames (Chromium loops the file). */
async function writeLumaVideo(path: string, luma: Buffer, size: VideoSize): Promise<void> {
  await writeFrames(path, Array.from({ length: FRAMES }, () => luma), size);
}

async function writeFrames(path: string, lumas: readonly Buffer[], size: VideoSize): Promise<void> {
  const chroma = Buffer.alloc((size.width / 2) * (size.height / 2) * 2, 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${size.width} H${size.height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (const luma of lumas) parts.push(Buffer.from('FRAME\n'), luma, chroma);
  await writeFile(path, Buffer.concat(parts));
}
