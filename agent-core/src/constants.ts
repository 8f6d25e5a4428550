/** Every default, limit and timeout of the engine, in one place. */

export const DEFAULT_API_ENDPOINT = 'https://api.osiriscare.net';
export const DEFAULT_STATE_DIR = '/var/lib/msp';
export const CONFIG_FILE_NAME = 'config.yaml';
export const JOURNAL_FILE_NAME = 'claim-journal.json';
/** One provisioning run at a time per state directory: CLI, kiosk and drop-ship poller alike. */
export const LOCK_FILE_NAME = 'provision.lock';
/** Written beside config.yaml once the finishing calls are done; the hand-over to the agent waits for it. */
export const SUCCESS_MARKER_NAME = '.first-provision-success';
/**
 * The signed drop-ship config, kept beside config.yaml when it carries SSH keys: root installs them
 * later (`--install-ssh-keys`) only after checking Central Command's signature again, so the
 * unprivileged kiosk user who wrote the file cannot choose root's keys.
 */
export const SIGNED_KEYS_FILE_NAME = 'ssh-keys.signed.json';
/** Central Command's Ed25519 public key (hex), which drop-ship configs must be signed with. */
export const DEFAULT_SERVER_KEY_PATH = '/etc/msp/central-command.pub';
/** Nothing the engine reads from the state directory (config, journal, lock) is anywhere near this. */
export const MAX_STATE_FILE_BYTES = 1024 * 1024;
export const FALLBACK_HOSTNAME = 'osiriscare-appliance';

/** The seed's overall timeout for a claim; also the default for every call's overall deadline. */
export const DEFAULT_TIMEOUT_MS = 45_000;
export const CONNECT_TIMEOUT_MS = 10_000;
/** Requests that may be in flight at once on the run's one connection (status report and config fetch). */
export const PIPELINE_DEPTH = 2;
/** Responses from the provisioning API are small JSON documents; anything larger is hostile. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

export const RETRY_ATTEMPTS = 4;
export const RETRY_BASE_DELAY_MS = 500;
export const RETRY_MAX_DELAY_MS = 8_000;
/** A Retry-After longer than this is treated as "not now": the call fails instead of sleeping. */
export const RETRY_AFTER_MAX_MS = 30_000;

export const HEARTBEAT_INTERVAL_MS = 60_000;
export const INTERACTIVE_ATTEMPTS = 3;

/**
 * After the point of no return the finishing calls (status, settings, status) get this long in all,
 * even when the process is asked to stop: the appliance is provisioned either way, and the
 * dashboard should hear about it if it can.
 */
export const FINISH_DEADLINE_MS = 10_000;
/** The partner's logo is cosmetic: a few seconds and a quarter of a megabyte, or the initial instead. */
export const LOGO_TIMEOUT_MS = 5_000;
export const LOGO_MAX_BYTES = 256 * 1024;
/** Status reports are best effort: one attempt each, never a retry storm. */
export const STATUS_TIMEOUT_MS = 5_000;

/** How long a claim waits for a drop-ship poll (or another short holder) to release the lock. */
export const LOCK_WAIT_MS = 15_000;
export const LOCK_RETRY_MS = 100;

/**
 * Drop-ship polling, as the real image does it: six tries 10 s apart, then every 60 s for a day,
 * then every 5 minutes. The server's `retry_seconds` is honoured within these bounds, with jitter
 * so a shipment of boxes powered on together does not poll in step.
 */
export const DROPSHIP_FAST_POLLS = 6;
export const DROPSHIP_FAST_INTERVAL_S = 10;
export const DROPSHIP_DAY_INTERVAL_S = 60;
export const DROPSHIP_SLOW_INTERVAL_S = 300;
export const DROPSHIP_DAY_MS = 24 * 3_600_000;
export const DROPSHIP_RETRY_MIN_S = 5;
export const DROPSHIP_RETRY_MAX_S = 3_600;
export const DROPSHIP_JITTER = 0.2;

/** `--force` keeps this many backups of replaced configs; older ones are removed. */
export const CONFIG_BACKUPS_KEPT = 3;

export const POLL_INTERVAL_DEFAULT = 60;
export const POLL_INTERVAL_MIN = 10;
export const POLL_INTERVAL_MAX = 3600;

export const PRIMARY_COLOR_DEFAULT = '#2563EB';

/** Clock skew beyond this breaks certificate validation windows and signed requests. */
export const CLOCK_SKEW_MAX_MS = 5 * 60_000;
export const PREFLIGHT_STAGE_TIMEOUT_MS = 5_000;

/** Partner codes: 16 upper-case hexadecimal characters. Self-serve codes: 14–16 letters and digits. */
export const PROVISION_CODE_PATTERN = /^[A-Z0-9]{14,16}$/;
export const PROVISION_CODE_LENGTH = 16;
export const PROVISION_CODE_MIN_LENGTH = 14;

/** Longest cosmetic strings kept from the server (names, messages); longer ones are cut with a warning. */
export const LABEL_MAX = 200;
export const MESSAGE_MAX = 500;
/** Longest identifiers (site_id, appliance_id, api_key) accepted from the server. */
export const IDENTIFIER_MAX = 1024;
