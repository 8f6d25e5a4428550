import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_FILE_NAME, DEFAULT_API_ENDPOINT, DEFAULT_SERVER_KEY_PATH, DEFAULT_STATE_DIR, DEFAULT_TIMEOUT_MS } from '../constants.js';

export type CliMode = 'help' | 'version' | 'mac' | 'check' | 'diagnose' | 'auto' | 'interactive' | 'dropship' | 'install-keys' | 'default';

export interface CliArgs {
  readonly mode: CliMode;
  readonly code?: string;
  readonly apiEndpoint: string;
  readonly stateDir: string;
  readonly configPath: string;
  readonly caFile?: string;
  readonly timeoutMs: number;
  readonly force: boolean;
  readonly json: boolean;
  readonly preflight: boolean;
  readonly discardClaim: boolean;
  /** Central Command's public key, for drop-ship signatures. */
  readonly serverKey: string;
  /** Where drop-ship SSH keys go; nowhere unless named. */
  readonly authorizedKeys?: string;
  /** Give up waiting for a drop-ship assignment after this long. */
  readonly timeoutTotalMs?: number;
  /** Interactive mode: also wait for a drop-ship assignment in the background (default on). */
  readonly dropship: boolean;
}

export type ParsedArgs = { ok: true; args: CliArgs } | { ok: false; error: string };

const OPTIONS = {
  provision: { type: 'string' },
  'provision-interactive': { type: 'boolean' },
  check: { type: 'boolean' },
  mac: { type: 'boolean' },
  diagnose: { type: 'boolean' },
  'wait-for-assignment': { type: 'boolean' },
  'install-ssh-keys': { type: 'boolean' },
  'api-endpoint': { type: 'string' },
  config: { type: 'string' },
  'state-dir': { type: 'string' },
  'ca-file': { type: 'string' },
  timeout: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  preflight: { type: 'boolean' },
  'discard-claim': { type: 'boolean' },
  'server-key': { type: 'string' },
  'authorized-keys': { type: 'string' },
  'timeout-total': { type: 'string' },
  'no-dropship': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

const MAX_TIMEOUT_SECONDS = 600;
const MAX_TOTAL_TIMEOUT_SECONDS = 30 * 24 * 3600;

/** A path option or variable that was given empty: a usage error, never "the current directory". */
function emptyPath(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of ['state-dir', 'config', 'ca-file', 'server-key', 'authorized-keys']) {
    if (values[name] === '') return `--${name} needs a path`;
  }
  for (const name of ['OSIRIS_STATE_DIR', 'OSIRIS_CA_FILE', 'OSIRIS_SERVER_KEY']) {
    if (env[name] === '') return `${name} is set but empty`;
  }
  return undefined;
}

function seconds(value: string | undefined, flag: string, max: number): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 && n <= max ? Math.round(n * 1000) : `${flag} takes a number of seconds between 0 and ${max}`;
}

