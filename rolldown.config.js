// Bundles for Node-side entry points (pages are Vite's job, vite.config.ts):
// - the `osiris-provision` CLI, CommonJS chunks under dist/cli/. `--check` runs at every boot and
//   must start about as fast as Node itself: CommonJS avoids the ES module loader's start-up cost,
//   and provisioning (zod, yaml, undici) stays in a chunk loaded only when needed. The libraries are
//   bundled in, not loaded from node_modules: a few files instead of ~280 to find, read and compile
//   (bench: about a quarter of a provisioning run's CPU), and only the parts used (undici.ts);
// - the Electron main process and the sandboxed preload, under dist/electron/, self-contained so the
//   packaged app ships no node_modules (electron-builder.yml).
import { writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'rolldown';

const builtins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const isExternal = (names) => (id) => names.some((name) => id === name || id.startsWith(`${name}/`));

/**
 * undici built as Node.js builds its own copy: `esbuildDetection` defined leaves out the experimental
 * Milo parser (its two WebAssembly builds, ~190 KB of every provisioning process's reading), so
 * llhttp — the parser Node.js ships — always parses, whatever UNDICI_USE_MILO says.
 */
const undiciAsNodeBuildsIt = { define: { esbuildDetection: 'true' } };

/** undici's HTTP/1.1 client requires its HTTP/2 client, which loads node:http2 (~25 ms a CLI run): never used, see no-http2.cjs. */
const withoutHttp2 = {
  name: 'osiris-without-http2',
  resolveId(source, importer) {
    if (source === './client-h2.js' && importer?.replaceAll('\\', '/').endsWith('undici/lib/dispatcher/client.js')) {
      return fileURLToPath(new URL('agent-core/src/http/no-http2.cjs', import.meta.url));
    }
    return null;
  },
};

/**
 * Lists the modules each CLI chunk holds in dist/cli.modules.json: the whitespace-free chunks no
 * longer say it themselves, and tests hold the bundle to what it must (not) contain.
 */
const moduleList = {
  name: 'osiris-module-list',
  generateBundle(_options, bundle) {
    const chunks = Object.values(bundle).filter((item) => item.type === 'chunk');
    const list = Object.fromEntries(chunks.map((chunk) => [chunk.fileName, chunk.moduleIds.map((id) => relative(process.cwd(), id).replaceAll('\\', '/'))]));
    writeFileSync('dist/cli.modules.json', `${JSON.stringify(list, null, 1)}\n`);
  },
};

export default defineConfig([
  {
    input: { 'osiris-provision': 'agent-core/src/cli/main.ts' },
    platform: 'node',
    plugins: [withoutHttp2, moduleList],
    transform: undiciAsNodeBuildsIt,
    external: isExternal([...builtins]),
    output: {
      dir: 'dist/cli',
      // Chunk names carry a content hash: without a clean, every build would leave the last one's behind (and the package would ship them).
      cleanDir: true,
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: '[name]-[hash].cjs',
      // Whitespace and comments only — code, names and messages stay as written: a provisioning
      // process reads ~1.2 MB less of them, ~5-12 ms here (`npm run bench`; full minification ~15).
      minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
      // Everything the boot-time check touches goes in one file with the entry: one read, one compile.
      codeSplitting: { groups: [{ name: 'osiris-provision', test: /agent-core\/src\/(constants|version|config\/(seal|state)|cli\/(args|io|exit-codes|main))\.ts$/ }] },
    },
  },
  {
    input: { main: 'electron/main/index.ts' },
    platform: 'node',
    plugins: [withoutHttp2],
    transform: undiciAsNodeBuildsIt,
    external: isExternal([...builtins, 'electron']),
    output: { dir: 'dist/electron', format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
  },
  {
    // A sandboxed preload may require only `electron` (and a few polyfilled built-ins): one file, nothing else.
    input: { preload: 'electron/preload/index.ts' },
    platform: 'node',
    external: ['electron'],
    output: { dir: 'dist/electron', format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
  },
]);
