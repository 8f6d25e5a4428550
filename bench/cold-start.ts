import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
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

const WARM_UP_RUNS = 200;

/** The calls of one provisioning run, straight over HTTP: claim, status, settings, final status. */
async function provisionOverHttp(base: string, code: string): Promise<void> {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<Record<string, unknown>> => {
    const response = await request(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.body.json()) as Record<string, unknown>;
    if (response.statusCode !== 200) throw new Error(`warm-up ${path}: ${response.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
  const claim = await call('POST', '/api/provision/claim', { provision_code: code, mac_address: '84:3A:5B:91:B6:61', hostname: 'warm-up' });
  const key = String(claim.api_key);
  const applianceId = String(claim.appliance_id);
  await call('POST', '/api/provision/status', { appliance_id: applianceId, status: 'configuring', progress_percent: 75 }, key);
  await call('GET', `/api/provision/config/${encodeURIComponent(applianceId)}`, undefined, key);
  await call('POST', '/api/provision/status', { appliance_id: applianceId, status: 'active', progress_percent: 100 }, key);
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
    const warmCodes = Array.from({ length: WARM_UP_RUNS }, (_, i) => ({ code: `WARM${String(i).padStart(12, '0')}`, partner: 'nepa-it', client_name: `Warm-up ${i}`, status: 'pending' as const }));
    const server = await startServer({ fixture: { ...defaultFixture(), codes: [...codes, ...warmCodes] }, rateLimit: false });
    // A backend that has served before, as Central Command has: the mock's own JIT warm-up (its first
    // claims take 5-10 ms, then ~1) is not the clients' weight, and would be counted against both.
    for (const { code } of warmCodes) await provisionOverHttp(server.url, code);
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
