import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';

const WIDTH = 640;
const HEIGHT = 480;
const FRAMES = 10;

/**
 * A Y4M video for Chromium's fake camera (--use-file-for-fake-video-capture) showing a QR code of
 * `text` (or a plain grey picture, when text is undefined): white paper with a little noise, the
 * code centred, as held up to a camera.
 */
export async function writeQrVideo(path: string, text: string | undefined): Promise<void> {
  const luma = Buffer.alloc(WIDTH * HEIGHT, 200);
  if (text !== undefined) {
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const scale = Math.floor(Math.min(WIDTH, HEIGHT) * 0.6 / (size + 8));
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
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  const frames: Buffer[] = [header];
  for (let f = 0; f < FRAMES; f += 1) frames.push(Buffer.from('FRAME\n'), luma, chroma);
  await writeFile(path, Buffer.concat(frames));
}
