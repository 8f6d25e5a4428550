import fontUrl from '@fontsource/atkinson-hyperlegible-mono/files/atkinson-hyperlegible-mono-latin-700-normal.woff2?url';

/**
 * The face for codes, MACs and site IDs (slashed zero; I and 1 distinct), loaded from the app's own
 * origin. Registered from script with the woff2 file alone: Chromium needs no fallback format, so
 * the package ships one font file.
 */
export const CODE_FONT_FAMILY = 'Atkinson Hyperlegible Mono';
const CODE_FONT_WEIGHT = '700';

export function loadCodeFont(): void {
  const face = new FontFace(CODE_FONT_FAMILY, `url(${fontUrl}) format('woff2')`, { weight: CODE_FONT_WEIGHT, display: 'block' });
  document.fonts.add(face);
  // A font that fails to load leaves the monospace fallback (still slashed-zero): say so, do not stop.
  face.load().catch((err: unknown) => {
    console.warn('code font not loaded:', err);
  });
}
