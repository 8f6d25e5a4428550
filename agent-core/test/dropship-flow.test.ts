import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DropshipPoller, type DropshipStatus } from '../src/flow/dropship-poller.js';
import { runDropshipFlow, type DropshipOptions } from '../src/flow/dropship.js';
import type { ProgressEvent } from '../src/flow/events.js';
import { nextPollDelayMs } from '../src/flow/poll-schedule.js';
import { acquireLock } from '../src/state/lock.js';
import { signerFromSeed } from '../../mock-server/src/signing.js';
import { assignMac } from '../../mock-server/src/store/index.js';
import { FAST_RETRY, useBackend, useTempDir } from '../../test-support/backend.js';

// The drop-ship path in the engine's own process (the CLI tests drive the same code as a process).
const backend = useBackend();
const tempDir = useTempDir();
const MAC = '02:00:5E:00:53:77';
const IDENTITY = { mac_address: MAC, hostname: 'dropship-box' };
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

async function keyFile(hex: string): Promise<string> {
  const path = join(await tempDir(), 'central-command.pub');
  await writeFile(path, `# Central Command drop-ship key\n${hex}\n`);
  return path;
}

async function setup(options: { assign?: boolean; retrySeconds?: number } = {}) {
  const server = await backend(options.retrySeconds === undefined ? {} : { dropshipRetrySeconds: options.retrySeconds });
  if (options.assign !== false) assignMac(server.mock.store, MAC, { site_id: 'nepa-it-dropship', clinic_name: 'Drop Clinic', partner: 'nepa-it' });
  const stateDir = join(await tempDir(), 'msp');
  const serverKeyPath = await keyFile(server.mock.signer.publicKeyHex);
  const events: ProgressEvent[] = [];
  const waits: number[] = [];
  const base: DropshipOptions = {
    apiEndpoint: server.url,
    stateDir,
    serverKeyPath,
    identity: IDENTITY,
    http: { retry: { ...FAST_RETRY, attempts: 1 } },
    onEvent: (e) => events.push(e),
    random: () => 0.5,
    sleep: (ms) => { waits.push(ms); return Promise.resolve(); },
  };
  return { server, stateDir, serverKeyPath, events, waits, base };
}

const activeKeys = (server: Awaited<ReturnType<typeof setup>>['server']) => [...server.mock.store.apiKeys.values()].filter((k) => k.active).map((k) => k.key);

