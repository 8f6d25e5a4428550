import { dirname, join } from 'node:path';
import { claimProvisionCode, sendHeartbeat, validateProvisionCode, type ApiOptions } from '../protocol/api.js';
import { generateApiKey } from '../api-key.js';
import { maskProvisionCode, parseProvisionCode } from '../codes/codes.js';
import { CONFIG_FILE_NAME, DEFAULT_API_ENDPOINT, DEFAULT_STATE_DIR, JOURNAL_FILE_NAME } from '../constants.js';
import type { ClaimResponse } from '../protocol/contract.js';
import { pickOverrides } from '../config/schema.js';
import { readConfigState } from '../config/state.js';
import { createConfig } from '../config/write.js';
import { endpointToString, parseApiEndpoint } from '../http/endpoint.js';
import type { WritePhase } from '../fs/atomic-write.js';
import { ioFailure } from '../fs/io-errors.js';
import { HttpClient, type HttpClientOptions } from '../http/client.js';
import { getIdentity, type ApplianceIdentity } from '../identity/index.js';
import { agentEndpoint, configInputFrom, quarantineJournal, readJournal, removeJournal, writeJournal, type JournalEntry } from '../state/journal.js';
import { runPreflight } from '../http/preflight.js';
import { isNetworkFailure, type Failure } from '../result.js';
import { STEP_PERCENT, type FlowFailure, type FlowResult, type FlowStep, type ProgressEvent, type StepStatus } from './events.js';
import { finishWithServer } from './finish.js';

export interface FlowOptions {
  /** The provision code; may be omitted only when an interrupted claim is waiting in the journal. */
  readonly code?: string;
  readonly apiEndpoint?: string;
  readonly stateDir?: string;
  readonly configPath?: string;
  readonly force?: boolean;
  /** Ask the server about the code before claiming it (clearer errors, nothing consumed). Default true. */
  readonly validate?: boolean;
  /** Run the network gate before starting, only to explain a network failure (default), or never. */
  readonly preflight?: 'always' | 'on-failure' | 'never';
  readonly identity?: ApplianceIdentity;
  readonly http?: Omit<HttpClientOptions, 'endpoint'>;
  readonly onEvent?: (event: ProgressEvent) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
  /** Test seams for crash-safety tests: called after each step and at each phase of each file write. */
  readonly hooks?: {
    readonly afterStep?: (step: FlowStep) => void | Promise<void>;
    readonly onWritePhase?: (file: 'journal' | 'config', phase: WritePhase) => void | Promise<void>;
  };
}

/**
 * The provisioning flow, one state machine for the CLI and the kiosk: identity → (preflight) →
 * validate → claim → journal → write config → report status → fetch config → done. Every step
 * emits progress; every failure says which step and what to do; a crash between any two steps
 * resumes from the journal without claiming again.
 */
