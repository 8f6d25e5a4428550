import { existsSync } from 'node:fs';

/** The process-level and browser tests run what `npm run build` made; fail early and clearly when it is missing. */
export default function requireBuild(): void {
  for (const built of ['../dist/cli/osiris-provision.cjs', '../dist/wizard/index.html', '../dist/dashboard/index.html']) {
    if (!existsSync(new URL(built, import.meta.url))) {
      throw new Error(`${built.slice(3)} is missing: run \`npm run build\` (npm test does it) before vitest`);
    }
  }
}
