import { describe, expect, it } from 'vitest';
import { scalePlane, type Plane } from '../../src/qr/gray';
import { decodeGray, EXTRA_PASS_COUNT, type Frame } from '../../src/qr/pipeline';

/** A plane of `width` × `height` samples from `at(x, y)`, rows `stride` apart from `offset`; the padding is 255. */
function plane(width: number, height: number, at: (x: number, y: number) => number, stride = width, offset = 0): Plane {
  const bytes = new Uint8Array(offset + stride * height).fill(255);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) bytes[offset + y * stride + x] = at(x, y);
  return { bytes, offset, stride, width, height };
}

describe("a camera frame's luma as the decoder's picture", () => {
  it('halves a wide picture by averaging each 2 × 2 block (rounded), keeping the aspect', () => {
    const p = plane(8, 4, (x, y) => (x % 2) * 10 + y * 3 + (x >> 1));
    const { gray, width, height } = scalePlane(p, 4);
    expect([width, height]).toEqual([4, 2]);
    // Block (0,0): 0, 10, 3, 13 → 6.5 → 7; block (1,0): 1, 11, 4, 14 → 7.5 → 8.
    expect([...gray]).toEqual([7, 8, 9, 10, 13, 14, 15, 16]);
  });

  it('reads rows by their stride from the plane offset, never the padding between them', () => {
    const p = plane(8, 4, () => 40, 12, 5);
    expect([...scalePlane(p, 4).gray]).toEqual(Array.from({ length: 8 }, () => 40));
    expect([...scalePlane(p, 8).gray]).toEqual(Array.from({ length: 32 }, () => 40));
  });

  it('keeps a picture no wider than the limit as it is', () => {
    const p = plane(6, 2, (x, y) => x + 10 * y, 9);
    const { gray, width, height } = scalePlane(p, 640);
    expect([width, height]).toEqual([6, 2]);
    expect([...gray]).toEqual([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
  });

  it('scales by any ratio, each pixel the mean of the samples it covers', () => {
    // 5 across to 2: columns [0, 2) and [2, 5); 3 rows to 1 (aspect kept: round(3 × 2 / 5) = 1).
    const p = plane(5, 3, (x) => [10, 20, 30, 60, 90][x] ?? 0);
    const { gray, width, height } = scalePlane(p, 2);
    expect([width, height]).toEqual([2, 1]);
    expect([...gray]).toEqual([15, 60]);
  });

  it('gives a 1920 × 1080 camera 640 × 360', () => {
    const { width, height, gray } = scalePlane(plane(1920, 1080, () => 128), 640);
    expect([width, height, gray.length]).toEqual([640, 360, 640 * 360]);
    expect(gray.every((v) => v === 128)).toBe(true);
  });

  it('writes into the buffer it is given when it is large enough', () => {
    const out = new Uint8Array(100);
    const { gray } = scalePlane(plane(8, 4, () => 9), 4, out);
    expect(gray.buffer).toBe(out.buffer);
    expect(gray.length).toBe(8);
  });
});

describe('decoding a gray picture', () => {
  it('hands the reader opaque gray RGBA, then one extra pass on a live frame', async () => {
    const reads: Frame[] = [];
    const read = (frame: Frame) => { reads.push({ ...frame, data: frame.data.slice() }); return Promise.resolve(undefined); };
    const gray = Uint8Array.from([0, 100, 200, 255]);
    expect(await decodeGray({ gray, width: 2, height: 2 }, read, EXTRA_PASS_COUNT - 1)).toEqual({});
    expect(reads).toHaveLength(2);
    expect([...(reads[0]?.data ?? [])]).toEqual([0, 0, 0, 255, 100, 100, 100, 255, 200, 200, 200, 255, 255, 255, 255, 255]);
    // The last pass in turn is the inverted picture: a code printed light on dark.
    expect([...(reads[1]?.data ?? [])]).toEqual([255, 255, 255, 255, 155, 155, 155, 255, 55, 55, 55, 255, 0, 0, 0, 255]);
  });

  it('says the frame as it is found the code when it did', async () => {
    const read = () => Promise.resolve('osiris://ABCD1234EFGH5678');
    expect(await decodeGray({ gray: new Uint8Array(4), width: 2, height: 2 }, read, 0)).toEqual({ text: 'osiris://ABCD1234EFGH5678', pass: 0 });
  });
});
