import { z } from '../zod.js';
import { IDENTIFIER_MAX, POLL_INTERVAL_MAX, POLL_INTERVAL_MIN } from '../constants.js';

const IdentifierSchema = z.string().check(z.minLength(1), z.maxLength(IDENTIFIER_MAX));
const MacAddressSchema = z.string().check(z.regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, 'must be an uppercase colon-separated MAC address'));

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;

/**
 * The seed's config.yaml, field for field, in the seed's order; what this engine writes. The key is
 * always the server's, whatever its shape. The partner block holds what the server said about the
 * partner (drop-ship says nothing, and brand name and colour may be NULL): absent fields are left out.
 */
export const ApplianceConfigSchema = z.object({
  site_id: IdentifierSchema,
  appliance_id: IdentifierSchema,
  api_key: IdentifierSchema,
  api_endpoint: z.url({ protocol: /^https?$/ }),
  poll_interval: z.number().check(z.int(), z.gte(POLL_INTERVAL_MIN), z.lte(POLL_INTERVAL_MAX)),
  enable_drift_detection: z.boolean(),
  enable_evidence_upload: z.boolean(),
  enable_l1_sync: z.boolean(),
  healing_enabled: z.boolean(),
  healing_dry_run: z.boolean(),
  state_dir: z.string().check(z.minLength(1), z.maxLength(4096)),
  log_level: z.enum(LOG_LEVELS),
  partner: z.optional(
    z.object({
      slug: z.optional(z.string().check(z.minLength(1))),
      brand_name: z.optional(z.string().check(z.minLength(1))),
      primary_color: z.optional(z.string().check(z.regex(/^#[0-9A-Fa-f]{6}$/))),
    }),
  ),
  provisioned_at: z.string().check(z.minLength(1)),
  mac_address: MacAddressSchema,
  hostname: z.string().check(z.minLength(1), z.maxLength(253)),
});
export type ApplianceConfig = z.infer<typeof ApplianceConfigSchema>;

/**
 * What the compliance agent's own loader insists on: site_id and api_key present, poll_interval
 * within 10..3600, log_level one of four; anything else it tolerates. A config passing this is
 * "provisioned", even if a person edited it since.
 */
export const AgentLoaderSchema = z.looseObject({
  ...z.partial(ApplianceConfigSchema).shape,
  site_id: IdentifierSchema,
  api_key: z.string().check(z.minLength(1)),
});
export type LoadedConfig = z.infer<typeof AgentLoaderSchema>;

/** The settings Central Command may set per appliance (claim response `config`, or the config endpoint). */
export const ConfigOverridesSchema = z.partial(
  z.pick(ApplianceConfigSchema, {
    poll_interval: true,
    enable_drift_detection: true,
    enable_evidence_upload: true,
    enable_l1_sync: true,
    healing_enabled: true,
    healing_dry_run: true,
    log_level: true,
  }),
);
export type ConfigOverrides = z.infer<typeof ConfigOverridesSchema>;

/** Keeps only the overrides that are individually valid: one bad value from the server drops that value, not the config. */
export function pickOverrides(source: Record<string, unknown> | undefined): ConfigOverrides {
  if (source === undefined) return {};
  const picked: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(ConfigOverridesSchema.shape)) {
    const parsed = schema.safeParse(source[key]);
    if (parsed.success && parsed.data !== undefined) picked[key] = parsed.data;
  }
  return picked;
}
