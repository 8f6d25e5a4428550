import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readConfigState } from '../src/config/state.js';
import { runProvisioningFlow } from '../src/flow/flow.js';
import { PENDING_CODE, useBackend, useTempDir } from '../../test-support/backend.js';

const backend = useBackend();
const tempDir = useTempDir();
const CHILD = fileURLToPath(new URL('../../test-support/crash-child.mjs', import.meta.url));
const IDENTITY = { mac_address: '84:3A:5B:91:B6:61', hostname: 'crash-test' };

function runChild(args: string[]): Promise<{ signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (_code, signal) => { resolve({ signal, stdout }); });
  });
}

/** Points before the claim is sent: a rerun simply claims. */
const BEFORE_CLAIM = ['step:identity', 'step:preflight', 'step:validate'];
/** The claim's answer is in memory only: the unavoidable window between the answer and its write. */
const IN_FLIGHT = ['step:claim', 'phase:journal:created'];
/** The claim's bytes are in the journal (or its complete temp file): a rerun finishes without claiming again. */
const JOURNALLED = ['phase:journal:written', 'phase:journal:synced', 'phase:journal:renamed', 'step:journal', 'phase:config:created', 'phase:config:written', 'phase:config:synced'];
/** The config is complete: the appliance is provisioned. */
const CONFIGURED = ['phase:config:renamed', 'step:write-config', 'step:report-status', 'step:fetch-config'];

describe('a process killed at any point of the flow', () => {
  it.each([...BEFORE_CLAIM, ...IN_FLIGHT, ...JOURNALLED, ...CONFIGURED])('leaves no partial file and no lost claim when killed at %s', async (point) => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    const configPath = join(stateDir, 'config.yaml');

    const crashed = await runChild([server.url, stateDir, PENDING_CODE, point]);
    expect(crashed.signal).toBe('SIGKILL');

    // Whatever the moment: config.yaml is absent or complete, never partial.
    const afterCrash = await readConfigState(configPath);
    expect(afterCrash.state).not.toBe('invalid');
    expect(afterCrash.state).toBe(CONFIGURED.includes(point) ? 'valid' : 'missing');

    const rerun = await runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, stateDir, preflight: 'never', identity: IDENTITY });
    const appliances = server.mock.store.snapshot().appliances;
    // Exactly one claim reached the server, whatever happened.
    expect(appliances).toHaveLength(1);

    if (IN_FLIGHT.includes(point)) {
      // The server consumed the code and the answer died with the process: say exactly that.
      expect(rerun).toMatchObject({ ok: false, code: 'claimed' });
      expect(!rerun.ok && rerun.hint).toContain('This appliance itself already claimed');
      expect((await readConfigState(configPath)).state).toBe('missing');
    } else if (CONFIGURED.includes(point)) {
      expect(rerun).toMatchObject({ ok: false, code: 'exists' });
    } else {
      expect(rerun.ok).toBe(true);
      expect(rerun.ok && rerun.data.resumed).toBe(JOURNALLED.includes(point));
    }

    if (!IN_FLIGHT.includes(point)) {
      // Provisioned with the key the server issued at the one and only claim.
      const config = parse(await readFile(configPath, 'utf8')) as { api_key: string; appliance_id: string };
      expect(config.api_key).toBe(appliances[0]?.api_key);
      expect(config.appliance_id).toBe(appliances[0]?.appliance_id);
    }
    // No journal and no temp files are left once a run has finished.
    const left = (await readdir(stateDir).catch(() => [])).filter((name) => name !== 'config.yaml' && !name.startsWith('config.yaml.bak-'));
    expect(left).toEqual([]);
  });
});
