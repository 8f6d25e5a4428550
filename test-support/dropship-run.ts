import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DropshipOptions } from '../agent-core/src/flow/dropship.js';
import type { ProgressEvent } from '../agent-core/src/flow/events.js';
import { assignMac } from '../mock-server/src/store/index.js';
import { FAST_RETRY, type useBackend } from './backend.js';

export const DROPSHIP_MAC = '02:00:5E:00:53:77';
export const DROPSHIP_IDENTITY = { mac_address: DROPSHIP_MAC, hostname: 'dropship-box' };

/**
 * The drop-ship path as the engine's tests run it: a mock backend (with the box's MAC assigned
 * unless told otherwise), Central Command's public key in a file, and options for runDropshipFlow
 * that record every progress event and every wait instead of sleeping.
 */
export function dropshipHarness(backend: ReturnType<typeof useBackend>, tempDir: () => Promise<string>) {
  async function keyFile(hex: string): Promise<string> {
    const path = join(await tempDir(), 'central-command.pub');
    await writeFile(path, `# Central Command drop-ship key\n${hex}\n`);
    return path;
  }

  async function setup(options: { assign?: boolean; retrySeconds?: number } = {}) {
    const server = await backend(options.retrySeconds === undefined ? {} : { dropshipRetrySeconds: options.retrySeconds });
    if (options.assign !== false) assignMac(server.mock.store, DROPSHIP_MAC, { site_id: 'nepa-it-dropship', clinic_name: 'Drop Clinic', partner: 'nepa-it' });
    const stateDir = join(await tempDir(), 'msp');
    const serverKeyPath = await keyFile(server.mock.signer.publicKeyHex);
    const events: ProgressEvent[] = [];
    const waits: number[] = [];
    const base: DropshipOptions = {
      apiEndpoint: server.url,
      stateDir,
      serverKeyPath,
      identity: DROPSHIP_IDENTITY,
      http: { retry: { ...FAST_RETRY, attempts: 1 } },
      onEvent: (e) => events.push(e),
      random: () => 0.5,
      sleep: (ms) => { waits.push(ms); return Promise.resolve(); },
    };
    return { server, stateDir, serverKeyPath, events, waits, base };
  }

  return { keyFile, setup };
}
