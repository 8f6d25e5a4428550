import { describe, expect, it } from 'vitest';
import { BRAND_DEFAULT, safeColor, textOn } from '../../src/lib/colors';
import { summarizeNetwork } from '../../src/lib/network';

describe('partner colours', () => {
  it('passes exact #RRGGBB colours and replaces anything else', () => {
    expect(safeColor('#0F766E')).toBe('#0F766E');
    for (const bad of [undefined, 'red', '#fff', '#12345G', '#123456;x:y', 'url(x)']) expect(safeColor(bad)).toBe(BRAND_DEFAULT);
  });

  it('picks readable text for the colour', () => {
    expect(textOn('#FFFF00')).toBe('#0B1220');
    expect(textOn('#1E3A8A')).toBe('#FFFFFF');
  });
});

describe('network summary', () => {
  it('names the failing stage, then a clock warning, then OK', () => {
    expect(summarizeNetwork(null, true)).toEqual({ tone: 'unknown', title: 'Checking the network…' });
    expect(summarizeNetwork({ ok: false, stages: [], failed: { stage: 'tls', status: 'fail', detail: 'x', hint: 'Exempt it.', ms: 1 } }, false)).toEqual({ tone: 'bad', title: 'Secure connection is being blocked', advice: 'Exempt it.' });
    expect(summarizeNetwork({ ok: true, stages: [{ stage: 'clock', status: 'warn', detail: 'off', ms: 0 }] }, false)).toMatchObject({ tone: 'warn', title: 'The appliance clock is wrong' });
    expect(summarizeNetwork({ ok: true, stages: [] }, false)).toEqual({ tone: 'ok', title: 'Connected to OsirisCare' });
  });
});
