import { describe, expect, it } from 'vitest';
import { adaptiveThreshold, decodeFrame, EXTRA_PASS_COUNT, type Frame } from '../../src/qr/pipeline';

const blank = (width: number, height: number): Frame => ({ data: new Uint8ClampedArray(width * height * 4), width, height });

describe('the decode pipeline', () => {
  it('tries every extra pass on a still image, and exactly one (the one given) on a live frame', async () => {
    const reads: Frame[] = [];
    const read = (frame: Frame) => { reads.push(frame); return Promise.resolve(undefined); };
    await decodeFrame(blank(8, 8), read);
    expect(reads).toHaveLength(1 + EXTRA_PASS_COUNT);
    reads.length = 0;
    await decodeFrame(blank(8, 8), read, 2);
    expect(reads).toHaveLength(2);
  });

  it('says which pass found the code', async () => {
    let call = 0;
    const read = () => Promise.resolve((call += 1) === 3 ? 'osiris://ABCD1234EFGH5678' : undefined);
    expect(await decodeFrame(blank(8, 8), read)).toEqual({ text: 'osiris://ABCD1234EFGH5678', pass: 2 });
  });

  it('thresholds locally: dark marks stay black and the background white under light from one side', () => {
    const width = 200;
    const height = 40;
    const gray = new Uint8Array(width * height);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        // A background that brightens from 40 to 240 left to right; marks 30 % darker than it.
        const light = 40 + (200 * x) / width;
        const mark = x % 20 < 6 && y > 10 && y < 30;
        gray[y * width + x] = Math.round(mark ? light * 0.7 : light);
      }
    }
    const out = adaptiveThreshold(gray, width, height);
    const at = (x: number, y: number) => out[y * width + x];
    // A global threshold at the mean (140) would blacken the whole left half, marks and background alike.
    for (const x of [2, 22, 102, 182]) expect(at(x, 20)).toBe(0);
    for (const x of [12, 32, 112, 192]) expect(at(x, 20)).toBe(255);
    expect(at(12, 2)).toBe(255);
  });
});
