import { existsSync } from 'node:fs';

const BUILT = { cli: '../dist/cli/osiris-provision.cjs', wizard: '../dist/wizard/index.html', dashboard: '../dist/dashboard/index.html' } as const;

/**
 * The process-level and browser tests run what `npm run build` made; fail early and clearly when it
 * is missing. Vitest's global setup for those projects checks it all; a test that reads only some
 * of it calls requireBuilt with those parts (mutation testing's sandbox builds the CLI alone).
 */
export default function requireBuild(): void {
  requireBuilt(['cli', 'wizard', 'dashboard']);
}

export function requireBuilt(parts: readonly (keyof typeof BUILT)[]): void {
  for (const built of parts.map((part) => BUILT[part])) {
    if (!existsSync(new URL(built, import.meta.url))) {
      throw new Error(`${built.slice(3)} is missing: run \`npm run build\` (npm test does it) before vitest`);
    }
  }
}
