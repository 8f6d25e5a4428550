/**
 * Builds the QR benchmark corpus (bench/qr-corpus/): provisioning codes as a camera might see them —
 * rotated, blurred, noisy, low-contrast, in perspective, with glare, small — plus QR codes that are
 * not provisioning codes. Deterministic (seeded), small, committed; rerun only to change it:
 *   node dist/scripts/make-qr-corpus.js bench/qr-corpus
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp, { type Sharp } from 'sharp';

const WIDTH = 640;
const HEIGHT = 480;

/** A small deterministic PRNG (mulberry32), so the corpus is the same on every machine. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function code(random: () => number): string {
  return Array.from({ length: 16 }, () => '0123456789ABCDEF'[Math.floor(random() * 16)]).join('');
}

interface Variant {
  readonly name: string;
  readonly size: number;
  readonly apply: (image: Sharp, random: () => number) => Promise<Buffer>;
  readonly format: 'png' | 'jpeg' | 'webp';
}

async function qrImage(text: string, size: number): Promise<Buffer> {
  return QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 4, width: size, color: { dark: '#111111', light: '#f2f2f2' } });
}

function onPaper(qr: Buffer, size: number, random: () => number, paper = 225): Sharp {
  const left = Math.floor(random() * (WIDTH - size));
  const top = Math.floor(random() * (HEIGHT - size));
  return sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: paper, g: paper - 5, b: paper - 12 } } }).composite([{ input: qr, left, top }]);
}

async function noise(random: () => number, amount: number): Promise<Buffer> {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 4);
  for (let i = 0; i < WIDTH * HEIGHT; i += 1) {
    const v = Math.floor(random() * 255);
    pixels.writeUInt32BE(((v << 24) | (v << 16) | (v << 8) | Math.floor(random() * amount)) >>> 0, i * 4);
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } }).png().toBuffer();
}

const glare = Buffer.from(`<svg width="${WIDTH}" height="${HEIGHT}"><defs><radialGradient id="g"><stop offset="0" stop-color="#fff" stop-opacity="0.85"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs><ellipse cx="${WIDTH * 0.45}" cy="${HEIGHT * 0.45}" rx="150" ry="110" fill="url(#g)"/></svg>`);

const VARIANTS: Variant[] = [
  { name: 'clean', size: 280, format: 'png', apply: (i) => i.png().toBuffer() },
  { name: 'small', size: 110, format: 'png', apply: (i) => i.png().toBuffer() },
  { name: 'tiny', size: 84, format: 'jpeg', apply: (i) => i.jpeg({ quality: 80 }).toBuffer() },
  { name: 'rotated', size: 240, format: 'png', apply: async (i, r) => sharp(await i.png().toBuffer()).rotate(10 + r() * 60, { background: '#e0ddd5' }).resize(WIDTH, HEIGHT, { fit: 'cover' }).png().toBuffer() },
  { name: 'blur', size: 260, format: 'jpeg', apply: async (i) => sharp(await i.png().toBuffer()).blur(2.2).jpeg({ quality: 85 }).toBuffer() },
  { name: 'heavy-blur', size: 300, format: 'jpeg', apply: async (i) => sharp(await i.png().toBuffer()).blur(3.6).jpeg({ quality: 85 }).toBuffer() },
  { name: 'noise', size: 240, format: 'jpeg', apply: async (i, r) => sharp(await i.png().toBuffer()).composite([{ input: await noise(r, 110) }]).jpeg({ quality: 70 }).toBuffer() },
  { name: 'low-contrast', size: 260, format: 'webp', apply: async (i) => sharp(await i.png().toBuffer()).linear(0.22, 150).webp({ quality: 85 }).toBuffer() },
  { name: 'dark', size: 260, format: 'jpeg', apply: async (i) => sharp(await i.png().toBuffer()).linear(0.18, 8).jpeg({ quality: 85 }).toBuffer() },
  { name: 'perspective', size: 260, format: 'png', apply: async (i) => sharp(await i.png().toBuffer()).affine([[1, 0.35], [0.12, 0.8]], { background: '#d8d4cc' }).resize(WIDTH, HEIGHT, { fit: 'cover' }).png().toBuffer() },
  { name: 'glare', size: 260, format: 'jpeg', apply: async (i) => sharp(await i.png().toBuffer()).composite([{ input: glare }]).jpeg({ quality: 85 }).toBuffer() },
  { name: 'low-res-jpeg', size: 200, format: 'jpeg', apply: async (i) => sharp(await sharp(await i.png().toBuffer()).resize(Math.round(WIDTH / 3)).jpeg({ quality: 40 }).toBuffer()).resize(WIDTH).jpeg({ quality: 60 }).toBuffer() },
];

const out = process.argv[2] ?? 'bench/qr-corpus';
await mkdir(out, { recursive: true });
const random = rng(20261128);
const manifest: { file: string; text: string }[] = [];
for (const variant of VARIANTS) {
  for (let n = 0; n < 3; n += 1) {
    const value = code(random);
    const text = n === 1 ? `osiriscare://provision?code=${value.replace(/(.{4})(?=.)/g, '$1-')}` : n === 2 ? value.replace(/(.{4})(?=.)/g, '$1-') : value;
    const image = onPaper(await qrImage(text, variant.size), variant.size, random, variant.name === 'dark' ? 120 : 225);
    const file = `${variant.name}-${n}.${variant.format === 'jpeg' ? 'jpg' : variant.format}`;
    await writeFile(join(out, file), await variant.apply(image, random));
    manifest.push({ file, text });
  }
}
// Not provisioning codes: a decoder must read them right; the kiosk then rejects them.
for (const [i, text] of ['https://example.com/menu', 'WIFI:T:WPA;S:clinic;P:secret;;'].entries()) {
  const file = `other-${i}.png`;
  await writeFile(join(out, file), await onPaper(await qrImage(text, 260), 260, random).png().toBuffer());
  manifest.push({ file, text });
}
await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`${manifest.length} images in ${out}\n`);
