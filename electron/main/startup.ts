import type { ConfigState } from '../../agent-core/src/config/state.js';
import type { HeadlessRequest } from './settings.js';

export type StartupDecision =
  | { readonly action: 'headless'; readonly request: NonNullable<HeadlessRequest> }
  | { readonly action: 'handover'; readonly reason: string }
  | { readonly action: 'wizard' };

/**
 * The seed's main(): explicit provisioning flags run agent-core headless; otherwise a usable config
 * means the appliance is provisioned and the agent should run (exit at once) — unless the answer it
 * was written from is still journalled beside it (a run stopped before its finishing calls), which
 * the wizard finishes; otherwise the wizard.
 */
export function decideStartup(headless: HeadlessRequest, config: ConfigState, journalPending: boolean): StartupDecision {
  if (headless !== undefined) return { action: 'headless', request: headless };
  if (config.state === 'valid' && !journalPending) return { action: 'handover', reason: `already provisioned (${config.path})` };
  return { action: 'wizard' };
}

/** The CLI's arguments when the binary was started as `osiris-provision` (`… --cli ARGS`); Chromium's own flags before `--cli` are not the CLI's. */
export function cliArguments(argv: readonly string[]): string[] | undefined {
  const at = argv.indexOf('--cli');
  return at < 0 ? undefined : argv.slice(at + 1);
}