export async function runProvisioningFlow(options: FlowOptions): Promise<FlowResult> {
  const stateDir = options.stateDir ?? (options.configPath === undefined ? DEFAULT_STATE_DIR : dirname(options.configPath));
  const configPath = options.configPath ?? join(stateDir, CONFIG_FILE_NAME);
  const journalPath = join(dirname(configPath), JOURNAL_FILE_NAME);
  const now = options.now ?? (() => new Date());
  let percent = 0;
  const emit = (step: FlowStep, status: StepStatus, message: string) => {
    if (status === 'done' || status === 'skipped') percent = Math.max(percent, STEP_PERCENT[step]);
    options.onEvent?.({ step, status, percent, message });
  };
  const failAt = (step: FlowStep, failure: Failure, extra: Partial<FlowFailure> = {}): FlowFailure => {
    emit(step, 'failed', failure.error);
    return { ...failure, ...extra, step };
  };
  const after = async (step: FlowStep) => options.hooks?.afterStep?.(step);
  const phaseHook = (file: 'journal' | 'config') =>
    options.hooks?.onWritePhase === undefined ? undefined : (phase: WritePhase) => options.hooks?.onWritePhase?.(file, phase);

  emit('identity', 'running', 'Reading appliance identity');
  const identity = options.identity ?? getIdentity();
  emit('identity', 'done', `MAC ${identity.mac_address}, hostname ${identity.hostname}`);
  await after('identity');

  // What is already on disk decides everything else: a finished config, or a claim to finish.
  const existing = await readConfigState(configPath);
  let journal = await readJournal(journalPath);
  if (journal.state === 'found' && existing.state === 'valid') {
    await removeJournal(journalPath).catch(() => undefined);
    journal = { state: 'none' };
  }
  if (existing.state === 'valid' && options.force !== true) {
    return failAt('identity', {
      ok: false,
      code: 'exists',
      error: `Appliance is already provisioned (config at ${configPath})`,
      hint: 'Use --force to re-provision; the current config will be backed up.',
      retryable: false,
    });
  }
  if (journal.state === 'corrupt') {
    const kept = await quarantineJournal(journalPath, now()).catch(() => journalPath);
    emit('journal', 'warning', `Ignored an unreadable claim journal (${journal.reason}); kept as ${kept}`);
  }
  const resumed = journal.state === 'found' ? journal.entry : undefined;

  let code: string | undefined;
  if (resumed === undefined) {
    const parsed = parseProvisionCode(options.code ?? '');
    if (!parsed.ok) return failAt('validate', parsed);
    code = parsed.data;
  }

  const endpoint = parseApiEndpoint(resumed?.api_endpoint ?? options.apiEndpoint ?? DEFAULT_API_ENDPOINT);
  if (!endpoint.ok) return failAt('preflight', endpoint);
  const client = HttpClient.create({ ...options.http, endpoint: endpoint.data });
  if (!client.ok) return failAt('preflight', client);
  const api = { client: client.data, ...(options.signal === undefined ? {} : { signal: options.signal }) };

  const preflight = () => runPreflight({ client: client.data, ...(options.http?.caFile === undefined ? {} : { caFile: options.http.caFile }) });
  const diagnose = async (step: FlowStep, failure: Failure): Promise<FlowFailure> => {
    if (!isNetworkFailure(failure) || options.preflight === 'never') return failAt(step, failure);
    emit('preflight', 'running', 'Checking the network to find out why');
    const report = await preflight();
    const hint = report.failed?.hint ?? failure.hint;
    emit('preflight', report.ok ? 'done' : 'failed', report.failed?.detail ?? 'The network looks fine now');
    return failAt(step, hint === undefined ? failure : { ...failure, hint }, { preflight: report });
  };

  try {
    if (options.preflight === 'always') {
      emit('preflight', 'running', 'Checking the network (DNS, TCP, TLS, HTTP)');
      const report = await preflight();
      if (!report.ok) {
        const stage = report.failed;
        const code = stage?.stage === 'tls' ? 'tls' : stage?.stage === 'http' ? 'server' : 'unreachable';
        return failAt('preflight', { ok: false, code, error: stage?.detail ?? 'Network check failed', retryable: true, ...(stage?.hint === undefined ? {} : { hint: stage.hint }) }, { preflight: report });
      }
      emit('preflight', 'done', 'Network OK');
    } else {
      emit('preflight', 'skipped', 'Network check runs only if something fails');
    }
    await after('preflight');

    let entry: JournalEntry;
    let journalled = true;
    if (resumed !== undefined) {
      emit('validate', 'skipped', 'Code already claimed by this appliance');
      emit('claim', 'skipped', `Resuming the claim made earlier with code ${resumed.code_hint}`);
      entry = resumed;
    } else {
      const masked = maskProvisionCode(code ?? '');
      if (options.validate !== false) {
        emit('validate', 'running', `Checking code ${masked}`);
        const validated = await validateProvisionCode(code ?? '', api);
        if (!validated.ok) {
          if (validated.code === 'claimed') return failAt('validate', await explainClaimed(validated, { client: client.data, identity }));
          return await diagnose('validate', validated);
        }
        emit('validate', 'done', `Code ${masked} belongs to ${validated.data.partner.brand_name}`);
      } else {
        emit('validate', 'skipped', 'Validation not requested');
      }
      await after('validate');

      emit('claim', 'running', `Claiming code ${masked}`);
      // Not cancellable: once sent, the server may consume the code, so the answer must be kept.
      const claimed = await claimProvisionCode(code ?? '', { client: client.data, identity });
      if (!claimed.ok) {
        if (claimed.code === 'claimed') return failAt('claim', await explainClaimed(claimed, { client: client.data, identity }));
        return await diagnose('claim', claimed);
      }
      emit('claim', 'done', `Claimed for site ${claimed.data.site_id}`);
      await after('claim');
      entry = journalEntry(claimed.data, endpointToString(endpoint.data), masked, identity, now());
      if (claimed.data.api_endpoint === undefined) emit('claim', 'warning', 'Server named no API endpoint; using the provisioning endpoint');

      emit('journal', 'running', 'Saving the claim');
      try {
        await writeJournal(journalPath, entry, phaseHook('journal'));
        emit('journal', 'done', 'Claim saved; an interruption from here on resumes without claiming again');
      } catch (err) {
        journalled = false;
        emit('journal', 'warning', `Could not save the claim journal: ${ioFailure(err, journalPath).error}`);
      }
      await after('journal');
      if (options.signal?.aborted === true) {
        return failAt('journal', { ok: false, code: 'cancelled', error: 'Provisioning cancelled', hint: 'The claim is saved; run provisioning again to finish (no new code needed).', retryable: false });
      }
    }

    emit('write-config', 'running', 'Writing configuration');
    const written = await createConfig(
      configInputFrom(entry, pickOverrides(entry.claim.config)),
      { configPath, stateDir, force: true, now, ...(phaseHook('config') === undefined ? {} : { onPhase: phaseHook('config') }) },
    );
    if (!written.ok) {
      const next = journalled
        ? 'The claim is saved; run provisioning again to finish (no new code needed).'
        : `The code was claimed but could not be saved: contact support with site ${entry.claim.site_id}.`;
      const hint = `${written.hint ?? ''} ${next}`.trim();
      return failAt('write-config', { ...written, hint });
    }
    emit('write-config', 'done', `Configuration written to ${configPath}`);
    await removeJournal(journalPath).catch(() => undefined);
    await after('write-config');

    const warnings = await finishWithServer({ api, entry, configPath, stateDir, now, emit, after });
    emit('done', 'done', `Provisioned: site ${entry.claim.site_id}`);
    return {
      ok: true,
      data: {
        site_id: entry.claim.site_id,
        appliance_id: entry.claim.appliance_id,
        config_path: configPath,
        api_endpoint: agentEndpoint(entry),
        partner: entry.claim.partner,
        resumed: resumed !== undefined,
        warnings,
        ...(written.data.backupPath === undefined ? {} : { backup_path: written.data.backupPath }),
      },
    };
  } finally {
    await client.data.close();
  }
}

