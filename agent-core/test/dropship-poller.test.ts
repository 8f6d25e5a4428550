import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DropshipPoller, type DropshipStatus } from '../src/flow/dropship-poller.js';
import { runDropshipFlow } from '../src/flow/dropship.js';
import type { ProgressEvent } from '../src/flow/events.js';
import { nextPollDelayMs } from '../src/flow/poll-schedule.js';
import { signerFromSeed } from '../../mock-server/src/signing.js';
import { useBackend, useTempDir } from '../../test-support/backend.js';
import { DROPSHIP_IDENTITY, DROPSHIP_MAC as MAC, dropshipHarness } from '../../test-support/dropship-run.js';

// When the engine asks again for a drop-ship answer, and the kiosk's background poller that does the asking.
const backend = useBackend();
const tempDir = useTempDir();
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const { keyFile, setup } = dropshipHarness(backend, tempDir);

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

describe('the background drop-ship poller, when things go wrong', () => {
  it('knows no MAC before it has an identity', () => {
    const { identity: _none, ...rest } = { identity: DROPSHIP_IDENTITY, onCommitEvent: () => undefined, onCommitDone: () => undefined };
    expect(new DropshipPoller(rest).status()).toEqual({ state: 'off', mac_address: '', polls: 0 });
  });

  it('shows each wait with its poll count and when the next check is due, and why the last check failed', async () => {
    const { server, base } = await setup();
    const url = server.url;
    await server.close();
    const statuses: DropshipStatus[] = [];
    let stop: () => void = () => undefined;
    const poller = new DropshipPoller({ ...base, apiEndpoint: url, sleep: () => { stop(); return Promise.resolve(); }, onCommitEvent: () => undefined, onCommitDone: () => undefined });
    const before = Date.now();
    stop = poller.start((status) => statuses.push({ ...status }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waiting = statuses.find((s) => s.next_check_at !== undefined);
    expect(waiting).toMatchObject({ state: 'waiting', polls: 1, message: expect.stringMatching(/^Could not ask Central Command: /) as unknown });
    const due = Date.parse(waiting?.next_check_at ?? '');
    expect(due - before).toBeGreaterThanOrEqual(9_000);
    expect(due - Date.now()).toBeLessThanOrEqual(10_000);
  });

  it('reports a refused assignment as failed, keeps its result, and waits before trying again', async () => {
    const { base } = await setup();
    const other = await keyFile(signerFromSeed('22'.repeat(32)).publicKeyHex);
    const statuses: DropshipStatus[] = [];
    let done = 0;
    const poller = new DropshipPoller({ ...base, serverKeyPath: other, onCommitEvent: () => undefined, onCommitDone: () => { done += 1; } });
    const failed = new Promise<void>((resolve) => {
      poller.start((status) => {
        statuses.push(status);
        if (status.state === 'failed') resolve();
      });
    });
    await failed;
    await new Promise((resolve) => setTimeout(resolve, 200));
    poller.stop();
    expect(statuses.at(-1)).toMatchObject({ state: 'failed', result: { ok: false, code: 'bad-signature' } });
    expect(statuses.filter((s) => s.state === 'waiting')).toHaveLength(1);
    expect(done).toBe(1);
  });

  it('reports no commit when a run ends before an assignment arrives', async () => {
    const { base } = await setup();
    expect((await runDropshipFlow(base)).ok).toBe(true);
    let done = 0;
    const poller = new DropshipPoller({ ...base, onCommitEvent: () => undefined, onCommitDone: () => { done += 1; } });
    await new Promise<void>((resolve) => { poller.start((status) => { if (status.state === 'off') resolve(); }); });
    expect(done).toBe(0);
  });

  it('stops the previous loop when started again, and stops for good with stop()', async () => {
    const { base } = await setup({ assign: false });
    const first: DropshipStatus[] = [];
    const second: DropshipStatus[] = [];
    const poller = new DropshipPoller({ ...base, sleep: () => new Promise((resolve) => setTimeout(resolve, 20)), onCommitEvent: () => undefined, onCommitDone: () => undefined });
    poller.start((s) => first.push(s));
    await new Promise((resolve) => setTimeout(resolve, 100));
    poller.start((s) => second.push(s));
    const seenFirst = first.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(first.length).toBe(seenFirst);
    expect(second.length).toBeGreaterThan(0);
    poller.stop();
    const seenSecond = second.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(second.length).toBe(seenSecond);
  });

  it('reports a failure before any assignment that a later poll may cure as failed, not off', async () => {
    const { base } = await setup();
    const stateDir = join(await tempDir(), 'not-a-dir');
    await writeFile(stateDir, 'a file where the state directory should be');
    const poller = new DropshipPoller({ ...base, stateDir, onCommitEvent: () => undefined, onCommitDone: () => undefined });
    const settled = await new Promise<DropshipStatus>((resolve) => {
      poller.start((status) => { if (status.state !== 'waiting') resolve(status); });
    });
    poller.stop();
    expect(settled).toMatchObject({ state: 'failed', result: { ok: false, code: 'io', step: 'prepare' } });
  });

  it('keeps the warnings of provisioning out of the waiting message', async () => {
    const { server, base } = await setup();
    server.mock.faults.set({ status: { error_rate: 1, error_status: 500 } });
    const poller = new DropshipPoller({ ...base, onCommitEvent: () => undefined, onCommitDone: () => undefined });
    const done = await new Promise<DropshipStatus>((resolve) => {
      poller.start((status) => { if (status.state === 'done') resolve(status); });
    });
    expect(done.result?.ok === true && done.result.data.warnings).toEqual(['Could not report status: Server error (HTTP 500)', 'Could not report completion: Server error (HTTP 500)']);
    expect(done.message).toBeUndefined();
  });
});