describe('drop-ship, in the engine', () => {
  it('provisions from a signed assignment with the key minted for it, asked once, and leaves only the config and the finished marker', async () => {
    const { server, stateDir, events, base } = await setup();
    const result = await runDropshipFlow(base);
    expect(result).toMatchObject({ ok: true, data: { source: 'dropship', site_id: 'nepa-it-dropship', resumed: false, config_path: join(stateDir, 'config.yaml') } });
    const config = parse(await readFile(join(stateDir, 'config.yaml'), 'utf8'), { version: '1.1' }) as Record<string, unknown>;
    expect(activeKeys(server)).toEqual([config.api_key]);
    expect(config).not.toHaveProperty('partner');
    expect(server.mock.store.dropship.get(MAC)?.polls).toBe(1);
    expect((await readdir(stateDir)).sort()).toEqual(['.first-provision-success', 'config.yaml']);
    expect(events.map((e) => `${e.step}:${e.status}`)).toEqual(expect.arrayContaining(['assignment:done', 'verify:running', 'verify:done', 'journal:done', 'write-config:done', 'done:done']));
    expect(events.find((e) => e.step === 'assignment' && e.status === 'running')?.message).toBe(`Asking Central Command whether a partner has assigned MAC ${MAC} (check 1)`);
  });

  it('waits as long as the server asks between polls, within bounds, and provisions once the partner assigns the MAC', async () => {
    const { server, waits, events, base } = await setup({ assign: false, retrySeconds: 2 });
    const sleep = (ms: number) => {
      waits.push(ms);
      if (waits.length === 2) assignMac(server.mock.store, MAC, { site_id: 'nepa-it-later' });
      return Promise.resolve();
    };
    const seen: { polls: number; delayMs: number }[] = [];
    const result = await runDropshipFlow({ ...base, sleep, onWait: (w) => seen.push(w) });
    expect(result).toMatchObject({ ok: true, data: { site_id: 'nepa-it-later' } });
    // retry_seconds 2 is below the 5 s floor; random 0.5 means no jitter.
    expect(waits).toEqual([5_000, 5_000]);
    expect(seen).toEqual([{ polls: 1, delayMs: 5_000 }, { polls: 2, delayMs: 5_000 }]);
    expect(events.filter((e) => e.message === `Not assigned yet: give the partner MAC ${MAC}`)).toHaveLength(2);
    expect(server.mock.store.dropship.get(MAC)?.polls).toBe(3);
  });

  it('gives up at the total timeout, naming the MAC, and never waits past it', async () => {
    const { waits, base, stateDir } = await setup({ assign: false, retrySeconds: 60 });
    let clock = Date.parse('2026-01-04T15:30:00Z');
    const now = () => new Date(clock);
    const sleep = (ms: number) => { waits.push(ms); clock += ms; return Promise.resolve(); };
    const result = await runDropshipFlow({ ...base, now, sleep, totalTimeoutMs: 90_000 });
    expect(result).toMatchObject({
      ok: false,
      code: 'not-assigned',
      step: 'assignment',
      error: `No partner has assigned this appliance (MAC ${MAC}) to a site yet`,
      hint: `Ask the partner to assign MAC ${MAC} in the dashboard, or provision with a code.`,
    });
    expect(waits).toEqual([60_000, 30_000]);
    expect(await readdir(stateDir)).not.toContain('config.yaml');
  });

  it('refuses an assignment signed with another key: nothing written, the minted answer not asked for again', async () => {
    const { server, stateDir, base } = await setup();
    const result = await runDropshipFlow({ ...base, serverKeyPath: await keyFile(signerFromSeed('11'.repeat(32)).publicKeyHex) });
    expect(result).toMatchObject({ ok: false, code: 'bad-signature', step: 'verify' });
    expect(await readdir(stateDir)).not.toContain('config.yaml');
    expect(await readdir(stateDir)).not.toContain('claim-journal.json');
    expect(server.mock.store.dropship.get(MAC)?.polls).toBe(1);
  });

  it("refuses to start without Central Command's key, before any request", async () => {
    const { server, base } = await setup();
    const result = await runDropshipFlow({ ...base, serverKeyPath: join(await tempDir(), 'missing.pub') });
    expect(result).toMatchObject({ ok: false, code: 'server-key', step: 'prepare' });
    expect(server.mock.store.dropship.get(MAC)?.polls).toBe(0);
  });

  it('refuses an endpoint that breaks the endpoint rule before any request', async () => {
    const { base } = await setup();
    expect(await runDropshipFlow({ ...base, apiEndpoint: 'http://203.0.113.7' })).toMatchObject({ ok: false, code: 'usage', step: 'prepare' });
  });

  it('warns and keeps waiting on the schedule when Central Command cannot be reached, until cancelled', async () => {
    const { server, base, waits, events } = await setup();
    const url = server.url;
    await server.close();
    const controller = new AbortController();
    const sleep = (ms: number) => {
      waits.push(ms);
      if (waits.length === 2) controller.abort();
      return Promise.resolve();
    };
    const result = await runDropshipFlow({ ...base, apiEndpoint: url, sleep, signal: controller.signal });
    expect(result).toMatchObject({ ok: false, code: 'cancelled', step: 'assignment' });
    // No retry_seconds without an answer: the first six polls are 10 s apart.
    expect(waits).toEqual([10_000, 10_000]);
    expect(events.filter((e) => e.step === 'assignment' && e.status === 'warning' && e.message.startsWith('Could not ask Central Command: '))).toHaveLength(2);
  });

  it('pauses while another run holds the state directory, then polls', async () => {
    const { base, stateDir, waits } = await setup();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const held = await acquireLock(join(stateDir, 'provision.lock'), 'a code claim', { waitMs: 0 });
    expect(held.ok).toBe(true);
    const sleep = async (ms: number) => {
      waits.push(ms);
      if (held.ok) await held.data.release();
    };
    const result = await runDropshipFlow({ ...base, sleep });
    expect(result).toMatchObject({ ok: true, data: { source: 'dropship' } });
    expect(waits).toEqual([10_000]);
  });

  it('finishes its own journalled answer after an interruption without asking the server again', async () => {
    const { server, base, stateDir } = await setup();
    const interrupted = runDropshipFlow({ ...base, hooks: { afterStep: (step) => (step === 'journal' ? Promise.reject(new Error('power cut')) : undefined) } });
    await expect(interrupted).rejects.toThrow('power cut');
    const key = activeKeys(server);
    const result = await runDropshipFlow(base);
    expect(result).toMatchObject({ ok: true, data: { source: 'dropship', resumed: true } });
    expect(server.mock.store.dropship.get(MAC)?.polls).toBe(1);
    const config = parse(await readFile(join(stateDir, 'config.yaml'), 'utf8'), { version: '1.1' }) as Record<string, unknown>;
    expect([config.api_key]).toEqual(key);
  });
});

