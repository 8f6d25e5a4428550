import { existsSync } from 'node:fs';

/** The process-level tests run the built CLI; fail early and clearly when it is missing. */
export default function requireBuild(): void {
  if (!existsSync(new URL('../dist/cli/osiris-provision.cjs', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it) before vitest');
  }
}
