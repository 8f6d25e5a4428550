import { describe, expect, it } from 'vitest';
import { applyChange } from '../../dashboard/src/lib/apply-change.js';
import { describeFault } from '../../dashboard/src/lib/fault-presets.js';
import { ago, effectiveStatus, groupCode, qrPayload, untilExpiry } from '../../dashboard/src/lib/format.js';
import type { DashboardView } from '../../src/dashboard/protocol.js';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const before = (ms: number) => new Date(NOW - ms).toISOString();
const after = (ms: number) => new Date(NOW + ms).toISOString();
const HOUR = 3_600_000;

describe('the dashboard page’s own logic', () => {
  it('encodes exactly osiris://CODE, as the real dashboard and the kiosk’s QR rule expect', () => {
    expect(qrPayload('ABCD1234EFGH5678')).toBe('osiris://ABCD1234EFGH5678');
  });

  it('groups a code in fours, like the kiosk’s keyboard', () => {
    expect(groupCode('ABCD1234EFGH5678')).toBe('ABCD 1234 EFGH 5678');
    expect(groupCode('SELFSERVE7Q2K9X')).toBe('SELF SERV E7Q2 K9X');
  });

  it.each([
    [500, 'just now'],
    [12_000, '12 s ago'],
    [3 * 60_000, '3 min ago'],
    [2 * HOUR, '2 h ago'],
    [24 * HOUR, '1 day ago'],
    [4 * 24 * HOUR, '4 days ago'],
  ])('says %i ms ago as "%s"', (ms, text) => {
    expect(ago(before(ms), NOW)).toBe(text);
  });

  it('reads a three-day code as "in 3 days" just after it was minted, and expired ones as expired', () => {
    expect(untilExpiry(after(72 * HOUR - 5_000), NOW)).toBe('in 3 days');
    expect(untilExpiry(after(5 * HOUR), NOW)).toBe('in 5 h');
    expect(untilExpiry(after(90_000), NOW)).toBe('in 2 min');
    expect(untilExpiry(before(1), NOW)).toBe('expired');
    expect(effectiveStatus('pending', before(1), NOW)).toBe('expired');
    expect(effectiveStatus('pending', after(1), NOW)).toBe('pending');
    expect(effectiveStatus('claimed', before(1), NOW)).toBe('claimed');
  });

  it('applies a change: rows replaced in place, new ones last, removed ones gone, other tables untouched', () => {
    const code = (c: string, status: 'pending' | 'claimed' = 'pending') => ({ code: c, partner: 'nepa-it', client_name: c, status });
    const view: DashboardView = { partners: [], codes: [code('A'), code('B'), code('C')], sites: [], appliances: [], heartbeats: [], dropship: [] };
    const next = applyChange(view, { upsert: { codes: [code('B', 'claimed'), code('D')] }, remove: { codes: ['A'] } });
    expect(next.codes).toEqual([code('B', 'claimed'), code('C'), code('D')]);
    expect(next.sites).toBe(view.sites);
    expect(view.codes).toHaveLength(3);
  });

  it('describes a fault in words', () => {
    expect(describeFault({ error_rate: 1, error_status: 503 })).toBe('error 503 on 100 %');
    expect(describeFault({ latency_ms: 8000, drop_rate: 0.25 })).toBe('8000 ms late · connection dropped on 25 %');
    expect(describeFault({})).toBe('no effect');
  });
});
