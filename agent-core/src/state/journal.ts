import { createHash } from 'node:crypto';
import { readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from '../zod.js';
import { MAX_STATE_FILE_BYTES } from '../constants.js';
import { isStaleTemp, writeFileAtomic, type WritePhase } from '../fs/atomic-write.js';
import { readRegularFile } from '../fs/safe-read.js';
import { ClaimedSiteSchema, type ClaimedSite } from '../protocol/answers.js';

/**
 * The claim journal: the server's answer (a code claim, or a drop-ship assignment), saved 0600 and
 * atomically before anything else is done with it. Once the server has consumed a code or minted a
 * key, a crash or power cut must not leave the appliance holding nothing: the next run finds the
 * journal and finishes from it instead of asking again (a claim would be refused as "already
 * claimed"; a new drop-ship answer would retire the key already written).
 */
export const JournalSchema = z.object({
  version: z.literal(2),
  /** How the site was obtained: a provision code, or drop-ship by MAC. */
  source: z.enum(['claim', 'dropship']),
  created_at: z.string(),
  /** The endpoint the answer came from: the finishing calls go there. */
  api_endpoint: z.string(),
  /** The masked code (`ABCD…5678`) of a claim. */
  code_hint: z.optional(z.string()),
  /** SHA-256 of the claimed code: the same code given again finishes this claim instead of stopping at it. */
  code_sha256: z.optional(z.string()),
  mac_address: z.string().check(z.regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/)),
  hostname: z.string(),
  site: ClaimedSiteSchema,
  /** A drop-ship answer's signed bytes, kept so its SSH keys can be checked again by whoever installs them. */
  signed: z.optional(z.object({ canonical: z.string(), signature: z.string() })),
});
export type JournalEntry = z.infer<typeof JournalSchema>;

/** The first release's journal (a claim answer and the key beside it), read so an upgrade mid-claim loses nothing. */
const JournalV1Schema = z.object({
  version: z.literal(1),
  created_at: z.string(),
  api_endpoint: z.string(),
  code_hint: z.string(),
  mac_address: z.string(),
  hostname: z.string(),
  api_key: z.string().check(z.minLength(1)),
  claim: z.looseObject({
    site_id: z.string().check(z.minLength(1)),
    appliance_id: z.string().check(z.minLength(1)),
    api_endpoint: z.optional(z.string()),
    partner: z.looseObject({ slug: z.optional(z.string()), brand_name: z.optional(z.string()), primary_color: z.optional(z.string()) }),
  }),
});

export type JournalState =
  | { readonly state: 'none' }
  | { readonly state: 'found'; readonly entry: JournalEntry }
  | { readonly state: 'corrupt'; readonly reason: string };

export function readJournal(path: string): Promise<JournalState> {
  const read = readRegularFile(path, MAX_STATE_FILE_BYTES);
  if (read.ok) return Promise.resolve(parseJournal(read.text));
  if (read.kind === 'missing') return recoverFromTemp(path);
  return Promise.resolve({ state: 'corrupt', reason: read.reason });
}

/**
 * A process killed after writing the journal's temp file but before renaming it still wrote the
 * whole answer: a temp file that parses completely (JSON cannot be half-valid here) is promoted.
 */
async function recoverFromTemp(path: string): Promise<JournalState> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'))) {
    const read = readRegularFile(join(dir, name), MAX_STATE_FILE_BYTES);
    const parsed = read.ok ? parseJournal(read.text) : undefined;
    if (parsed?.state === 'found') {
      // Promotion may fail on a read-only disk; the temp file still holds the answer, so use it as it is.
      await rename(join(dir, name), path).catch(() => undefined);
      return parsed;
    }
    // Empty or cut short by a writer that is gone: the answer never reached it; nothing to keep.
    if (await isStaleTemp(dir, name, basename(path))) await unlink(join(dir, name)).catch(() => undefined);
  }
  return { state: 'none' };
}

export function parseJournal(text: string): JournalState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: 'corrupt', reason: 'not valid JSON' };
  }
  const parsed = JournalSchema.safeParse(json);
  if (parsed.success) return { state: 'found', entry: parsed.data };
  const v1 = JournalV1Schema.safeParse(json);
  if (v1.success) return { state: 'found', entry: fromV1(v1.data) };
  return { state: 'corrupt', reason: 'fields missing or invalid' };
}

function fromV1(old: z.infer<typeof JournalV1Schema>): JournalEntry {
  const { partner, site_id, appliance_id, api_endpoint } = old.claim;
  const site: ClaimedSite = {
    site_id,
    appliance_id,
    api_key: old.api_key,
    partner: {
      ...(partner.slug === undefined ? {} : { slug: partner.slug }),
      ...(partner.brand_name === undefined ? {} : { brand_name: partner.brand_name }),
      ...(partner.primary_color === undefined ? {} : { primary_color: partner.primary_color }),
    },
    ...(api_endpoint === undefined ? {} : { api_endpoint }),
  };
  return { version: 2, source: 'claim', created_at: old.created_at, api_endpoint: old.api_endpoint, code_hint: old.code_hint, mac_address: old.mac_address, hostname: old.hostname, site };
}

export async function writeJournal(path: string, entry: JournalEntry, onPhase?: (phase: WritePhase, tempPath: string) => void | Promise<void>): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(entry, null, 2)}\n`, onPhase === undefined ? {} : { onPhase });
}

export async function removeJournal(path: string): Promise<void> {
  await unlink(path).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  });
}

/** Keeps a journal for a human to look at, out of the way of a fresh run (an unreadable one, or one the operator discarded). */
export async function setJournalAside(path: string, now: Date, why: 'corrupt' | 'discarded'): Promise<string> {
  const target = `${path}.${why}-${now.toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, target);
  return target;
}

/** The endpoint the agent reports to: the server's (when it passed the endpoint rule), or the one provisioned against. */
export function agentEndpoint(entry: JournalEntry): string {
  return entry.site.api_endpoint ?? entry.api_endpoint;
}

/** The code's fingerprint as the journal keeps it (never the code itself: it is spent, but still not for the disk). */
export function codeFingerprint(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}
