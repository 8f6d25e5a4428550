import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PENDING_CODE, useBackend, useTempDir } from '../../test-support/backend.js';
import { parseStrace, traceCli, type Syscall } from '../../test-support/syscalls.js';

// A crash test kills the process with SIGKILL, which keeps the page cache: a write that was never
// fsynced still reads back. Durability is only visible in the system calls themselves, so this
// test runs the real CLI under `strace -f` (Debian's strace, installed by scripts/setup.sh).
const backend = useBackend();
const tempDir = useTempDir();

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where each step of one atomic write of `target` happened in the trace. */
function atomicWrite(calls: readonly Syscall[], target: string) {
  const dir = target.slice(0, target.lastIndexOf('/'));
  const base = target.slice(dir.length + 1);
  const tempName = new RegExp(`^${escape(dir)}/\\.${escape(base)}\\.\\d+\\.[0-9a-f]+\\.tmp$`);
  const rename = calls.find((c) => c.name.startsWith('rename') && c.result === '0' && c.args.endsWith(`"${target}"`));
  expect(rename, `no rename onto ${target}`).toBeDefined();
  const temp = /^"([^"]+)"/.exec(rename?.args ?? '')?.[1] ?? '';
  expect(temp).toMatch(tempName);
  const created = calls.find((c) => c.name === 'openat' && c.path === temp);
  const writes = calls.filter((c) => (c.name === 'write' || c.name === 'pwrite64' || c.name === 'writev') && c.path === temp);
  const fileSync = calls.find((c) => (c.name === 'fsync' || c.name === 'fdatasync') && c.path === temp);
  const renameEnd = rename?.end ?? Number.POSITIVE_INFINITY;
  const dirSync = calls.find((c) => (c.name === 'fsync' || c.name === 'fdatasync') && c.path === dir && c.start > renameEnd);
  return { temp, created, writes, fileSync, rename, dirSync };
}

/** Asserts the order that makes a write survive a power cut: temp created 0600, written, fsynced, renamed, directory fsynced. */
function expectDurable(calls: readonly Syscall[], target: string): ReturnType<typeof atomicWrite> {
  const step = atomicWrite(calls, target);
  expect(step.created?.args, `temp file of ${target}`).toMatch(/O_CREAT\|O_EXCL/);
  expect(step.created?.args).toMatch(/, 0600$/);
  expect(step.writes.length, `writes to the temp file of ${target}`).toBeGreaterThan(0);
  expect(step.fileSync, `fsync of the temp file of ${target}`).toBeDefined();
  expect(step.dirSync, `fsync of the directory after renaming ${target}`).toBeDefined();
  const [created, fileSync, rename, dirSync] = [step.created, step.fileSync, step.rename, step.dirSync].map((c) => c ?? { start: Number.NaN, end: Number.NaN });
  expect(created?.end).toBeLessThan(Math.min(...step.writes.map((w) => w.start)));
  expect(Math.max(...step.writes.map((w) => w.end))).toBeLessThan(fileSync?.start ?? Number.NaN);
  expect(fileSync?.end).toBeLessThan(rename?.start ?? Number.NaN);
  expect(rename?.end).toBeLessThan(dirSync?.start ?? Number.NaN);
  return step;
}

const sent = (calls: readonly Syscall[], request: string) =>
  calls.filter((c) => (c.name === 'writev' || c.name === 'write' || c.name === 'sendto' || c.name === 'sendmsg') && c.args.includes(request));

describe('durability, seen in the system calls of a real provisioning run', () => {
  it('writes the journal and the config durably (temp file written, fsynced, renamed, directory fsynced), the journal before anything after the claim', async () => {
    const server = await backend();
    const dir = await tempDir();
    const stateDir = join(dir, 'state');
    const run = await traceCli(['--provision', PENDING_CODE, '--api-endpoint', server.url, '--state-dir', stateDir], join(dir, 'strace.log'));
    expect(run.code, run.stderr).toBe(0);

    const journal = expectDurable(run.calls, join(stateDir, 'claim-journal.json'));
    const config = expectDurable(run.calls, join(stateDir, 'config.yaml'));

    // The journal is the first thing done with the claim's answer: durable before the config's temp
    // file exists and before the first status report leaves.
    const claim = sent(run.calls, 'POST /api/provision/claim ');
    const status = sent(run.calls, 'POST /api/provision/status ');
    expect(claim).toHaveLength(1);
    expect(status.length).toBeGreaterThan(0);
    const journalDurable = journal.dirSync?.end ?? Number.NaN;
    expect(claim[0]?.end).toBeLessThan(journal.created?.start ?? Number.NaN);
    expect(journalDurable).toBeLessThan(config.created?.start ?? Number.NaN);
    expect(journalDurable).toBeLessThan(Math.min(...status.map((c) => c.start)));
    // …and the config is durable before the dashboard is told it was written.
    expect(config.dirSync?.end).toBeLessThan(Math.min(...status.map((c) => c.start)));
  });
});

describe('the strace reader', () => {
  it('joins a call logged in two halves by another thread and follows its descriptor to the path', () => {
    const calls = parseStrace([
      '10 openat(AT_FDCWD, "/s/.c.10.ab.tmp", O_WRONLY|O_CREAT|O_EXCL, 0600) = 21',
      '11 fsync(21 <unfinished ...>',
      '12 write(1, "hello", 5) = 5',
      '11 <... fsync resumed>) = 0',
      '10 close(21) = 0',
      '10 fsync(21) = -1 EBADF (Bad file descriptor)',
      'garbage',
    ].join('\n'));
    expect(calls.map((c) => [c.name, c.start, c.end, c.path])).toEqual([
      ['openat', 0, 0, '/s/.c.10.ab.tmp'],
      ['write', 2, 2, undefined],
      ['fsync', 1, 3, '/s/.c.10.ab.tmp'],
      ['close', 4, 4, '/s/.c.10.ab.tmp'],
      ['fsync', 5, 5, undefined],
    ]);
  });
});
