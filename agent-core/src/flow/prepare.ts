import { dirname, join } from 'node:path';
import { CONFIG_FILE_NAME, DEFAULT_STATE_DIR, JOURNAL_FILE_NAME, LOCK_FILE_NAME, LOCK_WAIT_MS } from '../constants.js';
import { readConfigIds } from '../config/ids.js';
import { readConfigState } from '../config/state.js';
import { isoSeconds } from '../config/write.js';
import { ioFailure } from '../fs/io-errors.js';
import { fail, type Failure } from '../result.js';
import { printable } from '../text.js';
import { codeFingerprint, readJournal, setJournalAside, type JournalEntry } from '../state/journal.js';
import { acquireLock, type HeldLock } from '../state/lock.js';
import { hasMarker, writeMarker } from '../state/marker.js';
import { prepareStateDir } from '../state/state-dir.js';
import type { FlowFailure } from './events.js';
import type { FlowRun } from './run.js';

export interface FlowPaths {
  readonly stateDir: string;
  readonly configPath: string;
  readonly journalPath: string;
  readonly lockPath: string;
}

/** config.yaml in the state directory unless given; journal and lock always beside the config. */
export function flowPaths(stateDir: string | undefined, configPath: string | undefined): FlowPaths {
  const dir = stateDir ?? (configPath === undefined ? DEFAULT_STATE_DIR : dirname(configPath));
  const config = configPath ?? join(dir, CONFIG_FILE_NAME);
  return { stateDir: dir, configPath: config, journalPath: join(dirname(config), JOURNAL_FILE_NAME), lockPath: join(dirname(config), LOCK_FILE_NAME) };
}

/**
 * Why this run was started, which decides what a journal on disk means:
 * `code` — a technician gave a code: an unfinished claim stops the run (unless discarded on purpose);
 * `resume` — no code (the CLI without one, the kiosk's "Finish setup"): finish the journal;
 * `dropship` — the MAC poller: finish a drop-ship journal, leave a code claim to a person.
 */
export type Intent = 'code' | 'resume' | 'dropship';

export interface PrepareOptions {
  readonly intent: Intent;
  /** With intent `code`: the code given, so that the same code finishes its own journalled claim. */
  readonly code?: string;
  /** Who takes the lock, as a second run will be told ("osiris-provision --provision"). */
  readonly purpose: string;
  readonly force?: boolean;
  readonly discardClaim?: boolean;
  readonly lockWaitMs?: number;
  readonly now: () => Date;
}

export type Prepared =
  | { readonly ok: true; readonly kind: 'fresh'; readonly lock: HeldLock }
  | { readonly ok: true; readonly kind: 'resume'; readonly lock: HeldLock; readonly entry: JournalEntry };

/**
 * Everything checked before the point of no return: the state directory can be trusted and
 * written, the lock is held, and what is on disk (a finished config, an unfinished claim) has
 * decided what this run may do. Nothing here reaches the network.
 */
export async function prepare(run: FlowRun, paths: FlowPaths, options: PrepareOptions): Promise<Prepared | FlowFailure> {
  run.emit('prepare', 'running', 'Checking the state directory');
  const ready = await prepareStateDir(dirname(paths.configPath));
  if (!ready.ok) return run.fail('prepare', ready);
  const lock = await acquireLock(paths.lockPath, options.purpose, { waitMs: options.lockWaitMs ?? LOCK_WAIT_MS });
  if (!lock.ok) return run.fail('prepare', lock);
  const decided = await decide(run, paths, options).catch((err: unknown) => ioFailure(err, paths.stateDir, 'use'));
  if ('code' in decided) {
    await lock.data.release();
    return run.fail('prepare', decided);
  }
  run.emit('prepare', 'done', decided.entry === undefined ? 'State directory ready' : `Found the saved answer for site ${printable(decided.entry.site.site_id)}`);
  return decided.entry === undefined ? { ok: true, kind: 'fresh', lock: lock.data } : { ok: true, kind: 'resume', lock: lock.data, entry: decided.entry };
}

async function decide(run: FlowRun, paths: FlowPaths, options: PrepareOptions): Promise<{ entry?: JournalEntry } | Failure> {
  const config = await readConfigState(paths.configPath);
  if (config.state === 'invalid' && config.unsafe === true) {
    return fail('io', `Refusing to use ${paths.configPath}: ${config.reason}`, 'Remove it; provisioning writes a plain file there.');
  }
  let journal = await readJournal(paths.journalPath);
  if (journal.state === 'corrupt') {
    const kept = await setJournalAside(paths.journalPath, options.now(), 'corrupt');
    run.warn('prepare', `Set aside an unusable claim journal (${journal.reason}) as ${kept}`);
    journal = { state: 'none' };
  }
  const entry = journal.state === 'found' ? journal.entry : undefined;

  if (config.state === 'valid') {
    // The journal of the very answer this config was written from: a run that stopped before its
    // finishing calls and marker. Finishing it decides nothing new, so any run does.
    if (entry !== undefined && readConfigIds(paths.configPath).api_key === entry.site.api_key) return { entry };
    if (entry === undefined && options.force !== true) return alreadyProvisioned(paths);
  }
  if (entry === undefined) {
    return options.intent === 'resume' ? fail('usage', 'There is no unfinished claim to finish', 'Enter a provision code.') : {};
  }
  if (options.intent === 'resume' || (options.intent === 'dropship' && entry.source === 'dropship')) return { entry };
  // The technician typed the very code whose claim is waiting: finishing it is what they asked for.
  if (options.intent === 'code' && options.code !== undefined && entry.code_sha256 === codeFingerprint(options.code)) return { entry };
  if (options.intent === 'code' && options.discardClaim === true) {
    const kept = await setJournalAside(paths.journalPath, options.now(), 'discarded');
    run.warn('prepare', `Discarded the unfinished claim for site ${printable(entry.site.site_id)} (kept as ${kept})`);
    return {};
  }
  return pendingClaim(entry);
}

async function alreadyProvisioned(paths: FlowPaths): Promise<Failure> {
  // A config the hand-over never saw finished (written by hand, or by an older release): mark it, so the agent starts.
  if (!hasMarker(paths.configPath)) {
    const ids = readConfigIds(paths.configPath);
    await writeMarker(paths.configPath, { ...ids, source: 'existing-config', finished_at: isoSeconds(new Date()) }).catch(() => undefined);
  }
  return fail('exists', `Appliance is already provisioned (config at ${paths.configPath})`, 'Use --force to re-provision; the current config will be backed up.');
}

function pendingClaim(entry: JournalEntry): Failure {
  const partner = entry.site.partner.brand_name === undefined ? '' : ` for ${printable(entry.site.partner.brand_name)}`;
  const how = entry.source === 'claim' ? `claimed with code ${entry.code_hint ?? '…'}` : 'assigned by drop-ship';
  return fail(
    'pending-claim',
    `An unfinished claim is waiting: site ${printable(entry.site.site_id)}${partner}, ${how} at ${entry.created_at}`,
    'Finish it first (provisioning without a code finishes it), or discard it with --discard-claim to use the new code.',
  );
}
