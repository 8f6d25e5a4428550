import { correction, generate } from 'lean-qr';
import { toSvgPath } from 'lean-qr/extras/svg';

/** White modules around the code: the QR standard asks for four, and scanners find the code by them. */
export const QUIET_ZONE = 4;

export interface QrShape {
  /** Modules across, quiet zone excluded. */
  readonly size: number;
  /** One SVG path drawing every dark module (outlines merged, so it scales without seams). */
  readonly path: string;
}

/**
 * A QR code drawn here, in the page (lean-qr: ~4 KB gzipped, no dependencies, a module bitmap and an
 * SVG path out). Error correction M, as phone and kiosk cameras read it reliably off a screen or a label.
 */
export function qrShape(text: string): QrShape {
  const code = generate(text, { minCorrectionLevel: correction.M });
  return { size: code.size, path: toSvgPath(code) };
}
