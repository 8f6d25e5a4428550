import { z } from 'zod';
import { PROVISION_CODE_PATTERN } from '../constants.js';

/**
 * The HTTP contract of Central Command's /api/provision/* endpoints, once, for both sides: the
 * client parses every response with these, and the mock server validates every request with them.
 * Objects are not strict: the real backend sends fields this client does not know (WireGuard
 * settings and the like), and those must be accepted and ignored.
 */

const MAC = /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/;
const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;
/** Printable text on one line: what the UI and the config may show of a server-supplied name. */
const label = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const ProvisionCodeSchema = z.string().regex(PROVISION_CODE_PATTERN, 'must be 16 characters A-Z, 0-9');
export const MacAddressSchema = z.string().regex(MAC, 'must be an uppercase colon-separated MAC address');
export const HexColorSchema = z.string().regex(HEX_COLOR, 'must be a #RRGGBB colour');
/** Identifiers travel in URLs and the config; a site_id is what the backend derives from a clinic name. */
export const IdentifierSchema = z.string().min(1).max(200);

/** An unusable colour from the server must not block provisioning or reach a style attribute: drop it. */
const safeColor = HexColorSchema.optional().catch(undefined);

export const PartnerSchema = z.object({
  slug: label(100),
  brand_name: label(200),
  primary_color: safeColor,
  logo_url: z.url({ protocol: /^https$/ }).optional().catch(undefined),
});
export type Partner = z.infer<typeof PartnerSchema>;

export const ErrorBodySchema = z.object({
  detail: z.union([z.string(), z.array(z.unknown())]),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

// POST /api/provision/claim
export const ClaimRequestSchema = z.object({
  provision_code: ProvisionCodeSchema,
  mac_address: MacAddressSchema,
  hostname: z.string().min(1).max(253).optional(),
  hardware_id: z.string().min(1).max(128).optional(),
});
export type ClaimRequest = z.infer<typeof ClaimRequestSchema>;

export const ClaimResponseSchema = z.object({
  status: z.literal('claimed'),
  site_id: IdentifierSchema,
  appliance_id: IdentifierSchema,
  /**
   * Where the agent reports from now on. By the time this is read the server has consumed the code,
   * so a missing or unusable value must not lose the claim: the client falls back to the endpoint
   * it provisioned against.
   */
  api_endpoint: z.url({ protocol: /^https?$/ }).optional().catch(undefined),
  partner: PartnerSchema,
  api_key: z.string().min(32).max(512).regex(/^[\x21-\x7e]+$/).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  message: z.string().max(1000).optional(),
});
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;

// GET /api/provision/validate/{code}
export const ValidateResponseSchema = z.union([
  z.object({
    valid: z.literal(true),
    client_name: label(200).optional(),
    partner: PartnerSchema.pick({ brand_name: true, primary_color: true }).extend({
      slug: label(100).optional(),
    }),
    expires_at: z.string().optional(),
  }),
  z.object({ valid: z.literal(false), error: z.string().max(1000) }),
]);
export type ValidateResponse = z.infer<typeof ValidateResponseSchema>;

// POST /api/provision/status
export const PROVISION_STATUSES = ['configuring', 'testing', 'active', 'failed'] as const;
export const StatusRequestSchema = z.object({
  appliance_id: IdentifierSchema,
  status: z.enum(PROVISION_STATUSES),
  progress_percent: z.number().int().min(0).max(100),
  message: z.string().max(1000).optional(),
});
export type StatusRequest = z.infer<typeof StatusRequestSchema>;
export const StatusResponseSchema = z.object({
  status: z.literal('updated'),
  appliance_id: IdentifierSchema,
  new_status: z.enum(PROVISION_STATUSES),
});
export type StatusResponse = z.infer<typeof StatusResponseSchema>;

// POST /api/provision/heartbeat
export const HeartbeatRequestSchema = z.object({
  mac_address: MacAddressSchema,
  hostname: z.string().min(1).max(253).optional(),
  ip_address: z.string().max(64).optional(),
  status: z.string().min(1).max(64),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequestSchema>;
export const HeartbeatResponseSchema = z.union([
  z.object({ status: z.literal('known'), appliance_id: IdentifierSchema, site_id: IdentifierSchema }),
  z.object({ status: z.literal('unknown'), message: z.string().max(1000).optional() }),
]);
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>;

// GET /api/provision/config/{appliance_id}
export const ApplianceConfigResponseSchema = z.object({
  appliance_id: IdentifierSchema,
  site_id: IdentifierSchema,
  clinic_name: z.string().max(200).optional(),
  config: z.record(z.string(), z.unknown()),
});
export type ApplianceConfigResponse = z.infer<typeof ApplianceConfigResponseSchema>;

/** Route patterns as a server declares them (`:param`), kept beside the client's paths. */
export const API_ROUTES = {
  claim: '/api/provision/claim',
  validate: '/api/provision/validate/:code',
  status: '/api/provision/status',
  heartbeat: '/api/provision/heartbeat',
  config: '/api/provision/config/:appliance_id',
} as const;

export const API_PATHS = {
  claim: '/api/provision/claim',
  validate: (code: string) => `/api/provision/validate/${encodeURIComponent(code)}`,
  status: '/api/provision/status',
  heartbeat: '/api/provision/heartbeat',
  config: (applianceId: string) => `/api/provision/config/${encodeURIComponent(applianceId)}`,
} as const;
