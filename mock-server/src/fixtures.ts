import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import bundledFixture from '../fixtures/default.json' with { type: 'json' };

const nullableText = z.string().nullable().default(null);

/**
 * A fixture seeds the mock backend the way Central Command's tables hold things: partners (whose
 * brand name, colour and logo may be NULL), the codes they minted (a code may have no partner, or
 * no client name), MACs assigned for drop-ship, and the mock's own Ed25519 signing key.
 */
export const FixtureSchema = z.object({
  partners: z.array(z.object({ slug: z.string().min(1), brand_name: nullableText, primary_color: nullableText, logo_url: nullableText })).min(1),
  codes: z.array(
    z.object({
      code: z.string().min(1).max(32),
      partner: z.string().nullable(),
      client_name: nullableText,
      site_id: z.string().min(1).optional(),
      status: z.enum(['pending', 'claimed', 'expired', 'revoked']).default('pending'),
      expires_at: z.iso.datetime({ offset: true }).optional(),
      expires_in_hours: z.number().optional(),
      claimed_by_mac: z.string().optional(),
    }),
  ),
  /** Drop-ship: MACs a partner has already assigned to a site (others register themselves when they poll). */
  dropship: z
    .array(z.object({ mac_address: z.string().min(1), site_id: z.string().min(1), clinic_name: z.string().optional(), partner: z.string().optional(), ssh_authorized_keys: z.array(z.string()).default([]) }))
    .default([]),
  /**
   * The mock's Ed25519 signing key, as a hex 32-byte seed. A test key, published here on purpose:
   * the mock never signs with Central Command's key, so an appliance pinned to the real key refuses it.
   */
  signing_key: z.string().regex(/^[0-9a-fA-F]{64}$/),
  /** A mock extension, empty like the real backend's by default: settings added to GET /config answers. */
  appliance_config: z.record(z.string(), z.unknown()).default({}),
});
export type Fixture = z.infer<typeof FixtureSchema>;

/** The bundled fixture: the seed's partner (nepa-it) with codes in every state. */
export function defaultFixture(): Fixture {
  return checkFixture(bundledFixture);
}

export async function loadFixture(path?: string): Promise<Fixture> {
  if (path === undefined) return defaultFixture();
  return checkFixture(JSON.parse(await readFile(path, 'utf8')));
}

function checkFixture(json: unknown): Fixture {
  const fixture = FixtureSchema.parse(json);
  const slugs = new Set(fixture.partners.map((p) => p.slug));
  const stray = fixture.codes.find((c) => c.partner !== null && !slugs.has(c.partner));
  if (stray !== undefined) throw new Error(`fixture code ${stray.code} names unknown partner ${String(stray.partner)}`);
  return fixture;
}
