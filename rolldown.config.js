// Bundles the `osiris-provision` CLI into CommonJS chunks under dist/cli/. `--check` runs at every
// boot and must start about as fast as Node itself: one CommonJS file avoids the ES module loader's
// start-up cost, while provisioning (zod, yaml, undici) stays in a chunk loaded only when needed.
import { builtinModules } from 'node:module';
import { defineConfig } from 'rolldown';
import pkg from './package.json' with { type: 'json' };

const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)];

export default defineConfig({
  input: { 'osiris-provision': 'agent-core/src/cli/main.ts' },
  platform: 'node',
  external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
  output: {
    dir: 'dist/cli',
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name]-[hash].cjs',
    // Everything the boot-time check touches goes in one file with the entry: one read, one compile.
    codeSplitting: { groups: [{ name: 'osiris-provision', test: /agent-core\/src\/(constants|version|config\/(seal|state)|cli\/(args|io|exit-codes|main))\.ts$/ }] },
  },
});
