import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { ClaimResponseSchema, MacAddressSchema } from '../protocol/contract.js';
import type { ConfigOverrides } from '../config/schema.js';
import type { CreateConfigInput } from '../config/write.js';
import { writeFileAtomic, type WritePhase } from '../fs/atomic-write.js';

/**
 * The claim journal: the server's claim answer, saved (0600, atomically) before anything else is
 * done with it. Once the server has consumed a code, a crash or power cut must not leave the
 * appliance holding nothing: the next run finds the journal and finishes from it instead of
 * claiming again (which the server would refuse as "already claimed").
 */
export const JournalSchema = z.object({
  version: z.literal(1),
  created_at: z.string(),
  api_endpoint: z.string(),
  code_hint: z.string(),
  mac_address: MacAddressSchema,
  hostname: z.string(),
  claim: ClaimResponseSchema,
  /** The key that goes into config.yaml: the server's, or the one generated for this claim. */
  api_key: z.string().min(32),
});
export type JournalEntry = z.infer<typeof JournalSchema>;

export type JournalState =
  | { readonly state: 'none' }
  | { readonly state: 'found'; readonly entry: JournalEntry }
  | { readonly state: 'corrupt'; readonly reason: string };

export async function readJournal(path: string): Promise<JournalState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return recoverFromTemp(path);
    return { state: 'corrupt', reason: `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return parseJournal(text);
}

/**
 * A process killed after writing the journal's temp file but before renaming it still wrote the
 * whole claim: a temp file that parses completely (JSON cannot be half-valid here) is promoted.
 */
async function recoverFromTemp(path: string): Promise<JournalState> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'))) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    const parsed = parseJournal(text);
    if (parsed.state === 'found') {
      await rename(join(dir, name), path);
      return parsed;
    }
    // Empty or cut short: the process died before the claim reached the file; nothing to keep.
    await unlink(join(dir, name)).catch(() => undefined);
  }
  return { state: 'none' };
}

function parseJournal(text: string): JournalState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: 'corrupt', reason: 'not valid JSON' };
  }
  const parsed = JournalSchema.safeParse(json);
  return parsed.success ? { state: 'found', entry: parsed.data } : { state: 'corrupt', reason: 'fields missing or invalid' };
}

export async function writeJournal(
  path: string,
  entry: JournalEntry,
  onPhase?: (phase: WritePhase, tempPath: string) => void | Promise<void>,
): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(entry, null, 2)}\n`, onPhase === undefined ? {} : { onPhase });
}

export async function removeJournal(path: string): Promise<void> {
  await unlink(path).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  });
}

/** Keeps an unreadable journal for a human to look at, out of the way of a fresh claim. */
export async function quarantineJournal(path: string, now: Date): Promise<string> {
  const target = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, target);
  return target;
}

/** What createConfig needs from a journalled claim, with the server's per-appliance settings. */
export function configInputFrom(entry: JournalEntry, overrides: ConfigOverrides): CreateConfigInput {
  return {
    site_id: entry.claim.site_id,
    appliance_id: entry.claim.appliance_id,
    partner_info: entry.claim.partner,
    api_endpoint: agentEndpoint(entry),
    api_key: entry.api_key,
    mac_address: entry.mac_address,
    hostname: entry.hostname,
    overrides,
  };
}

/** The server's `api_endpoint` for the agent, or the endpoint the claim was made against. */
export function agentEndpoint(entry: JournalEntry): string {
  return entry.claim.api_endpoint ?? entry.api_endpoint;
}