function journalEntry(claim: ClaimResponse, apiEndpoint: string, codeHint: string, identity: ApplianceIdentity, at: Date): JournalEntry {
  return {
    version: 1,
    created_at: at.toISOString(),
    api_endpoint: apiEndpoint,
    code_hint: codeHint,
    mac_address: identity.mac_address,
    hostname: identity.hostname,
    claim,
    api_key: claim.api_key ?? generateApiKey(),
  };
}

/**
 * "Already claimed" has two very different meanings for a technician: someone else's appliance has
 * this code, or this very appliance claimed it and lost the answer (power cut before the journal
 * was saved). The heartbeat tells them apart, because the server knows which MAC claimed.
 */
async function explainClaimed(failure: Failure, context: ApiOptions & { identity: ApplianceIdentity }): Promise<Failure> {
  const beat = await sendHeartbeat({ mac_address: context.identity.mac_address, hostname: context.identity.hostname, status: 'claim_conflict' }, context);
  if (beat.ok && beat.data.status === 'known') {
    return {
      ...failure,
      hint: `This appliance itself already claimed a code for site ${beat.data.site_id}, but its answer was lost before it was saved. Ask the partner to issue a new code for this appliance.`,
    };
  }
  return { ...failure, hint: 'Another appliance already used this code. Ask the partner for a new code.' };
}
