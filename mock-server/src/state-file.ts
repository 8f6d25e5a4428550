import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../../agent-core/src/fs/atomic-write.js';
import type { Store, StoreSnapshot } from './store/index.js';

const text = z.string();
const optionalText = z.string().optional();
/** What a state file must hold; anything else is refused at start with a clear error, never half-loaded. */
const SnapshotSchema = z.object({
  codes: z.array(z.object({ code: text, partner: text.nullable(), client_name: text.nullable(), site_id: optionalText, status: z.enum(['pending', 'claimed', 'expired', 'revoked']), expires_at: optionalText, claimed_by_mac: optionalText, claimed_at: optionalText, claimed_appliance_id: optionalText })),
  sites: z.array(z.object({ site_id: text, clinic_name: text, partner: text.nullable(), hardware_id: optionalText })),
  appliances: z.array(z.object({
    appliance_id: text, site_id: text, mac_address: text, hostname: optionalText, hardware_id: optionalText, boot_source: optionalText, all_mac_addresses: z.array(text).optional(),
    status: text, progress_percent: z.number(), status_message: optionalText, source: z.enum(['claim', 'dropship']), claimed_at: text, last_seen: optionalText, first_checkin: optionalText,
  })),
  api_keys: z.array(z.object({ key: text, site_id: text, active: z.boolean(), dropship_mac: optionalText, created_at: text })),
  heartbeats: z.array(z.object({ mac_address: text, hostname: optionalText, ip_address: optionalText, status: text, count: z.number(), last_seen: text })),
  dropship: z.array(z.object({ mac_address: text, registered_at: text, polls: z.number(), last_poll: optionalText, site_id: optionalText, ssh_authorized_keys: z.array(text), provisioned_at: optionalText })),
});

export class StateFileError extends Error {}

/** The state file's contents, undefined when there is none yet; a clear StateFileError when it is unusable. */
export async function loadState(path: string): Promise<StoreSnapshot | undefined> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read state file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new StateFileError(`state file ${path} is not valid JSON (truncated?); move it aside to start from the fixture`);
  }
  const parsed = SnapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateFileError(`state file ${path} is not a saved mock state (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); move it aside to start from the fixture`);
  }
  return parsed.data;
}

export interface Persistence {
  /** Resolves once everything changed so far is on disk (or the attempt failed and was logged). */
  flush(): Promise<void>;
  /** Resolves once the last change is durably saved; rejects if that save failed (a claim is not answered then). */
  durable(): Promise<void>;
  close(): void;
}

/** Writes the whole file or nothing (agent-core's atomic writer; a test may wrap it to fail). */
export type StateWriter = (path: string, data: string) => Promise<void>;

/** How soon a failed save is tried again. */
const RETRY_MS = 1_000;

/**
 * Keeps a lab server's state across restarts: saved after each change, one save at a time, the
 * latest state winning — written atomically (temp file, fsync, rename, directory fsync, 0600). A
 * save that fails (a full disk) is logged and retried, never fatal; its temp file is removed.
 */
export function persistState(store: Store, path: string, log: (line: string) => void, write: StateWriter = writeFileAtomic): Persistence {
  let chain: Promise<void> = Promise.resolve();
  let latest: Promise<void> = Promise.resolve();
  let dirty = false;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const save = (): Promise<void> => {
    if (!dirty) return Promise.resolve();
    dirty = false;
    return write(path, JSON.stringify(store.snapshot(), null, 2)).catch((err: unknown) => {
      dirty = true;
      log(`osiris-mock-server: could not save state to ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}); retrying`);
      if (!closed && retry === undefined) retry = setTimeout(() => { retry = undefined; void schedule().catch(() => undefined); }, RETRY_MS).unref();
      throw err;
    });
  };
  const schedule = (): Promise<void> => {
    const next = chain.then(save, save);
    chain = next.catch(() => undefined);
    return next;
  };
  const off = store.onChange(() => {
    dirty = true;
    latest = schedule();
    void latest.catch(() => undefined);
  });
  return {
    flush: () => chain,
    durable: () => latest,
    close: () => {
      closed = true;
      off();
      if (retry !== undefined) clearTimeout(retry);
    },
  };
}