describe('the drop-ship poll schedule', () => {
  const exact = () => 0.5;
  it.each([
    ['the first six polls without an answer: 10 s', 0, 0, undefined, 10_000],
    ['the sixth', 5, HOUR_MS, undefined, 10_000],
    ['then every minute for a day', 6, HOUR_MS, undefined, 60_000],
    ['after a day: every five minutes', 6, DAY_MS, undefined, 300_000],
    ["the server's retry_seconds", 0, 0, 42, 42_000],
    ['a hostile 0 floored at 5 s', 0, 0, 0, 5_000],
    ['a huge value capped at an hour', 0, 0, 86_400, 3_600_000],
    ['never more often than five minutes after a day, whatever the server says', 3, DAY_MS, 30, 300_000],
  ])('%s', (_label, polls, elapsed, retry, expected) => {
    expect(nextPollDelayMs(polls, elapsed, retry, exact)).toBe(expected);
  });

  it('jitters by ±20 %', () => {
    expect(nextPollDelayMs(0, 0, 100, () => 0)).toBe(80_000);
    expect(nextPollDelayMs(0, 0, 100, () => 1)).toBe(120_000);
    const spread = Array.from({ length: 50 }, () => nextPollDelayMs(0, 0, 100));
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(80_000);
    expect(Math.max(...spread)).toBeLessThanOrEqual(120_000);
  });
});

describe('the background drop-ship poller (kiosk)', () => {
  it('reports waiting, then provisioning with the commit events, then done, and stops', async () => {
    const { base } = await setup();
    const statuses: DropshipStatus[] = [];
    const commitEvents: ProgressEvent[] = [];
    let committed = 0;
    const poller = new DropshipPoller({ ...base, onCommitEvent: (e) => commitEvents.push(e), onCommitDone: () => { committed += 1; } });
    expect(poller.status()).toEqual({ state: 'off', mac_address: MAC, polls: 0 });
    const finished = new Promise<void>((resolve) => {
      poller.start((status) => {
        statuses.push(status);
        if (status.state === 'done') resolve();
      });
    });
    await finished;
    expect(statuses.map((s) => s.state)).toEqual(['waiting', 'provisioning', 'done']);
    expect(poller.status()).toMatchObject({ state: 'done', result: { ok: true } });
    expect(committed).toBe(1);
    expect(commitEvents[0]?.step).toBe('verify');
    expect(commitEvents.some((e) => e.step === 'assignment')).toBe(false);
  });

  it('stops for good at an outcome a later poll cannot cure (already provisioned), and is off', async () => {
    const { base } = await setup();
    expect((await runDropshipFlow(base)).ok).toBe(true);
    const poller = new DropshipPoller({ ...base, onCommitEvent: () => undefined, onCommitDone: () => undefined });
    const last = await new Promise<DropshipStatus>((resolve) => {
      poller.start((status) => { if (status.state !== 'waiting') resolve(status); });
    });
    expect(last).toMatchObject({ state: 'off', result: { ok: false, code: 'exists' } });
  });

  it('says nothing more once stopped', async () => {
    const { base } = await setup({ assign: false });
    const statuses: DropshipStatus[] = [];
    let stop: () => void = () => undefined;
    const poller = new DropshipPoller({
      ...base,
      sleep: () => { stop(); return Promise.resolve(); },
      onCommitEvent: () => undefined,
      onCommitDone: () => undefined,
    });
    stop = poller.start((status) => statuses.push(status));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = statuses.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(statuses.length).toBe(seen);
    expect(statuses.every((s) => s.state === 'waiting')).toBe(true);
  });
});
