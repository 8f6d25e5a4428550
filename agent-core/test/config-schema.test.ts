import { describe, expect, it } from 'vitest';
import { ApplianceConfigSchema, pickOverrides, type ApplianceConfig } from '../src/config/schema.js';
import { buildConfig } from '../src/config/write.js';
import { firstIssue } from '../src/zod-issue.js';
import { CONFIG_INPUT, CONFIG_NOW } from '../../test-support/config-input.js';

// The config file's schema, field by field where a pattern decides: each must hold the whole value,
// from its first character to its last, not merely contain or start with something valid. The
// config is the one the engine builds for a claimed site, with its partner's colour.
const VALID: ApplianceConfig = buildConfig(CONFIG_INPUT, '/var/lib/msp', CONFIG_NOW());

const problem = (change: Partial<ApplianceConfig>): string | undefined => {
  const parsed = ApplianceConfigSchema.safeParse({ ...VALID, ...change });
  return parsed.success ? undefined : firstIssue(parsed.error);
};

describe('the config schema', () => {
  it('accepts a complete, well-formed config', () => {
    expect(problem({})).toBeUndefined();
  });

  it('takes a MAC address only as six upper-case pairs and nothing around them, and says so', () => {
    for (const mac of ['x84:3A:5B:91:B6:61', '84:3A:5B:91:B6:61x', '84:3A:5B:91:B6:61\n', '84:3a:5b:91:b6:61']) {
      expect(problem({ mac_address: mac }), mac).toBe('mac_address: must be an uppercase colon-separated MAC address');
    }
  });

  it('takes an endpoint whose scheme is exactly http or https', () => {
    for (const endpoint of ['ftp://api.osiriscare.net', 'xhttps://api.osiriscare.net', 'httpsx://api.osiriscare.net', 'shttp://api.osiriscare.net']) {
      expect(problem({ api_endpoint: endpoint }), endpoint).toMatch(/^api_endpoint: /);
    }
    expect(problem({ api_endpoint: 'http://192.168.1.20:8080' })).toBeUndefined();
  });

  it("takes a partner colour only as # and six hex digits, nothing around them", () => {
    for (const colour of ['x#2563EB', '#2563EBx', '#2563EB0', '#2563E']) {
      expect(problem({ partner: { primary_color: colour } }), colour).toMatch(/^partner\.primary_color: /);
    }
    expect(problem({ partner: { primary_color: '#a1b2c3' } })).toBeUndefined();
  });
});

describe('the settings Central Command may set', () => {
  it('are every one of the seven, each taken when valid', () => {
    const all = { poll_interval: 300, enable_drift_detection: false, enable_evidence_upload: false, enable_l1_sync: false, healing_enabled: false, healing_dry_run: true, log_level: 'DEBUG' };
    expect(pickOverrides(all)).toStrictEqual(all);
  });
});
