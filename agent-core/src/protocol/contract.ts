import { z } from '../zod.js';

/**
 * The wire contract of Central Command's /api/provision/* routes as the real backend declares them
 * today (../shared/docs/CENTRAL-COMMAND.md): its pydantic models, field for field, with their
 * types and nullability and nothing stricter. The mock server validates requests with these and
 * builds its answers from these types; the client parses answers with these and then applies its
 * own, stricter reading (protocol/answers.ts), because an answer that fails a strict check after
 * the server consumed a code must not be thrown away.
 *
 * `Optional[str] = None` in pydantic is "absent or null" on the wire: `z.nullish()` here.
 * Objects are not strict: the real backend adds fields, and a client must ignore what it does not know.
 */

const text = z.string();
const optionalText = z.nullish(z.string());

// POST /api/provision/claim
export const ClaimRequestSchema = z.object({
  provision_code: text,
  mac_address: text,
  hostname: optionalText,
  /** The firmware's DMI product UUID. */
  hardware_id: optionalText,
  public_key: optionalText,
  /** Only when the appliance runs WireGuard: the answer then carries the hub's settings. */
  wg_pubkey: optionalText,
  /** `live_usb` or `installed_disk`: a live-USB box must not be unplugged before it installs. */
  boot_source: optionalText,
  /** Every physical NIC's MAC, so a box with several NICs is not registered twice. */
  all_mac_addresses: z.nullish(z.array(text)),
});
export type ClaimRequest = z.infer<typeof ClaimRequestSchema>;

/** Branding as the partners table holds it: every column but the slug may be NULL. */
export const WirePartnerSchema = z.object({
  slug: optionalText,
  brand_name: optionalText,
  primary_color: optionalText,
  logo_url: optionalText,
});
export type WirePartner = z.infer<typeof WirePartnerSchema>;

export const ClaimResponseSchema = z.object({
  status: text,
  site_id: text,
  appliance_id: text,
  api_endpoint: text,
  /** Always issued today, raw, shown once; Optional in the model, so the client copes with null. */
  api_key: optionalText,
  partner: WirePartnerSchema,
  config: z.record(z.string(), z.unknown()),
  message: text,
  wg_hub_pubkey: optionalText,
  wg_hub_endpoint: optionalText,
  wg_ip: optionalText,
});
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;

// GET /api/provision/validate/{code}: always 200.
export const ValidResponseSchema = z.object({
  valid: z.literal(true),
  client_name: optionalText,
  partner: z.pick(WirePartnerSchema, { brand_name: true, primary_color: true }),
});
export const InvalidResponseSchema = z.object({ valid: z.literal(false), error: text });
export const ValidateResponseSchema = z.discriminatedUnion('valid', [ValidResponseSchema, InvalidResponseSchema]);
export type ValidateResponse = z.infer<typeof ValidateResponseSchema>;

// POST /api/provision/status (Authorization: Bearer <api_key>)
export const StatusRequestSchema = z.object({
  appliance_id: text,
  /** Any string; the appliance sends configuring, testing, active and failed. */
  status: text,
  progress_percent: z._default(z.int(), 0),
  message: optionalText,
});
export type StatusRequest = z.input<typeof StatusRequestSchema>;
export const StatusResponseSchema = z.object({ status: text, appliance_id: text, new_status: text });
export type StatusResponse = z.infer<typeof StatusResponseSchema>;

// POST /api/provision/heartbeat (the provision code in the body is the credential)
export const HeartbeatRequestSchema = z.object({
  mac_address: text,
  provision_code: optionalText,
  hostname: optionalText,
  ip_address: optionalText,
  status: z._default(text, 'provisioning'),
});
export type HeartbeatRequest = z.input<typeof HeartbeatRequestSchema>;
export const HeartbeatResponseSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('known'), appliance_id: text, site_id: text }),
  z.object({ status: z.literal('unknown'), message: optionalText }),
]);
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>;

// GET /api/provision/config/{appliance_id}
export const ApplianceConfigResponseSchema = z.object({
  appliance_id: text,
  site_id: text,
  clinic_name: optionalText,
  config: z.record(z.string(), z.unknown()),
});
export type ApplianceConfigResponse = z.infer<typeof ApplianceConfigResponseSchema>;

// GET /api/provision/{mac}: drop-ship.
export const UnclaimedResponseSchema = z.object({
  status: z.literal('unclaimed'),
  mac_address: text,
  retry_seconds: z.nullish(z.number()),
  message: optionalText,
});
export const DropshipConfigSchema = z.object({
  site_id: text,
  appliance_id: text,
  api_key: text,
  api_endpoint: text,
  ssh_authorized_keys: z.nullish(z.array(text)),
});
export type DropshipConfig = z.infer<typeof DropshipConfigSchema>;
/** The signed `config` plus the same fields repeated flat; `signature` is hex Ed25519 over the config's canonical JSON. */
export const AssignedResponseSchema = z.object({
  config: z.record(z.string(), z.unknown()),
  signature: optionalText,
});
export type AssignedResponse = z.infer<typeof AssignedResponseSchema> & Partial<DropshipConfig>;
export type UnclaimedResponse = z.infer<typeof UnclaimedResponseSchema>;

// POST /api/provision/rekey
export const RekeyRequestSchema = z.object({
  site_id: text,
  mac_address: text,
  hostname: optionalText,
  hardware_id: optionalText,
});
export type RekeyRequest = z.infer<typeof RekeyRequestSchema>;
export const RekeyResponseSchema = z.object({ status: text, api_key: text, appliance_id: text });
export type RekeyResponse = z.infer<typeof RekeyResponseSchema>;

/** FastAPI's error body; a 429 from the rate limiter adds `retry_after`. */
export const ErrorBodySchema = z.object({
  detail: z.union([z.string(), z.array(z.unknown())]),
  retry_after: z.optional(z.number()),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Route patterns as a server declares them (`:param`), kept beside the client's paths. */
export const API_ROUTES = {
  claim: '/api/provision/claim',
  validate: '/api/provision/validate/:code',
  status: '/api/provision/status',
  heartbeat: '/api/provision/heartbeat',
  config: '/api/provision/config/:appliance_id',
  rekey: '/api/provision/rekey',
  /** Declared last on the server: any other GET under /api/provision/ is a MAC. */
  dropship: '/api/provision/:mac',
} as const;

export const API_PATHS = {
  claim: '/api/provision/claim',
  validate: (code: string) => `/api/provision/validate/${encodeURIComponent(code)}`,
  status: '/api/provision/status',
  heartbeat: '/api/provision/heartbeat',
  config: (applianceId: string) => `/api/provision/config/${encodeURIComponent(applianceId)}`,
  rekey: '/api/provision/rekey',
  dropship: (mac: string) => `/api/provision/${encodeURIComponent(mac)}`,
} as const;
