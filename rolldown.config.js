// Bundles for Node-side entry points (pages are Vite's job, vite.config.ts):
// - the `osiris-provision` CLI, CommonJS chunks under dist/cli/. `--check` runs at every boot and
//   must start about as fast as Node itself: CommonJS avoids the ES module loader's start-up cost,
//   and provisioning (zod, yaml, undici) stays in a chunk loaded only when needed;
// - the Electron main process and the sandboxed preload, under dist/electron/, self-contained so the
//   packaged app ships no node_modules (electron-builder.yml).
import { builtinModules } from 'node:module';
import { defineConfig } from 'rolldown';
import pkg from './package.json' with { type: 'json' };

const builtins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const isExternal = (names) => (id) => names.some((name) => id === name || id.startsWith(`${name}/`));

export default defineConfig([
  {
    input: { 'osiris-provision': 'agent-core/src/cli/main.ts' },
    platform: 'node',
    external: isExternal([...builtins, ...Object.keys(pkg.dependencies)]),
    output: {
      dir: 'dist/cli',
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: '[name]-[hash].cjs',
      // Everything the boot-time check touches goes in one file with the entry: one read, one compile.
      codeSplitting: { groups: [{ name: 'osiris-provision', test: /agent-core\/src\/(constants|version|config\/(seal|state)|cli\/(args|io|exit-codes|main))\.ts$/ }] },
    },
  },
  {
    input: { main: 'electron/main/index.ts' },
    platform: 'node',
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
