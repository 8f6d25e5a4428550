import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ProgressEvent } from '../agent-core/src/flow/events.js';
import { runProvisioningFlow, type FlowOptions } from '../agent-core/src/flow/flow.js';
import { FAST_RETRY, PENDING_CODE, TEST_IDENTITY } from './backend.js';

/**
 * The code flow as the engine's tests run it: in a fresh state directory unless told otherwise,
 * with the test identity and fast retries, every progress event kept. `defaults` set a file's own
 * baseline; each call's `extra` wins over both.
 */
export function flowRunner(tempDir: () => Promise<string>, defaults: Partial<FlowOptions> = {}) {
  return async (url: string, extra: Partial<FlowOptions> = {}) => {
    const stateDir = extra.stateDir ?? join(await tempDir(), 'msp');
    const events: ProgressEvent[] = [];
    const result = await runProvisioningFlow({
      code: PENDING_CODE,
      apiEndpoint: url,
      stateDir,
      identity: TEST_IDENTITY,
      http: { retry: FAST_RETRY },
      onEvent: (e) => events.push(e),
      ...defaults,
      ...extra,
    });
    return { result, events, stateDir, configPath: join(stateDir, 'config.yaml') };
  };
}

/** Hooks that cut the power (throw) right after `step` is done. */
export const powerCutAfter = (cut: string) => ({ afterStep: (step: string) => (step === cut ? Promise.reject(new Error('power cut')) : undefined) });

/** A config read back the way the agent's PyYAML reads it (YAML 1.1). */
export const configOf = async (path: string) => parse(await readFile(path, 'utf8'), { version: '1.1' }) as Record<string, unknown>;
