import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_API_ENDPOINT, DEFAULT_SERVER_KEY_PATH, DEFAULT_STATE_DIR } from '../../agent-core/src/constants.js';
import { parseApiEndpoint } from '../../agent-core/src/http/endpoint.js';

const endpoint = z.string().refine((value) => parseApiEndpoint(value).ok, 'must be an https URL (plain http only to the loopback host)');
/** The wizard's languages (renderer/src/i18n/locales.ts); the wizard falls back to English for any other. */
export const KIOSK_LANGUAGES = ['en', 'es', 'pseudo'] as const;
const flag = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => ['1', 'true', 'yes'].includes(v));

/** The kiosk's settings: flags first, then environment (systemd units set these), then the seed's defaults. */
export const SettingsSchema = z.object({
  apiEndpoint: endpoint.default(DEFAULT_API_ENDPOINT),
  allowedEndpoints: z.array(endpoint).default([]),
  stateDir: z.string().min(1).default(DEFAULT_STATE_DIR),
  caFile: z.string().min(1).optional(),
  /** Central Command's public key (hex) for drop-ship signatures. */
  serverKey: z.string().min(1).default(DEFAULT_SERVER_KEY_PATH),
  /** Full-screen kiosk (the appliance) rather than a normal window (development). */
  kiosk: z.boolean(),
  /** Hide the mouse cursor: touch-only panels. */
  touch: z.boolean(),
  /** The wizard's starting language; the technician can switch on the Welcome screen. */
  language: z.enum(KIOSK_LANGUAGES, { error: `must be one of ${KIOSK_LANGUAGES.join(', ')}` }).default('en'),
  /** Development only: load the wizard from the Vite dev server instead of app://. */
  devServerUrl: z.url({ protocol: /^http$/, hostname: /^(localhost|127\.0\.0\.1)$/ }).optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export type HeadlessRequest = { readonly mode: 'auto'; readonly code: string } | { readonly mode: 'interactive' } | undefined;

export interface ParsedCommandLine {
  readonly settings: Settings;
  /** `--provision CODE` / `--provision-interactive`: run agent-core headless, no window. */
  readonly headless: HeadlessRequest;
  /** The arguments passed on to osiris-provision in headless mode. */
  readonly cliArgs: string[];
}

export type SettingsResult = { ok: true; value: ParsedCommandLine } | { ok: false; error: string };

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, packaged: boolean): SettingsResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: false,
      allowPositionals: true,
      options: {
        provision: { type: 'string' },
        'provision-interactive': { type: 'boolean' },
        'api-endpoint': { type: 'string' },
        'allowed-endpoint': { type: 'string', multiple: true },
        'state-dir': { type: 'string' },
        'ca-file': { type: 'string' },
        'server-key': { type: 'string' },
        windowed: { type: 'boolean' },
        kiosk: { type: 'boolean' },
        touch: { type: 'boolean' },
        lang: { type: 'string' },
        'dev-server': { type: 'string' },
      },
    }));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const envFlag = (v: string | undefined) => (v === undefined || v === '' ? undefined : flag.safeParse(v.toLowerCase()));
  const kioskEnv = envFlag(env.OSIRIS_KIOSK);
  const touchEnv = envFlag(env.OSIRIS_TOUCH);
  if (kioskEnv?.success === false || touchEnv?.success === false) return { ok: false, error: 'OSIRIS_KIOSK and OSIRIS_TOUCH take 1/0, true/false or yes/no' };

  const allowed = [...((values['allowed-endpoint'] as string[] | undefined) ?? []), ...(env.OSIRIS_ALLOWED_ENDPOINTS ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')];
  const raw = {
    apiEndpoint: str(values['api-endpoint']) ?? str(env.OSIRIS_API_ENDPOINT),
    allowedEndpoints: allowed,
    stateDir: str(values['state-dir']) ?? str(env.OSIRIS_STATE_DIR),
    caFile: str(values['ca-file']) ?? str(env.OSIRIS_CA_FILE),
    serverKey: str(values['server-key']) ?? str(env.OSIRIS_SERVER_KEY),
    // A packaged app is an appliance kiosk unless told otherwise; a development run is windowed.
    kiosk: values.windowed === true ? false : values.kiosk === true ? true : (kioskEnv?.data ?? packaged),
    touch: values.touch === true || (touchEnv?.data ?? packaged),
    language: str(values.lang) ?? str(env.OSIRIS_LANG),
    devServerUrl: packaged ? undefined : str(values['dev-server']),
  };
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') ?? 'settings'}: ${issue?.message ?? 'invalid'}` };
  }
  const code = str(values.provision);
  const headless: HeadlessRequest = code !== undefined ? { mode: 'auto', code } : values['provision-interactive'] === true ? { mode: 'interactive' } : undefined;
  const settings = parsed.data;
  const cliArgs = [
    ...(headless?.mode === 'auto' ? ['--provision', headless.code] : headless?.mode === 'interactive' ? ['--provision-interactive'] : []),
    '--api-endpoint', settings.apiEndpoint,
    '--state-dir', settings.stateDir,
    ...(settings.caFile === undefined ? [] : ['--ca-file', settings.caFile]),
    '--server-key', settings.serverKey,
  ];
  return { ok: true, value: { settings, headless, cliArgs } };
}
