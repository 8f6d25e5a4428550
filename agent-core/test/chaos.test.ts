import { describe, expect, it } from 'vitest';
import { chaosRun, type ChaosOutcome } from '../../test-support/chaos.js';

/** Bounded here; `npm run chaos -- --runs 300` runs the long version. */
const RUNS = 40;

describe('chaos: provisioning under random backend faults and random power cuts', () => {
  it(`loses no claim silently, leaves no partial config and no stray file, over ${RUNS} appliances`, async () => {
    const outcomes: ChaosOutcome[] = [];
    for (let seed = 1; seed <= RUNS; seed += 1) outcomes.push(await chaosRun(seed));
    const bad = outcomes.map((o, i) => ({ seed: i + 1, o })).filter(({ o }) => typeof o === 'object');
    expect(bad).toEqual([]);
    // The runs are meant to exercise every outcome, not only the happy one.
    expect(outcomes).toContain('provisioned');
    expect(outcomes.filter((o) => o === 'provisioned').length).toBeGreaterThan(RUNS / 2);
  }, 240_000);
});
