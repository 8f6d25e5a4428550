import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConfig } from '../agent-core/src/config/write.js';
import { startServer } from '../mock-server/src/server.js';
import { defaultFixture } from '../mock-server/src/fixtures.js';
import { interleave, timeProcess, timeProcessOutput } from './process-timing.js';
import { median } from './stats.js';

const CLI = fileURLToPath(new URL('../../bin/osiris-provision.cjs', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../../bench/reference/provision.py', import.meta.url));
const PYTHON = process.env.OSIRIS_TEST_PYTHON ?? '/usr/bin/python3';
const node = process.execPath;

export interface ColdStartResult {
  readonly baselineMs: number;
  readonly checkProvisionedMs: number;
  readonly checkMissingMs: number;
  readonly provisionMs: number;
  readonly provisionBaselineMs: number;
  /** From the `--json` result line to the process's end: what exiting costs (V8 finishing background work, handles closing). */
  readonly provisionAfterResultMs: number;
  /** The reference Python client (the seed's agent: claim with urllib, config with PyYAML), same backend, same run. */
  readonly referenceMs: number;
}

/** `--check` (both answers) and a full `--provision` against `node -e 0`, measured in one run. */
export async function measureColdStart(rounds: number, provisionRounds: number): Promise<ColdStartResult> {
  const dir = await mkdtemp(join(tmpdir(), 'osiris-bench-'));
  try {
    const provisioned = join(dir, 'provisioned');
    const written = await createConfig(
      { site_id: 'bench-site', appliance_id: 'bench-site-84:3A:5B:91:B6:61', api_key: 'bench-key-0123456789abcdefghijklmnopqrstuvwxyz', partner_info: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions' }, api_endpoint: 'https://api.osiriscare.net', mac_address: '84:3A:5B:91:B6:61', hostname: 'bench' },
      { stateDir: provisioned },
    );
    if (!written.ok) throw new Error(written.error);

    const check = await interleave([
      { name: 'node', run: () => timeProcess(node, ['-e', '0'], 0) },
      { name: 'check-provisioned', run: () => timeProcess(node, [CLI, '--check', '--state-dir', provisioned], 0) },
      { name: 'check-missing', run: () => timeProcess(node, [CLI, '--check', '--state-dir', join(dir, 'empty')], 1) },
    ], rounds);

    const codes = Array.from({ length: 2 * (provisionRounds + 2) }, (_, i) => ({ code: `BENCH${String(i).padStart(11, '0')}`, partner: 'nepa-it', client_name: `Bench Clinic ${i}`, status: 'pending' as const }));
    const server = await startServer({ fixture: { ...defaultFixture(), codes }, rateLimit: false });
    let next = 0;
    const afterResult: number[] = [];
    const provision = await interleave([
      { name: 'node', run: () => timeProcess(node, ['-e', '0'], 0) },
      {
        name: 'provision',
        run: async () => {
          const i = next++;
          const { totalMs, outputMs } = await timeProcessOutput(node, [CLI, '--provision', codes[i]?.code ?? '', '--json', '--api-endpoint', server.url, '--state-dir', join(dir, `p${i}`)], 0);
          afterResult.push(totalMs - outputMs);
          return totalMs;
        },
      },
      {
        name: 'reference',
        run: () => {
          const i = next++;
          return timeProcess(PYTHON, [REFERENCE, codes[i]?.code ?? '', server.url, join(dir, `r${i}`)], 0);
        },
      },
    ], provisionRounds, 1);
    await server.close();

    return {
      baselineMs: median(check.get('node') ?? []),
      checkProvisionedMs: median(check.get('check-provisioned') ?? []),
      checkMissingMs: median(check.get('check-missing') ?? []),
      provisionMs: median(provision.get('provision') ?? []),
      provisionBaselineMs: median(provision.get('node') ?? []),
      provisionAfterResultMs: median(afterResult.slice(1)),
      referenceMs: median(provision.get('reference') ?? []),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
