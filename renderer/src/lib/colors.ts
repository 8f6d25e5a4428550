/**
 * Partner colours, chosen by computed WCAG 2 contrast: text on a partner colour is whichever of
 * light or dark reads better (never a fixed luminance switch), and a partner-coloured button that
 * would melt into the dark page gets an outline that does not.
 */
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
export const BRAND_DEFAULT = '#2563EB';
/** The page background (styles.css `--bg`). */
export const PAGE_BACKGROUND = '#0B1220';
export const LIGHT_TEXT = '#FFFFFF';
export const DARK_TEXT = '#0B1220';
/** For the few mid-tones (#1877F2) where neither the page's dark nor white reaches 4.5:1. */
export const BLACK_TEXT = '#000000';
/** WCAG 2 AA for normal text. */
export const TEXT_CONTRAST_MIN = 4.5;
/** WCAG 2 non-text contrast: a control against what surrounds it. */
export const BOUNDARY_CONTRAST_MIN = 3;

/** sRGB channel to linear light, per WCAG 2's relative luminance. */
const LINEAR_THRESHOLD = 0.04045;
const LUMINANCE_WEIGHTS = [0.2126, 0.7152, 0.0722] as const;
/** WCAG's flare term added to both luminances. */
const FLARE = 0.05;

/** A partner colour is used in a style only if it is exactly #RRGGBB; anything else falls back. */
export function safeColor(value: string | null | undefined): string {
  return value !== undefined && value !== null && HEX_COLOR.test(value) ? value.toUpperCase() : BRAND_DEFAULT;
}

export function relativeLuminance(hex: string): number {
  let sum = 0;
  for (let i = 0; i < 3; i += 1) {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    const linear = c <= LINEAR_THRESHOLD ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    sum += linear * (LUMINANCE_WEIGHTS[i] ?? 0);
  }
  return sum;
}

/** WCAG contrast ratio, 1 (none) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + FLARE) / (dark + FLARE);
}

/**
 * Light or dark text, whichever has the higher contrast on the colour; pure black when neither
 * reaches 4.5:1 (white or black always does: their contrasts multiply to 21).
 */
export function textOn(hex: string): string {
  const best = (a: string, b: string) => (contrastRatio(hex, a) >= contrastRatio(hex, b) ? a : b);
  const preferred = best(LIGHT_TEXT, DARK_TEXT);
  return contrastRatio(hex, preferred) >= TEXT_CONTRAST_MIN ? preferred : best(LIGHT_TEXT, BLACK_TEXT);
}

export interface PartnerTheme {
  /** The fill: the partner's colour, validated. */
  readonly fill: string;
  /** Text drawn on the fill. */
  readonly text: string;
  /** A border for the fill when the fill alone is not told apart from the page; 'transparent' otherwise. */
  readonly outline: string;
}

/** Everything a screen needs to paint with the partner's colour on the dark page, readable whatever the colour. */
export function partnerTheme(color: string | null | undefined, page: string = PAGE_BACKGROUND): PartnerTheme {
  const fill = safeColor(color);
  const outline = contrastRatio(fill, page) >= BOUNDARY_CONTRAST_MIN ? 'transparent' : textOn(page);
  return { fill, text: textOn(fill), outline };
}
