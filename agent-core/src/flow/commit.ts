import { readConfigIds } from '../config/ids.js';
import { pickOverrides } from '../config/schema.js';
import { isoSeconds, createConfig } from '../config/write.js';
import { dirname, join } from 'node:path';
import { SIGNED_KEYS_FILE_NAME } from '../constants.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { ioFailure } from '../fs/io-errors.js';
import { reportStatus, type ApiOptions } from '../protocol/api.js';
import { printable } from '../text.js';
import { installAuthorizedKeys } from '../state/authorized-keys.js';
import { agentEndpoint, removeJournal, writeJournal, type JournalEntry } from '../state/journal.js';
import { writeMarker } from '../state/marker.js';
import type { FlowResult } from './events.js';
import { configInputFrom } from './commit-input.js';
import { finishWithServer } from './finish.js';
import type { FlowPaths } from './prepare.js';
import type { FlowRun } from './run.js';

export interface CommitContext {
  readonly run: FlowRun;
  readonly paths: FlowPaths;
  readonly entry: JournalEntry;
  /** True when the entry came from the journal on disk (an interrupted run being finished). */
  readonly resumed: boolean;
  /** For the finishing calls; never carries the run's cancel signal (see finishWithServer). */
  readonly api: Omit<ApiOptions, 'signal'>;
  /** Where to install the drop-ship config's SSH keys; nowhere when not named. */
  readonly authorizedKeysPath?: string;
  readonly now: () => Date;
}

/**
 * The steps after the point of no return, shared by a code claim and a drop-ship assignment: the
 * answer is journalled before anything else can fail, then the config is written (0600, atomic),
 * the SSH keys installed where asked, the dashboard told, and the `.first-provision-success` marker
 * left for the hand-over. From here nothing throws the answer away: a failure keeps the journal for
 * the next run, and everything after the config is a warning.
 */
export async function commitSite(ctx: CommitContext): Promise<FlowResult> {
  const { run, paths, entry } = ctx;
  let journalled = ctx.resumed;
  if (!ctx.resumed) {
    run.emit('journal', 'running', 'Saving the answer');
    try {
      await writeJournal(paths.journalPath, entry, run.phaseHook('journal'));
      journalled = true;
      run.emit('journal', 'done', 'Answer saved; an interruption from here on finishes without asking again');
    } catch (err) {
      run.warn('journal', `Could not save the answer: ${ioFailure(err, paths.journalPath).error}`);
    }
  } else {
    run.emit('journal', 'skipped', `Finishing the answer saved at ${entry.created_at}`);
  }
  await run.after('journal');

  run.emit('write-config', 'running', 'Writing configuration');
  const own = readConfigIds(paths.configPath).api_key === entry.site.api_key;
  const written = await createConfig(configInputFrom(entry, pickOverrides(entry.site.settings)), {
    configPath: paths.configPath,
    stateDir: paths.stateDir,
    force: true,
    // Rewriting our own config (a finished run being completed) needs no backup of it.
    backup: !own,
    now: ctx.now,
    onPhase: run.phaseHook('config'),
  });
  if (!written.ok) {
    const next = journalled
      ? 'The answer is saved; run provisioning again to finish (no new code needed).'
      : `The site was assigned but could not be saved: contact support with site ${printable(entry.site.site_id)}.`;
    await reportStatus({ appliance_id: entry.site.appliance_id, status: 'failed', progress_percent: 65, message: written.error }, entry.site.api_key, ctx.api);
    return run.fail('write-config', { ...written, hint: `${written.hint ?? ''} ${next}`.trim() });
  }
  run.emit('write-config', 'done', `Configuration written to ${paths.configPath}`);
  await run.after('write-config');

  await installKeys(ctx);
  const finished = await finishWithServer({ run, entry, paths, api: ctx.api, now: ctx.now });
  try {
    await writeMarker(paths.configPath, { site_id: entry.site.site_id, appliance_id: entry.site.appliance_id, source: entry.source, finished_at: isoSeconds(ctx.now()) });
    await removeJournal(paths.journalPath);
  } catch (err) {
    // The config is complete; the next run sees the journal beside it and finishes this step again.
    run.warn('done', `Could not mark provisioning finished: ${ioFailure(err, paths.configPath).error}`);
  }
  run.emit('done', 'done', `Provisioned: site ${printable(entry.site.site_id)}`);
  return {
    ok: true,
    data: {
      source: entry.source,
      site_id: entry.site.site_id,
      appliance_id: entry.site.appliance_id,
      config_path: paths.configPath,
      api_endpoint: agentEndpoint(entry),
      partner: entry.site.partner,
      resumed: ctx.resumed,
      warnings: run.warnings,
      ...finished,
      ...(written.data.backupPath === undefined ? {} : { backup_path: written.data.backupPath }),
    },
  };
}

async function installKeys(ctx: CommitContext): Promise<void> {
  const keys = ctx.entry.site.ssh_authorized_keys ?? [];
  if (keys.length === 0) return;
  if (ctx.entry.signed !== undefined) {
    // Kept for a privileged step to install later, after checking the signature itself.
    const kept = join(dirname(ctx.paths.configPath), SIGNED_KEYS_FILE_NAME);
    await writeFileAtomic(kept, `${JSON.stringify(ctx.entry.signed)}\n`).catch((err: unknown) => {
      ctx.run.warn('write-config', `Could not keep the SSH keys for later: ${ioFailure(err, kept).error}`);
    });
  }
  if (ctx.authorizedKeysPath === undefined) return;
  try {
    const result = await installAuthorizedKeys(ctx.authorizedKeysPath, keys);
    for (const skipped of result.skipped) ctx.run.warn('write-config', `Skipped an SSH key from Central Command (${skipped})`);
    ctx.run.emit('write-config', 'done', `Installed ${result.installed} SSH key(s) in ${ctx.authorizedKeysPath}`);
  } catch (err) {
    ctx.run.warn('write-config', `Could not install SSH keys: ${ioFailure(err, ctx.authorizedKeysPath).error}`);
  }
}
