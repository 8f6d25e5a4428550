import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/**
 * Builds the partner dashboard (mock-server/dashboard/) into dist/dashboard, served by the mock
 * server at /dashboard/ (`npm run build` runs this after the wizard's vite.config.ts). Paths are
 * relative to the repository root, where npm runs the build. Nothing is inlined: the page's CSP
 * allows its own files and no data: URIs.
 */
export default defineConfig({
  root: 'mock-server/dashboard',
  base: '/dashboard/',
  plugins: [svelte()],
  build: {
    outDir: '../../dist/dashboard',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
});
