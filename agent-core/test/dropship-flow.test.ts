import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runDropshipFlow } from '../src/flow/dropship.js';
import { acquireLock } from '../src/state/lock.js';
import { signerFromSeed } from '../../mock-server/src/signing.js';
import { assignMac } from '../../mock-server/src/store/index.js';
import { useBackend, useTempDir } from '../../test-support/backend.js';
import { DROPSHIP_MAC, dropshipHarness } from '../../test-support/dropship-run.js';
import { commitLines, progressLines } from '../../test-support/flow-run.js';

// The drop-ship path in the engine's own process (the CLI tests drive the same code as a process).
const backend = useBackend();
const tempDir = useTempDir();
const MAC = DROPSHIP_MAC;
const { keyFile, setup } = dropshipHarness(backend, tempDir);

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
    expect(events.filter((e) => e.step === 'assignment' && e.status === 'running').map((e) => e.message)).toEqual([1, 2].map((n) => `Asking Central Command whether a partner has assigned MAC ${MAC} (check ${n})`));
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
    // …and leaves the state directory to the next run.
    const next = await acquireLock(join(stateDir, 'provision.lock'), 'a code claim', { waitMs: 0 });
    expect(next.ok).toBe(true);
    if (next.ok) await next.data.release();
  });

  it('stops at once when cancelled while asking, without taking the cancel for a network problem', async () => {
    const { base, events, stateDir } = await setup();
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const controller = new AbortController();
    setTimeout(() => { controller.abort(); }, 150);
    try {
      const result = await runDropshipFlow({ ...base, apiEndpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, signal: controller.signal, http: { timeoutMs: 10_000 } });
      expect(result).toMatchObject({ ok: false, code: 'cancelled', step: 'assignment' });
      expect(events.filter((e) => e.status === 'warning')).toEqual([]);
      expect((await readdir(stateDir)).filter((n) => n !== 'provision.lock')).toEqual([]);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('what a drop-ship run says, step by step', () => {
  const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl tech@partner';

  it('tells each step in order, installs the signed SSH keys where asked, and keeps them for the hand-over', async () => {
    const { server, stateDir, events, base } = await setup({ assign: false });
    let waits = 0;
    const sleep = () => {
      waits += 1;
      if (waits === 1) assignMac(server.mock.store, MAC, { site_id: 'ds-site', partner: 'nepa-it', ssh_authorized_keys: [SSH_KEY] });
      return Promise.resolve();
    };
    const authorizedKeysPath = join(await tempDir(), 'authorized_keys');
    const result = await runDropshipFlow({ ...base, sleep, authorizedKeysPath });
    const configPath = join(stateDir, 'config.yaml');
    expect(progressLines(events)).toEqual([
      ['identity', 'done', 5, `MAC ${MAC}`],
      ['prepare', 'running', 5, 'Checking the state directory'],
      ['prepare', 'done', 8, 'State directory ready'],
      ['assignment', 'running', 8, `Asking Central Command whether a partner has assigned MAC ${MAC} (check 1)`],
      ['assignment', 'running', 8, `Not assigned yet: give the partner MAC ${MAC}`],
      ['prepare', 'running', 8, 'Checking the state directory'],
      ['prepare', 'done', 8, 'State directory ready'],
      ['assignment', 'running', 8, `Asking Central Command whether a partner has assigned MAC ${MAC} (check 2)`],
      ['assignment', 'done', 30, 'Assigned to a site by the partner'],
      ['verify', 'running', 30, "Checking Central Command's signature"],
      ['verify', 'done', 40, 'Signature valid'],
      ...commitLines(configPath, 'ds-site', [['write-config', 'done', 65, `Installed 1 SSH key(s) in ${authorizedKeysPath}`]]),
    ]);
    expect(result).toMatchObject({ ok: true, data: { source: 'dropship', site_id: 'ds-site' } });
    expect(await readFile(authorizedKeysPath, 'utf8')).toContain(SSH_KEY);
    const kept = JSON.parse(await readFile(join(stateDir, 'ssh-keys.signed.json'), 'utf8')) as { canonical: string; signature: string };
    expect(kept.canonical).toContain(SSH_KEY);
    expect(kept.signature).toMatch(/^[0-9a-f]{128}$/i);
  });

  it('keeps the signed keys but installs nowhere when no authorized_keys file is named', async () => {
    const { server, stateDir, base } = await setup({ assign: false });
    assignMac(server.mock.store, MAC, { site_id: 'ds-site', ssh_authorized_keys: [SSH_KEY] });
    expect((await runDropshipFlow(base)).ok).toBe(true);
    expect((await readdir(stateDir)).sort()).toEqual(['.first-provision-success', 'config.yaml', 'ssh-keys.signed.json']);
  });
});
