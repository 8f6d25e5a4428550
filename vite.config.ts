import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/**
 * Builds the kiosk wizard (renderer/) and nothing else. Assets are never inlined as data: URIs
 * (the CSP allows no data: scripts, and the decoder's wasm must be a file loaded lazily), and the
 * QR worker is an ES module worker so it can import zxing-wasm.
 */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/wizard',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'chrome130',
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
  worker: { format: 'es' },
});
