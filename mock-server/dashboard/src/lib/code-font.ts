import fontUrl from '@fontsource/atkinson-hyperlegible-mono/files/atkinson-hyperlegible-mono-latin-700-normal.woff2?url';

/**
 * The kiosk's face for codes (slashed zero; I and 1, O and 0 distinct), so the code a partner reads
 * out or prints looks like the one the technician types. From the page's own origin, woff2 only.
 */
const CODE_FONT_FAMILY = 'Atkinson Hyperlegible Mono';
const CODE_FONT_WEIGHT = '700';

export function loadCodeFont(): void {
  const face = new FontFace(CODE_FONT_FAMILY, `url(${fontUrl}) format('woff2')`, { weight: CODE_FONT_WEIGHT, display: 'block' });
  document.fonts.add(face);
  // A font that fails to load leaves the monospace fallback: say so, do not stop.
  face.load().catch((err: unknown) => {
    console.warn('code font not loaded:', err);
  });
}
