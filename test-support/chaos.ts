import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigIds } from '../agent-core/src/config/ids.js';
import { readConfigState } from '../agent-core/src/config/state.js';
import { runProvisioningFlow } from '../agent-core/src/flow/flow.js';
import type { FlowResult } from '../agent-core/src/flow/events.js';
import { startServer } from '../mock-server/src/server.js';

import { projectRoot } from './paths.js';

/** The source file, whether this runs from source (the test) or from dist/ (npm run chaos). */
const CHILD = join(projectRoot(), 'test-support', 'crash-child.mjs');
/** Where a power cut may strike: every step and every phase of both writes, or nowhere. */
export const KILL_POINTS = [
  'none', 'none', 'none',
  'step:identity', 'step:prepare', 'step:validate', 'step:claim',
  'phase:journal:created', 'phase:journal:written', 'phase:journal:synced', 'phase:journal:renamed', 'step:journal',
  'phase:config:created', 'phase:config:written', 'phase:config:synced', 'phase:config:renamed', 'step:write-config',
  'step:report-status', 'step:fetch-config',
];
const MAX_RERUNS = 4;

/** How one appliance's provisioning ended, after a crash and as many reruns as a technician would make. */
export type ChaosOutcome =
  /** Config complete with the key the server issued, finished marker, nothing else left. */
  | 'provisioned'
  /** Never provisioned, and the server never consumed the code: nothing lost. */
  | 'unclaimed'
  /** The server consumed the code but the answer died before it was saved — and the appliance said exactly that. */
  | 'lost-and-reported'
  /** Anything else: a silent loss, a partial or unloadable config, a stray file. Must never happen. */
  | { readonly bad: string };

/** A tiny seeded generator (mulberry32): a chaos run is reproducible from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The first attempt, in a child process killed at `point`; it must die there (or finish, for "none"), never fail to start. */
function killAt(endpoint: string, stateDir: string, code: string, point: string, mac: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, endpoint, stateDir, code, point, mac], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      if (signal === 'SIGKILL' || (point === 'none' && status === 0) || (status === 0 && stderr === '')) resolve();
      else reject(new Error(`chaos child failed (${String(status)}): ${stderr.slice(0, 300)}`));
    });
  });
}

/** One appliance: random faults on the backend, a power cut at a random point, then reruns with the same code. */
export async function chaosRun(seed: number): Promise<ChaosOutcome> {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const server = await startServer({ rateLimit: false, ...(random() < 0.3 ? { realQuirks: true } : {}) });
  const stateDir = join(await mkdtemp(join(tmpdir(), 'osiris-chaos-')), 'msp');
  const mac = `02:CA:05:${[0, 1, 2].map(() => Math.floor(random() * 256).toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
  const code = server.mock.store.mint('nepa-it', 'Chaos Clinic', 1).code;
  const faultFor = () => ({
    ...(random() < 0.3 ? { drop_rate: random() * 0.6 } : {}),
    ...(random() < 0.3 ? { error_rate: random() * 0.6, error_status: pick([500, 502, 503]) } : {}),
    ...(random() < 0.2 ? { lose_answer_rate: random() * 0.5 } : {}),
    ...(random() < 0.2 ? { latency_ms: Math.floor(random() * 400) } : {}),
  });
  try {
    server.mock.faults.set({ claim: faultFor(), status: faultFor(), config: faultFor(), heartbeat: faultFor(), validate: faultFor() });
    await killAt(server.url, stateDir, code, pick(KILL_POINTS), mac);
    let last: FlowResult | undefined;
    for (let rerun = 0; rerun < MAX_RERUNS && last?.ok !== true; rerun += 1) {
      if (random() < 0.5) server.mock.faults.set({});
      last = await runProvisioningFlow({ code, apiEndpoint: server.url, stateDir, preflight: 'never', identity: { mac_address: mac, hostname: 'chaos' }, http: { retry: { baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 3_000 } });
      if (!last.ok && ['claimed', 'exists'].includes(last.code)) break;
    }
    server.mock.faults.set({});
    return await judge(server, stateDir, code, mac, last);
  } finally {
    await server.close();
    await rm(join(stateDir, '..'), { recursive: true, force: true });
  }
}

async function judge(server: Awaited<ReturnType<typeof startServer>>, stateDir: string, code: string, mac: string, last: FlowResult | undefined): Promise<ChaosOutcome> {
  const files = await readdir(stateDir).catch(() => [] as string[]);
  const config = await readConfigState(join(stateDir, 'config.yaml'));
  if (config.state === 'invalid') return { bad: `unloadable config: ${config.reason}` };
  const stray = files.filter((n) => n.endsWith('.tmp') || n === 'provision.lock');
  if (stray.length > 0) return { bad: `stray files: ${stray.join(', ')}` };
  const claimed = server.mock.store.codes.get(code)?.status === 'claimed';
  const appliance = [...server.mock.store.appliances.values()].find((a) => a.mac_address === mac);
  const activeKeys = [...server.mock.store.apiKeys.values()].filter((k) => k.active && k.site_id === appliance?.site_id).map((k) => k.key);
  if (config.state === 'valid') {
    const ids = readConfigIds(join(stateDir, 'config.yaml'));
    if (!activeKeys.includes(ids.api_key)) return { bad: 'config holds a key the server did not issue' };
    if (!files.includes('.first-provision-success') || files.includes('claim-journal.json')) return { bad: `provisioned but not finished: ${files.join(', ')}` };
    return 'provisioned';
  }
  if (!claimed) return files.includes('claim-journal.json') ? { bad: 'a journal for a code the server never consumed' } : 'unclaimed';
  if (files.includes('claim-journal.json')) return { bad: `a saved claim left unfinished after ${MAX_RERUNS} reruns (${last?.ok === false ? last.error : ''})` };
  // Consumed and not saved: acceptable only if the appliance said so, in words that name it.
  const told = last !== undefined && !last.ok && (last.hint?.includes('This appliance itself already claimed') === true || last.error.includes('its answer was lost on the way'));
  return told ? 'lost-and-reported' : { bad: `code consumed and lost silently (${last?.ok === false ? `${last.code}: ${last.error} / ${last.hint ?? ''}` : 'no result'})` };
}
