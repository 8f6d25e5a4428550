/**
 * Real brand colours (as published by the brands), chosen to cover what partners send: saturated
 * mid-tones where a fixed luminance switch picked unreadable white text, near-white, near-black and
 * the page's own colour. Shared by the unit tests of lib/colors.ts and the Chromium test.
 */
export const BRAND_PALETTE: readonly { readonly name: string; readonly color: string }[] = [
  { name: 'Tailwind emerald', color: '#10B981' },
  { name: 'Tailwind cyan', color: '#06B6D4' },
  { name: 'Tailwind teal', color: '#14B8A6' },
  { name: 'Tailwind orange', color: '#F97316' },
  { name: 'Tailwind red', color: '#EF4444' },
  { name: 'Spotify green', color: '#1DB954' },
  { name: 'Amazon orange', color: '#FF9900' },
  { name: 'Netflix red', color: '#E50914' },
  { name: 'Facebook blue', color: '#1877F2' },
  { name: 'Twitter blue', color: '#1DA1F2' },
  { name: 'Slack aubergine', color: '#4A154B' },
  { name: 'IKEA yellow', color: '#FFDA1A' },
  { name: 'T-Mobile magenta', color: '#E20074' },
  { name: 'Starbucks green', color: '#00704A' },
  { name: 'near-white', color: '#FAFAFA' },
  { name: 'white', color: '#FFFFFF' },
  { name: 'near-black', color: '#0A0A0A' },
  { name: 'the page itself', color: '#0B1220' },
];

/** WCAG 2 contrast, written out separately from lib/colors.ts so the tests do not grade the code with itself. */
export function wcagContrast(a: readonly [number, number, number], b: readonly [number, number, number]): number {
  const lum = (rgb: readonly [number, number, number]) => {
    const [r, g, bl] = rgb.map((v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

export function hexToRgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}
