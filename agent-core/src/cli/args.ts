import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_FILE_NAME, DEFAULT_API_ENDPOINT, DEFAULT_STATE_DIR, DEFAULT_TIMEOUT_MS } from '../constants.js';

export type CliMode = 'help' | 'version' | 'mac' | 'check' | 'diagnose' | 'auto' | 'interactive' | 'default';

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
}

export type ParsedArgs = { ok: true; args: CliArgs } | { ok: false; error: string };

const OPTIONS = {
  provision: { type: 'string' },
  'provision-interactive': { type: 'boolean' },
  check: { type: 'boolean' },
  mac: { type: 'boolean' },
  diagnose: { type: 'boolean' },
  'api-endpoint': { type: 'string' },
  config: { type: 'string' },
  'state-dir': { type: 'string' },
  'ca-file': { type: 'string' },
  timeout: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  preflight: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

const MAX_TIMEOUT_SECONDS = 600;

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
  if (modes.length > 1 && !modes.includes('help')) {
    return { ok: false, error: 'choose one of --provision, --provision-interactive, --check, --mac, --diagnose' };
  }

  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
      return { ok: false, error: `--timeout takes a number of seconds between 0 and ${MAX_TIMEOUT_SECONDS}` };
    }
    timeoutMs = Math.round(seconds * 1000);
  }

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
    },
  };
}

export const HELP_TEXT = `Usage: osiris-provision [mode] [options]

Provisions an OsirisCare appliance with a provision code from the partner dashboard.

Modes (at most one):
  --provision CODE          Provision now with CODE, no questions asked
  --provision-interactive   Ask for the code (3 attempts); also the default when no config exists
  --check                   Exit 0 when provisioned, 1 when provisioning is needed
  --mac                     Print this appliance's MAC address
  --diagnose                Check the network path to Central Command (DNS, TCP, TLS, HTTP, clock)

Options:
  --api-endpoint URL        Central Command (default ${DEFAULT_API_ENDPOINT}; env OSIRIS_API_ENDPOINT)
  --state-dir DIR           Where config.yaml and the claim journal go (default ${DEFAULT_STATE_DIR}; env OSIRIS_STATE_DIR)
  --config PATH             The config file itself (default DIR/config.yaml)
  --ca-file PEM             Also trust this CA (lab backends; env OSIRIS_CA_FILE)
  --timeout SECONDS         Overall timeout of each request (default ${DEFAULT_TIMEOUT_MS / 1000})
  --force                   Re-provision over a valid config (it is backed up first)
  --preflight               Check the network before claiming (it is always checked after a network failure)
  --json                    Print one JSON object on stdout as the result
  -h, --help                This text
  --version                 The version

Exit codes: 0 done (or provisioned, for --check); 1 failed (or provisioning needed);
2 usage error; 3 already provisioned, nothing changed; 4 cannot write the state directory; 130 cancelled.
`;
