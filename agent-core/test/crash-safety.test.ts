import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readConfigState } from '../src/config/state.js';
import { runProvisioningFlow } from '../src/flow/flow.js';
import { PENDING_CODE, onlyKey, useBackend, useTempDir } from '../../test-support/backend.js';

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

/** Points before the claim is sent (the killed run holds the lock): a rerun takes the dead run's lock over and claims. */
const BEFORE_CLAIM = ['step:identity', 'step:prepare', 'step:preflight', 'step:validate'];
/** The claim's answer is in memory only: the unavoidable window between the answer and its write. */
const IN_FLIGHT = ['step:claim', 'phase:journal:created'];
/** The claim's bytes are in the journal (or its complete temp file): a rerun finishes without claiming again. */
const JOURNALLED = ['phase:journal:written', 'phase:journal:synced', 'phase:journal:renamed', 'step:journal', 'phase:config:created', 'phase:config:written', 'phase:config:synced'];
/** The config is complete but the finishing calls and the marker are not done: a rerun finishes them. */
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
    expect(afterCrash.state).toBe(CONFIGURED.includes(point) ? 'valid' : 'missing');

    // The technician runs it again with the same code, as they would.
    const rerun = await runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, stateDir, preflight: 'never', identity: IDENTITY });
    const appliances = server.mock.store.snapshot().appliances;
    // Exactly one claim reached the server, whatever happened.
    expect(appliances).toHaveLength(1);

    if (IN_FLIGHT.includes(point)) {
      // The server consumed the code and the answer died with the process: say exactly that.
      expect(rerun).toMatchObject({ ok: false, code: 'claimed' });
      expect(!rerun.ok && rerun.hint).toContain('This appliance itself already claimed');
      expect((await readConfigState(configPath)).state).toBe('missing');
    } else {
      expect(rerun.ok).toBe(true);
      expect(rerun.ok && rerun.data.resumed).toBe(!BEFORE_CLAIM.includes(point));
      // Provisioned with the key the server issued at the one and only claim, and finished.
      const config = parse(await readFile(configPath, 'utf8')) as { api_key: string; appliance_id: string };
      expect(config.api_key).toBe(onlyKey(server));
      expect(config.appliance_id).toBe(appliances[0]?.appliance_id);
      expect(appliances[0]?.status).toBe('active');
    }
    // No journal, lock or temp file is left once a run has finished.
    const left = (await readdir(stateDir).catch(() => [])).filter((name) => !['config.yaml', '.first-provision-success'].includes(name));
    expect(left).toEqual([]);
  });
});
