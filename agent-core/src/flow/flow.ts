import { maskProvisionCode, parseProvisionCode } from '../codes/codes.js';
import { DEFAULT_API_ENDPOINT } from '../constants.js';
import { endpointToString, parseApiEndpoint } from '../http/endpoint.js';
import { HttpClient, type HttpClientOptions } from '../http/client.js';
import { runPreflight } from '../http/preflight.js';
import { getIdentity, type ApplianceIdentity } from '../identity/index.js';
import { claimProvisionCode, isUnusableAnswer, validateProvisionCode, type ApiOptions, type ClaimAnswer } from '../protocol/api.js';
import { isNetworkFailure, ok, type Failure } from '../result.js';
import { printable } from '../text.js';
import { codeFingerprint, type JournalEntry } from '../state/journal.js';
import { commitSite } from './commit.js';
import type { FlowFailure, FlowResult, FlowStep, ProgressEvent } from './events.js';
import { explainClaimed, explainLostAnswer, explainServerError } from './explain.js';
import { flowPaths, prepare, type Intent } from './prepare.js';
import { FlowRun, type FlowHooks } from './run.js';
import { keepUnusableAnswer } from './unusable-answer.js';

export interface FlowOptions {
  /** The provision code. Without one, the run finishes the unfinished claim on disk (and only that). */
  readonly code?: string;
  readonly apiEndpoint?: string;
  readonly stateDir?: string;
  readonly configPath?: string;
  readonly force?: boolean;
  /** With a code: set an unfinished claim aside (kept for support) instead of stopping at it. */
  readonly discardClaim?: boolean;
  /** Ask the server about the code before claiming it. Off by default: the claim answers every code error itself. */
  readonly validate?: boolean;
  /** Run the network gate before starting, only to explain a network failure (default), or never. */
  readonly preflight?: 'always' | 'on-failure' | 'never';
  readonly identity?: ApplianceIdentity;
  readonly http?: Omit<HttpClientOptions, 'endpoint'>;
  /** An open client to reuse (the kiosk's, warmed while the technician reads Confirm), when it is for the run's endpoint. Not closed here. */
  readonly client?: HttpClient;
  /** Where to install SSH keys a drop-ship config carries (claims carry none today). */
  readonly authorizedKeysPath?: string;
  /** Who runs this, as a second run will be told when it finds the lock taken. */
  readonly purpose?: string;
  readonly lockWaitMs?: number;
  readonly onEvent?: (event: ProgressEvent) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
  readonly hooks?: FlowHooks;
}

/**
 * Provisioning with a code: identity → prepare (state directory, lock, what is on disk) →
 * (preflight) → (validate) → claim, then the steps both ways in share after the point of no return
 * (commitSite). Without a code, it finishes the claim an interrupted run journalled.
 */
export async function runProvisioningFlow(options: FlowOptions): Promise<FlowResult> {
  const run = new FlowRun(options.onEvent, options.hooks);
  const now = options.now ?? (() => new Date());
  const paths = flowPaths(options.stateDir, options.configPath);

  // A typo is caught before anything else happens, and a bad endpoint before anything is locked.
  const code = options.code === undefined ? undefined : parseProvisionCode(options.code);
  if (code?.ok === false) return run.fail('validate', code);
  const intent: Intent = code === undefined ? 'resume' : 'code';

  run.emit('identity', 'running', 'Reading appliance identity');
  const identity = options.identity ?? getIdentity();
  run.emit('identity', 'done', `MAC ${identity.mac_address}, hostname ${printable(identity.hostname)}`);
  await run.after('identity');

  const prepared = await prepare(run, paths, {
    intent,
    ...(code?.ok === true ? { code: code.data } : {}),
    purpose: options.purpose ?? (intent === 'code' ? 'a code claim' : 'finishing a claim'),
    now,
    ...(options.force === undefined ? {} : { force: options.force }),
    ...(options.discardClaim === undefined ? {} : { discardClaim: options.discardClaim }),
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
  });
  if (!prepared.ok) return prepared;
  await run.after('prepare');

  const endpointText = prepared.kind === 'resume' ? prepared.entry.api_endpoint : (options.apiEndpoint ?? DEFAULT_API_ENDPOINT);
  const endpoint = parseApiEndpoint(endpointText);
  const given = endpoint.ok && options.client !== undefined && endpointToString(options.client.endpoint) === endpointToString(endpoint.data) ? options.client : undefined;
  const reuse = given !== undefined;
  const client = given !== undefined ? ok(given) : endpoint.ok ? HttpClient.create({ ...options.http, endpoint: endpoint.data }) : endpoint;
  if (!client.ok) {
    await prepared.lock.release();
    return run.fail('prepare', client);
  }
  const commit = (entry: JournalEntry, resumed: boolean) =>
    commitSite({
      run,
      paths,
      entry,
      resumed,
      now,
      api: { client: client.data },
      ...(options.authorizedKeysPath === undefined ? {} : { authorizedKeysPath: options.authorizedKeysPath }),
    });
  try {
    if (prepared.kind === 'resume') {
      run.emit('claim', 'skipped', `Finishing the claim made earlier (${prepared.entry.code_hint ?? prepared.entry.source})`);
      return await commit(prepared.entry, true);
    }
    const claimCode = code?.ok === true ? code.data : '';
    const api: ApiOptions = { client: client.data, ...(options.signal === undefined ? {} : { signal: options.signal }) };
    const claimed = await claimStep(run, options, { api, client: client.data, code: claimCode, identity });
    if (!claimed.ok) return claimed;
    return await commit(journalEntry(claimed.data, endpointToString(client.data.endpoint), claimCode, identity, now()), false);
  } finally {
    await prepared.lock.release();
    // Not awaited: every answer has been read by now, and the socket's teardown (~3 ms) would only
    // hold back the result line of a process that exits right after it.
    if (!reuse) void client.data.close().catch(() => undefined);
  }
}

