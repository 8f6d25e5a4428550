import { DEFAULT_API_ENDPOINT, DEFAULT_SERVER_KEY_PATH } from '../constants.js';
import { endpointToString, parseApiEndpoint } from '../http/endpoint.js';
import { HttpClient, type HttpClientOptions } from '../http/client.js';
import { sleep as abortableSleep } from '../http/retry.js';
import { getIdentity, type ApplianceIdentity } from '../identity/index.js';
import { readAssignedConfig } from '../protocol/answers.js';
import { fetchAssignment, type Assignment } from '../protocol/api.js';
import { loadServerKey, verifySignature } from '../protocol/signature.js';
import { fail } from '../result.js';
import type { JournalEntry } from '../state/journal.js';
import { commitSite } from './commit.js';
import type { FlowFailure, FlowResult, ProgressEvent } from './events.js';
import { nextPollDelayMs } from './poll-schedule.js';
import { flowPaths, prepare } from './prepare.js';
import { FlowRun, type FlowHooks } from './run.js';

export interface DropshipOptions {
  readonly apiEndpoint?: string;
  readonly stateDir?: string;
  readonly configPath?: string;
  /** Central Command's public key (hex file); /etc/msp/central-command.pub by default. */
  readonly serverKeyPath?: string;
  readonly identity?: ApplianceIdentity;
  readonly http?: Omit<HttpClientOptions, 'endpoint'>;
  readonly authorizedKeysPath?: string;
  /** Give up waiting for an assignment after this long (`--timeout-total`); wait for ever when absent. */
  readonly totalTimeoutMs?: number;
  readonly onEvent?: (event: ProgressEvent) => void;
  /** Told before each wait, for a display of when the next check is. */
  readonly onWait?: (wait: { readonly polls: number; readonly delayMs: number }) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
  readonly hooks?: FlowHooks;
  /** Test seams: the wait between polls and the jitter. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Drop-ship: a box shipped to a clinic provisions itself by MAC once a partner assigns it to a site.
 * Poll `GET /api/provision/{mac}` (honouring `retry_seconds`), and when an assignment arrives —
 * which mints a new key on the server every time, so it is taken exactly once — check Central
 * Command's Ed25519 signature over the config, then take the same steps after the point of no
 * return as a code claim. The lock is held only during a poll and what follows it, so a code claim
 * started meanwhile pauses polling instead of racing it.
 */
export async function runDropshipFlow(options: DropshipOptions): Promise<FlowResult> {
  const run = new FlowRun(options.onEvent, options.hooks);
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? abortableSleep;
  const paths = flowPaths(options.stateDir, options.configPath);
  const keyPath = options.serverKeyPath ?? DEFAULT_SERVER_KEY_PATH;
  const key = loadServerKey(keyPath);
  if (!key.ok) return run.fail('prepare', key);

  const identity = options.identity ?? getIdentity();
  run.emit('identity', 'done', `MAC ${identity.mac_address}`);
  const endpoint = parseApiEndpoint(options.apiEndpoint ?? DEFAULT_API_ENDPOINT);
  const client = endpoint.ok ? HttpClient.create({ ...options.http, endpoint: endpoint.data }) : endpoint;
  if (!client.ok) return run.fail('prepare', client);

  const started = now().getTime();
  const deadline = options.totalTimeoutMs === undefined ? Number.POSITIVE_INFINITY : started + options.totalTimeoutMs;
  const wait = async (polls: number, retrySeconds?: number) => {
    const delayMs = Math.min(nextPollDelayMs(polls, now().getTime() - started, retrySeconds, options.random), Math.max(0, deadline - now().getTime()));
    options.onWait?.({ polls, delayMs });
    await sleep(delayMs, options.signal);
  };
  try {
    for (let polls = 0; ; ) {
      if (options.signal?.aborted === true) return run.fail('assignment', fail('cancelled'));
      if (now().getTime() >= deadline) return run.fail('assignment', notAssigned(identity.mac_address));
      const prepared = await prepare(run, paths, { intent: 'dropship', purpose: 'the drop-ship poller', lockWaitMs: 0, now });
      if (!prepared.ok) {
        if (prepared.code !== 'locked') return prepared;
        await wait(polls);
        continue;
      }
      if (prepared.kind === 'resume') {
        try {
          return await commitSite({ run, paths, entry: prepared.entry, resumed: true, now, api: { client: client.data }, ...keys(options) });
        } finally {
          await prepared.lock.release();
        }
      }
      polls += 1;
      run.emit('assignment', 'running', `Asking Central Command whether a partner has assigned MAC ${identity.mac_address} (check ${polls})`);
      const answer = await fetchAssignment(identity.mac_address, { client: client.data, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      if (!answer.ok || answer.data.state === 'unclaimed') {
        await prepared.lock.release();
        if (!answer.ok && answer.code === 'cancelled') return run.fail('assignment', answer);
        run.emit('assignment', answer.ok ? 'running' : 'warning', answer.ok ? `Not assigned yet: give the partner MAC ${identity.mac_address}` : `Could not ask Central Command: ${answer.error}`);
        await wait(polls, answer.ok && answer.data.state === 'unclaimed' ? answer.data.retrySeconds : undefined);
        continue;
      }
      try {
        // The point of no return: the server minted a key for this answer. It is checked, then kept or refused — never asked for again.
        run.emit('assignment', 'done', 'Assigned to a site by the partner');
        await run.after('assignment');
        const entry = verified(run, answer.data, key.data, keyPath, endpointToString(client.data.endpoint), identity, now());
        if ('code' in entry) return entry;
        return await commitSite({ run, paths, entry, resumed: false, now, api: { client: client.data }, ...keys(options) });
      } finally {
        await prepared.lock.release();
      }
    }
  } finally {
    await client.data.close();
  }
}

function verified(run: FlowRun, answer: Extract<Assignment, { state: 'assigned' }>, key: Parameters<typeof verifySignature>[2], keyPath: string, endpoint: string, identity: ApplianceIdentity, at: Date): JournalEntry | FlowFailure {
  run.emit('verify', 'running', "Checking Central Command's signature");
  const signature = verifySignature(answer.canonical, answer.signature, key, keyPath);
  if (!signature.ok) return run.fail('verify', signature);
  const reading = readAssignedConfig(answer.config);
  if (!reading.ok) return run.fail('verify', fail('bad-response', `The signed drop-ship config lacks ${reading.missing.join(', ')}`));
  for (const warning of reading.warnings) run.warn('verify', `Server answer: ${warning}`);
  run.emit('verify', 'done', 'Signature valid');
  return {
    version: 2,
    source: 'dropship',
    created_at: at.toISOString(),
    api_endpoint: endpoint,
    mac_address: identity.mac_address,
    hostname: identity.hostname,
    site: reading.value,
    ...(typeof answer.signature === 'string' ? { signed: { canonical: answer.canonical, signature: answer.signature } } : {}),
  };
}

function notAssigned(mac: string) {
  return fail('not-assigned', `No partner has assigned this appliance (MAC ${mac}) to a site yet`, `Ask the partner to assign MAC ${mac} in the dashboard, or provision with a code.`);
}

function keys(options: DropshipOptions): { authorizedKeysPath?: string } {
  return options.authorizedKeysPath === undefined ? {} : { authorizedKeysPath: options.authorizedKeysPath };
}
