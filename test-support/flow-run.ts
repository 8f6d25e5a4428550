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

/** A run's progress events as [step, status, percent, message], for comparing whole sequences. */
export const progressLines = (events: readonly ProgressEvent[]) => events.map((e) => [e.step, e.status, e.percent, e.message]);

/**
 * What every run says from the journal on: the steps after the point of no return, which the code
 * claim and drop-ship share (commitSite). `afterConfig` are lines a run adds once the config is written.
 */
export function commitLines(configPath: string, siteId: string, afterConfig: readonly (readonly unknown[])[] = []): unknown[][] {
  return [
    ['journal', 'running', 40, 'Saving the answer'],
    ['journal', 'done', 50, 'Answer saved; an interruption from here on finishes without asking again'],
    ['write-config', 'running', 50, 'Writing configuration'],
    ['write-config', 'done', 65, `Configuration written to ${configPath}`],
    ...afterConfig.map((line) => [...line]),
    ['report-status', 'running', 65, 'Reporting progress to Central Command'],
    // The settings are asked for on the same connection right behind the status report (pipelined).
    ['fetch-config', 'running', 65, 'Fetching appliance settings'],
    ['report-status', 'done', 75, 'Status: configuring'],
    ['fetch-config', 'done', 90, 'Appliance settings applied'],
    ['done', 'done', 100, `Provisioned: site ${siteId}`],
  ];
}

/** Hooks that cut the power (throw) right after `step` is done. */
export const powerCutAfter = (cut: string) => ({ afterStep: (step: string) => (step === cut ? Promise.reject(new Error('power cut')) : undefined) });

/** A config read back the way the agent's PyYAML reads it (YAML 1.1). */
export const configOf = async (path: string) => parse(await readFile(path, 'utf8'), { version: '1.1' }) as Record<string, unknown>;
