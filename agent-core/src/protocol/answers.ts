import { z } from '../zod.js';
import { IDENTIFIER_MAX, LABEL_MAX, MESSAGE_MAX } from '../constants.js';
import { endpointToString, parseApiEndpoint } from '../http/endpoint.js';
import { cleanLabel } from '../text.js';

/**
 * The client's reading of the backend's answers, after the wire schema: what the engine uses, with
 * every cosmetic field cleaned or dropped (never a failure) and the essential ones checked. The code
 * is consumed when a claim answer arrives, so only a missing essential can make an answer unusable.
 */

/** Partner branding as the engine uses it: each field present only when the server sent a usable one. */
export const PartnerSchema = z.object({
  slug: z.optional(z.string()),
  brand_name: z.optional(z.string()),
  primary_color: z.optional(z.string().check(z.regex(/^#[0-9A-Fa-f]{6}$/))),
  logo_url: z.optional(z.string()),
});
export type Partner = z.infer<typeof PartnerSchema>;

const identifier = z.string().check(z.minLength(1), z.maxLength(IDENTIFIER_MAX));

/** What a claim or a drop-ship assignment gives the appliance: everything its config is made of (and what the journal keeps). */
export const ClaimedSiteSchema = z.object({
  site_id: identifier,
  appliance_id: identifier,
  api_key: identifier,
  /** Where the agent reports from now on, when the server named one that passes the endpoint rule. */
  api_endpoint: z.optional(z.string()),
  partner: PartnerSchema,
  message: z.optional(z.string()),
  /** Keys for root's authorized_keys (drop-ship), written only where the operator named a file. */
  ssh_authorized_keys: z.optional(z.array(z.string())),
  /** The server's per-appliance settings (`config` in the claim answer); `{}` today. */
  settings: z.optional(z.record(z.string(), z.unknown())),
});
export type ClaimedSite = z.infer<typeof ClaimedSiteSchema>;

export type Reading<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly missing: readonly string[] };

const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;
const LOGO_URL_MAX = 2048;
const SLUG_MAX = 100;
const ESSENTIALS = ['site_id', 'appliance_id', 'api_key'] as const;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function essential(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= IDENTIFIER_MAX;
}

/** Reads site_id, appliance_id and api_key, or names the ones that are missing or unusable. */
function readEssentials(source: Record<string, unknown>): { ok: true; value: Record<(typeof ESSENTIALS)[number], string> } | { ok: false; missing: string[] } {
  const missing = ESSENTIALS.filter((name) => !essential(source[name]));
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, value: { site_id: source.site_id as string, appliance_id: source.appliance_id as string, api_key: source.api_key as string } };
}

export function readPartner(value: unknown, warnings: string[]): Partner {
  const source = record(value);
  const slug = cleanLabel(source.slug, SLUG_MAX, 'partner slug');
  const brand = cleanLabel(source.brand_name, LABEL_MAX, 'partner name');
  for (const note of [slug.note, brand.note]) if (note !== undefined) warnings.push(note);
  const color = typeof source.primary_color === 'string' && HEX_COLOR.test(source.primary_color) ? source.primary_color : undefined;
  if (color === undefined && source.primary_color !== null && source.primary_color !== undefined) warnings.push('ignored partner colour: not a #RRGGBB colour');
  const logo = readLogoUrl(source.logo_url);
  if (logo === undefined && source.logo_url !== null && source.logo_url !== undefined) warnings.push('ignored partner logo: not an https URL');
  return {
    ...(slug.value === undefined ? {} : { slug: slug.value }),
    ...(brand.value === undefined ? {} : { brand_name: brand.value }),
    ...(color === undefined ? {} : { primary_color: color }),
    ...(logo === undefined ? {} : { logo_url: logo }),
  };
}

function readLogoUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > LOGO_URL_MAX) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server's `api_endpoint` for the agent, held to the same rule as the technician's (https; plain
 * http only to loopback; no user name or password): otherwise the agent keeps the endpoint it was
 * provisioned against, with a warning. A hostile or misconfigured answer must not downgrade the agent.
 */
export function readAgentEndpoint(value: unknown, warnings: string[]): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const parsed = typeof value === 'string' ? parseApiEndpoint(value) : undefined;
  if (parsed?.ok === true) return endpointToString(parsed.data);
  warnings.push('ignored the API endpoint named by the server (it does not pass the endpoint rule); the agent keeps the provisioning endpoint');
  return undefined;
}

/** A claim answer: usable once site_id, appliance_id and api_key are there; everything else is cosmetic. */
export function readClaimAnswer(json: unknown): Reading<ClaimedSite> {
  const source = record(json);
  const essentials = readEssentials(source);
  if (!essentials.ok) return essentials;
  const warnings: string[] = [];
  const partner = readPartner(source.partner, warnings);
  const endpoint = readAgentEndpoint(source.api_endpoint, warnings);
  const message = cleanLabel(source.message, MESSAGE_MAX, 'server message');
  if (message.note !== undefined) warnings.push(message.note);
  return {
    ok: true,
    warnings,
    value: {
      ...essentials.value,
      partner,
      settings: record(source.config),
      ...(endpoint === undefined ? {} : { api_endpoint: endpoint }),
      ...(message.value === undefined ? {} : { message: message.value }),
    },
  };
}

/** The signed part of a drop-ship answer; the signature has been checked before this is called. */
export function readAssignedConfig(config: unknown): Reading<ClaimedSite> {
  const source = record(config);
  const essentials = readEssentials(source);
  if (!essentials.ok) return essentials;
  const warnings: string[] = [];
  const endpoint = readAgentEndpoint(source.api_endpoint, warnings);
  const keys = Array.isArray(source.ssh_authorized_keys) ? source.ssh_authorized_keys.filter((k): k is string => typeof k === 'string') : [];
  return {
    ok: true,
    warnings,
    value: { ...essentials.value, partner: {}, ssh_authorized_keys: keys, ...(endpoint === undefined ? {} : { api_endpoint: endpoint }) },
  };
}

/** What validate says about a code that can be claimed, cleaned for display. */
export interface ValidatedCode {
  readonly client_name?: string;
  readonly partner: Pick<Partner, 'brand_name' | 'primary_color'>;
}

export function readValidAnswer(json: unknown): { value: ValidatedCode; warnings: string[] } {
  const source = record(json);
  const warnings: string[] = [];
  const partner = readPartner(source.partner, warnings);
  const client = cleanLabel(source.client_name, LABEL_MAX, 'clinic name');
  if (client.note !== undefined) warnings.push(client.note);
  const shown: ValidatedCode['partner'] = {
    ...(partner.brand_name === undefined ? {} : { brand_name: partner.brand_name }),
    ...(partner.primary_color === undefined ? {} : { primary_color: partner.primary_color }),
  };
  return { value: { partner: shown, ...(client.value === undefined ? {} : { client_name: client.value }) }, warnings };
}