interface ClaimContext {
  /** The run's client and cancel signal (validation may be cancelled; the claim never is). */
  readonly api: ApiOptions;
  readonly client: HttpClient;
  readonly code: string;
  readonly identity: ApplianceIdentity;
}

/** Everything up to and including the claim: the point of no return is the claim's answer. */
async function claimStep(run: FlowRun, options: FlowOptions, ctx: ClaimContext): Promise<{ readonly ok: true; readonly data: ClaimAnswer } | FlowFailure> {
  const { client } = ctx;
  const diagnose = async (step: FlowStep, failure: Failure): Promise<FlowFailure> => {
    if (!isNetworkFailure(failure) || options.preflight === 'never') return run.fail(step, failure);
    run.emit('preflight', 'running', 'Checking the network to find out why');
    const report = await runPreflight({ client, ...caFile(options) });
    run.emit('preflight', report.ok ? 'done' : 'failed', report.failed?.detail ?? 'The network looks fine now');
    const hint = report.failed?.hint ?? failure.hint;
    return run.fail(step, hint === undefined ? failure : { ...failure, hint }, { preflight: report });
  };

  if (options.preflight === 'always') {
    run.emit('preflight', 'running', 'Checking the network (DNS, TCP, TLS, HTTP)');
    const report = await runPreflight({ client, ...caFile(options) });
    if (!report.ok) {
      const stage = report.failed;
      const failCode = stage?.stage === 'tls' ? 'tls' : stage?.stage === 'http' ? 'server' : 'unreachable';
      return run.fail('preflight', { ok: false, code: failCode, error: stage?.detail ?? 'Network check failed', retryable: true, ...(stage?.hint === undefined ? {} : { hint: stage.hint }) }, { preflight: report });
    }
    run.emit('preflight', 'done', 'Network OK');
  } else {
    run.emit('preflight', 'skipped', 'Network check runs only if something fails');
  }
  await run.after('preflight');

  const masked = maskProvisionCode(ctx.code);
  if (options.validate === true) {
    run.emit('validate', 'running', `Checking code ${masked}`);
    const validated = await validateProvisionCode(ctx.code, ctx.api);
    if (!validated.ok) return validated.code === 'claimed' ? run.fail('validate', await explainClaimed(validated, ctx)) : diagnose('validate', validated);
    run.emit('validate', 'done', `Code ${masked} belongs to ${printable(validated.data.partner.brand_name ?? 'a partner')}`);
  } else {
    run.emit('validate', 'skipped', 'The claim checks the code');
  }
  await run.after('validate');
  if (options.signal?.aborted === true) return run.fail('claim', { ok: false, code: 'cancelled', error: 'Provisioning cancelled', retryable: false });

  run.emit('claim', 'running', `Claiming code ${masked}`);
  // Not cancellable: once sent, the server may consume the code, so the answer must be kept.
  const claimed = await claimProvisionCode(ctx.code, { client, identity: ctx.identity });
  if (!claimed.ok) {
    // The questions after a failed claim are not cancellable either: the technician must learn what happened to the code.
    const explain = { client, code: ctx.code, identity: ctx.identity };
    if (isUnusableAnswer(claimed)) return run.fail('claim', await keepUnusableAnswer(claimed, flowPaths(options.stateDir, options.configPath)));
    if (claimed.code === 'claimed') return run.fail('claim', await explainClaimed(claimed, explain));
    if (claimed.code === 'server' && claimed.retryable) return run.fail('claim', await explainServerError(claimed, explain));
    if (isNetworkFailure(claimed)) return diagnose('claim', await explainLostAnswer(claimed, explain));
    return run.fail('claim', claimed);
  }
  run.emit('claim', 'done', `Claimed for site ${printable(claimed.data.site.site_id)}`);
  for (const warning of claimed.data.warnings) run.warn('claim', `Server answer: ${warning}`);
  await run.after('claim');
  return claimed;
}

function caFile(options: FlowOptions): { caFile?: string } {
  return options.http?.caFile === undefined ? {} : { caFile: options.http.caFile };
}

function journalEntry(answer: ClaimAnswer, apiEndpoint: string, code: string, identity: ApplianceIdentity, at: Date): JournalEntry {
  return {
    version: 2,
    source: 'claim',
    created_at: at.toISOString(),
    api_endpoint: apiEndpoint,
    code_hint: maskProvisionCode(code),
    code_sha256: codeFingerprint(code),
    mac_address: identity.mac_address,
    hostname: identity.hostname,
    site: answer.site,
  };
}
