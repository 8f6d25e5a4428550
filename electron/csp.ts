/**
 * The Content-Security-Policy the kiosk's pages are served with (SECURITY.md item 3), once, for the
 * Electron protocol handler and the browser test server alike. The page gets 'self' only (plus
 * blob: images); only the QR decoder worker's script may compile WebAssembly.
 */
const COMMON = [
  "default-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
];

export const PAGE_CSP = [
  ...COMMON,
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
].join('; ');

/** A worker created from a URL takes its CSP from its own response: the decoder needs wasm compilation. */
export const WORKER_CSP = [...COMMON, "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'"].join('; ');

/** Decoder worker bundles are named after their source file by Vite: `assets/decoder.worker-<hash>.js`. */
export function cspFor(path: string): string {
  return /(^|\/)decoder\.worker-[\w-]+\.js$/.test(path) ? WORKER_CSP : PAGE_CSP;
}

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Headers every response from the renderer bundle carries. */
export function securityHeaders(path: string): Record<string, string> {
  return {
    'content-security-policy': cspFor(path),
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}
