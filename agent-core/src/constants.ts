/** Every default, limit and timeout of the engine, in one place. */

export const DEFAULT_API_ENDPOINT = 'https://api.osiriscare.net';
export const DEFAULT_STATE_DIR = '/var/lib/msp';
export const CONFIG_FILE_NAME = 'config.yaml';
export const JOURNAL_FILE_NAME = 'claim-journal.json';
export const FALLBACK_HOSTNAME = 'osiriscare-appliance';

/** The seed's overall timeout for a claim; also the default for every call's overall deadline. */
export const DEFAULT_TIMEOUT_MS = 45_000;
export const CONNECT_TIMEOUT_MS = 10_000;
/** Responses from the provisioning API are small JSON documents; anything larger is hostile. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

export const RETRY_ATTEMPTS = 4;
export const RETRY_BASE_DELAY_MS = 500;
export const RETRY_MAX_DELAY_MS = 8_000;
/** A Retry-After longer than this is treated as "not now": the call fails instead of sleeping. */
export const RETRY_AFTER_MAX_MS = 30_000;

export const HEARTBEAT_INTERVAL_MS = 60_000;
export const INTERACTIVE_ATTEMPTS = 3;

/** 32 random bytes, base64url: 43 URL-safe characters (Python's secrets.token_urlsafe(32)). */
export const API_KEY_BYTES = 32;
export const API_KEY_MIN_LENGTH = 32;

export const POLL_INTERVAL_DEFAULT = 60;
export const POLL_INTERVAL_MIN = 10;
export const POLL_INTERVAL_MAX = 3600;

export const PRIMARY_COLOR_DEFAULT = '#2563EB';

/** Clock skew beyond this breaks certificate validation windows and signed requests. */
export const CLOCK_SKEW_MAX_MS = 5 * 60_000;
export const PREFLIGHT_STAGE_TIMEOUT_MS = 5_000;

export const PROVISION_CODE_PATTERN = /^[A-Z0-9]{16}$/;
export const PROVISION_CODE_LENGTH = 16;