/** Flags, then environment (for systemd units), then the seed's defaults. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedArgs {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }

  const modes: CliMode[] = [];
  if (values.help === true) modes.push('help');
  if (values.version === true) modes.push('version');
  if (values.provision !== undefined) modes.push('auto');
  if (values['provision-interactive'] === true) modes.push('interactive');
  if (values.check === true) modes.push('check');
  if (values.mac === true) modes.push('mac');
  if (values.diagnose === true) modes.push('diagnose');
  if (values['wait-for-assignment'] === true) modes.push('dropship');
  if (values['install-ssh-keys'] === true) modes.push('install-keys');
  if (modes.length > 1 && !modes.includes('help')) {
    return { ok: false, error: 'choose one of --provision, --provision-interactive, --wait-for-assignment, --check, --mac, --diagnose, --install-ssh-keys' };
  }
  const empty = emptyPath(values, env);
  if (empty !== undefined) return { ok: false, error: empty };

  const timeoutMs = seconds(values.timeout, '--timeout', MAX_TIMEOUT_SECONDS) ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs === 'string') return { ok: false, error: timeoutMs };
  const timeoutTotalMs = seconds(values['timeout-total'], '--timeout-total', MAX_TOTAL_TIMEOUT_SECONDS);
  if (typeof timeoutTotalMs === 'string') return { ok: false, error: timeoutTotalMs };

  const stateDir = values['state-dir'] ?? env.OSIRIS_STATE_DIR ?? DEFAULT_STATE_DIR;
  const caFile = values['ca-file'] ?? env.OSIRIS_CA_FILE;
  return {
    ok: true,
    args: {
      mode: modes.includes('help') ? 'help' : (modes[0] ?? 'default'),
      ...(values.provision === undefined ? {} : { code: values.provision }),
      apiEndpoint: values['api-endpoint'] ?? env.OSIRIS_API_ENDPOINT ?? DEFAULT_API_ENDPOINT,
      stateDir,
      configPath: values.config ?? join(stateDir, CONFIG_FILE_NAME),
      ...(caFile === undefined || caFile === '' ? {} : { caFile }),
      timeoutMs,
      force: values.force === true,
      json: values.json === true,
      preflight: values.preflight === true,
      discardClaim: values['discard-claim'] === true,
      serverKey: values['server-key'] ?? env.OSIRIS_SERVER_KEY ?? DEFAULT_SERVER_KEY_PATH,
      ...(values['authorized-keys'] === undefined ? {} : { authorizedKeys: values['authorized-keys'] }),
      ...(timeoutTotalMs === undefined ? {} : { timeoutTotalMs }),
      dropship: values['no-dropship'] !== true,
    },
  };
}

export const HELP_TEXT = `Usage: osiris-provision [mode] [options]

Provisions an OsirisCare appliance with a provision code from the partner dashboard.

Modes (at most one):
  --provision CODE          Provision now with CODE (or the QR text osiris://CODE), no questions asked
  --provision-interactive   Ask for the code (3 attempts), waiting for a drop-ship assignment meanwhile;
                            also the default when no config exists; finishes an unfinished claim first
  --wait-for-assignment     Drop-ship: wait until a partner assigns this MAC to a site, then provision
  --check                   Exit 0 when provisioned, 1 when provisioning is needed
  --mac                     Print this appliance's MAC address (what a partner assigns in drop-ship)
  --diagnose                Check the network path to Central Command (DNS, TCP, TLS, HTTP, clock)
  --install-ssh-keys        Install drop-ship SSH keys (kept, signed, beside the config) into --authorized-keys,
                            after checking Central Command's signature again (run as root at hand-over)

Options:
  --api-endpoint URL        Central Command (default ${DEFAULT_API_ENDPOINT}; env OSIRIS_API_ENDPOINT)
  --state-dir DIR           Where config.yaml and the claim journal go (default ${DEFAULT_STATE_DIR}; env OSIRIS_STATE_DIR)
  --config PATH             The config file itself (default DIR/config.yaml)
  --ca-file PEM             Also trust this CA (lab backends; env OSIRIS_CA_FILE)
  --timeout SECONDS         Overall timeout of each request (default ${DEFAULT_TIMEOUT_MS / 1000})
  --force                   Re-provision over a valid config (it is backed up first)
  --discard-claim           With --provision: drop an unfinished claim (kept aside) and use the new code
  --preflight               Check the network before claiming (it is always checked after a network failure)
  --server-key FILE         Central Command's Ed25519 public key, hex (default ${DEFAULT_SERVER_KEY_PATH}; env OSIRIS_SERVER_KEY)
  --authorized-keys PATH    Install drop-ship SSH keys into this authorized_keys file (in a marked block)
  --timeout-total SECONDS   Give up waiting for a drop-ship assignment after this long (default: wait)
  --no-dropship             Interactive mode: do not wait for a drop-ship assignment in the background
  --json                    Print one JSON object on stdout as the result
  -h, --help                This text
  --version                 The version

Exit codes: 0 done (or provisioned, for --check); 1 failed (or provisioning needed);
2 usage error; 3 already provisioned, nothing changed; 4 cannot write the state directory;
5 an unfinished claim is waiting (finish it, or --discard-claim); 75 another provisioning run holds
the state directory; 130 cancelled.
`;
