import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import bundledFixture from '../fixtures/default.json' with { type: 'json' };
import { HexColorSchema, MacAddressSchema, PartnerSchema, ProvisionCodeSchema } from '../../agent-core/src/protocol/contract.js';

/** A fixture file seeds the mock backend: the partners, the codes they minted, per-appliance settings. */
export const FixtureSchema = z.object({
  partners: z.array(PartnerSchema.extend({ primary_color: HexColorSchema })).min(1),
  codes: z.array(
    z.object({
      code: ProvisionCodeSchema,
      partner: z.string(),
      client_name: z.string().min(1).max(200),
      site_id: z.string().min(1).max(200).optional(),
      status: z.enum(['pending', 'claimed', 'expired']).default('pending'),
      expires_at: z.iso.datetime({ offset: true }).optional(),
      expires_in_hours: z.number().positive().optional(),
      claimed_by_mac: MacAddressSchema.optional(),
    }),
  ),
  /** Settings every appliance gets from GET /config (and in the claim's `config`). */
  appliance_config: z.record(z.string(), z.unknown()).default({}),
});
export type Fixture = z.infer<typeof FixtureSchema>;

/** The bundled fixture: the seed's partner (nepa-it) with pending, expired and claimed codes. */
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
  const stray = fixture.codes.find((c) => !slugs.has(c.partner));
  if (stray !== undefined) throw new Error(`fixture code ${stray.code} names unknown partner ${stray.partner}`);
  return fixture;
}
