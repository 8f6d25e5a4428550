import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';
import sharp from 'sharp';

const WIDTH = 640;
const HEIGHT = 480;
const FRAMES = 10;
/** How much of the frame's height a code held up to the camera fills. */
const CODE_SHARE = 0.6;
const PAPER = 200;

/**
 * A Y4M video for Chromium's fake camera (--use-file-for-fake-video-capture) showing a QR code of
 * `text` (or a plain grey picture, when text is undefined): white paper with a little noise, the
 * code centred, as held up to a camera.
 */
export async function writeQrVideo(path: string, text: string | undefined): Promise<void> {
  const luma = Buffer.alloc(WIDTH * HEIGHT, PAPER);
  if (text !== undefined) {
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const scale = Math.floor(Math.min(WIDTH, HEIGHT) * CODE_SHARE / (size + 8));
    const side = (size + 8) * scale;
    const left = Math.floor((WIDTH - side) / 2);
    const top = Math.floor((HEIGHT - side) / 2);
    for (let y = 0; y < side; y += 1) {
      for (let x = 0; x < side; x += 1) {
        const mx = Math.floor(x / scale) - 4;
        const my = Math.floor(y / scale) - 4;
        const dark = mx >= 0 && my >= 0 && mx < size && my < size && qr.modules.get(my, mx) === 1;
        luma[(top + y) * WIDTH + left + x] = dark ? 30 : 235;
      }
    }
  }
  await writeLumaVideo(path, luma);
}

/**
 * The same, showing an image (a screenshot of a QR code on a page): grey, scaled to fill
 * CODE_SHARE of the frame's height, centred on paper. The camera sees what the page drew.
 */
export async function writeImageVideo(path: string, image: Buffer): Promise<void> {
  const side = Math.round(HEIGHT * CODE_SHARE);
  const picture = await sharp(image).flatten({ background: '#ffffff' }).greyscale().resize(side, side, { fit: 'contain', background: '#ffffff', kernel: 'nearest' }).raw().toBuffer();
  const luma = Buffer.alloc(WIDTH * HEIGHT, PAPER);
  const left = Math.floor((WIDTH - side) / 2);
  const top = Math.floor((HEIGHT - side) / 2);
  for (let y = 0; y < side; y += 1) picture.copy(luma, (top + y) * WIDTH + left, y * side, (y + 1) * side);
  await writeLumaVideo(path, luma);
}

/** Y4M 4:2:0: the grey picture as luma, neutral chroma, a few identical frames (Chromium loops the file). */
async function writeLumaVideo(path: string, luma: Buffer): Promise<void> {
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  const frames: Buffer[] = [header];
  for (let f = 0; f < FRAMES; f += 1) frames.push(Buffer.from('FRAME\n'), luma, chroma);
  await writeFile(path, Buffer.concat(frames));
}
