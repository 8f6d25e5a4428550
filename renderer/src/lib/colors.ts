const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
export const BRAND_DEFAULT = '#2563EB';

/** A partner colour is used in a style only if it is exactly #RRGGBB; anything else falls back. */
export function safeColor(value: string | undefined): string {
  return value !== undefined && HEX_COLOR.test(value) ? value : BRAND_DEFAULT;
}

/** Black or white text, whichever reads better on the colour (WCAG relative luminance). */
export function textOn(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.4 ? '#0B1220' : '#FFFFFF';
}
