import { describe, expect, it } from 'vitest';
import type { DashboardView, LiveChange } from '../../src/dashboard/protocol.js';
import { SESSION_IDLE_MS } from '../../src/dashboard/limits.js';
import { issuedKeys, PENDING_CODE, useBackend } from '../../../test-support/backend.js';
import { get, post } from '../../../test-support/http.js';
import { openSse, type SseEvent, type SseStream } from '../../../test-support/sse.js';
import { asPage, BEARER, signIn, TOKEN } from './support.js';

const backend = useBackend();
const MAC = '84:3A:5B:91:B6:61';
const DROPSHIP_MAC = '02:00:5E:00:53:77';
const isChange = (e: SseEvent) => e.event === 'change';
const changes = (stream: SseStream) => stream.events.filter(isChange).map((e) => JSON.parse(e.data) as LiveChange);

async function claimAndReport(url: string): Promise<{ appliance_id: string; api_key: string }> {
  const claim = (await post(`${url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC, hostname: 'clinic-box' })).json<{ appliance_id: string; api_key: string }>();
  const bearer = { authorization: `Bearer ${claim.api_key}` };
  await post(`${url}/api/provision/status`, { appliance_id: claim.appliance_id, status: 'configuring', progress_percent: 75, message: 'Configuration written' }, bearer);
  await post(`${url}/api/provision/status`, { appliance_id: claim.appliance_id, status: 'active', progress_percent: 100, message: 'Provisioning complete' }, bearer);
  return claim;
}

describe('live feed (GET /api/admin/events)', () => {
  it('sends the whole view on connect, as an event stream that is never cached', async () => {
    const server = await backend({ adminToken: TOKEN });
    const signed = await signIn(server.url);
    const stream = await openSse(`${server.url}/api/admin/events`, { cookie: signed.cookie });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-store');
    const view = JSON.parse((await stream.next((e) => e.event === 'snapshot')).data) as DashboardView;
    expect(view.codes.map((c) => c.code)).toContain(PENDING_CODE);
    expect(view.codes).toHaveLength(11);
    expect(view.partners.map((p) => p.slug)).toEqual(['nepa-it', 'keystone-msp', 'unbranded-msp']);
    expect(view.dropship).toEqual([expect.objectContaining({ mac_address: '02:00:5E:00:53:01', site_id: 'nepa-it-lakeside' })]);
    stream.close();
  });

  it('answers HEAD without opening a stream', async () => {
    const server = await backend({ adminToken: TOKEN });
    const head = await fetch(`${server.url}/api/admin/events`, { method: 'HEAD', headers: BEARER });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    expect(server.mock.dashboard?.feed.viewers).toBe(0);
  });

  it('refuses a viewer without a session or token', async () => {
    const server = await backend({ adminToken: TOKEN });
    const stream = await openSse(`${server.url}/api/admin/events`, { cookie: 'osiris_dashboard_session=forged' });
    expect(stream.status).toBe(401);
    await stream.ended;
  });

  it('sends a compact change per burst: a claim and its two status reports are the rows they touched', async () => {
    const server = await backend({ adminToken: TOKEN });
    const stream = await openSse(`${server.url}/api/admin/events`, BEARER);
    await stream.next((e) => e.event === 'snapshot');
    const claim = await claimAndReport(server.url);
    await stream.next((e) => isChange(e) && e.data.includes('"active"'));
    const upserted = changes(stream).flatMap((c) => Object.entries(c.upsert).flatMap(([table, rows]) => rows.map(() => table)));
    expect(new Set(upserted)).toEqual(new Set(['codes', 'sites', 'appliances']));
    expect(upserted.filter((t) => t === 'codes')).toHaveLength(1);
    const last = changes(stream).at(-1)?.upsert.appliances?.[0];
    expect(last).toMatchObject({ appliance_id: claim.appliance_id, status: 'active', progress_percent: 100, hostname: 'clinic-box', clinic_name: 'Clinic ABC' });
    // Reports milliseconds apart are still each a step.
    expect(last?.steps.map((s) => [s.status, s.progress_percent])).toEqual([['claimed', 0], ['configuring', 75], ['active', 100]]);
    stream.close();
  });

  it('coalesces a burst of changes into one event', async () => {
    const server = await backend({ adminToken: TOKEN });
    const stream = await openSse(`${server.url}/api/admin/events`, BEARER);
    await stream.next((e) => e.event === 'snapshot');
    for (let i = 0; i < 20; i += 1) server.mock.store.mint('nepa-it', `Burst ${i}`, 1);
    await stream.next(isChange);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes(stream)).toHaveLength(1);
    expect(changes(stream)[0]?.upsert.codes).toHaveLength(20);
  });

  it('never sends an API key: not after claims, drop-ship answers or rekeys', async () => {
    const server = await backend({ adminToken: TOKEN });
    const stream = await openSse(`${server.url}/api/admin/events`, BEARER);
    const claim = await claimAndReport(server.url);
    await post(`${server.url}/api/admin/dropship`, { mac_address: DROPSHIP_MAC, site_id: 'nepa-it-lakeside' }, BEARER);
    await get(`${server.url}/api/provision/${DROPSHIP_MAC}`);
    await get(`${server.url}/api/provision/${DROPSHIP_MAC}`);
    await post(`${server.url}/api/admin/appliances/${claim.appliance_id}/checkin`, {}, BEARER);
    const rekeyed = await post(`${server.url}/api/provision/rekey`, { site_id: claim.appliance_id.slice(0, -18), mac_address: MAC, hostname: 'clinic-box', hardware_id: null });
    expect(rekeyed.status).toBe(200);
    await stream.next((e) => isChange(e) && e.data.includes('checked in'));
    const late = await openSse(`${server.url}/api/admin/events`, BEARER);
    await late.next((e) => e.event === 'snapshot');
    const everything = [...stream.events, ...late.events].map((e) => e.data).join('\n');
    const keys = issuedKeys(server);
    expect(keys).toHaveLength(4);
    for (const key of keys) expect(everything).not.toContain(key);
    expect(everything).not.toMatch(/api_?key/i);
    stream.close();
    late.close();
  });

  it('keeps a quiet stream open with comment lines', async () => {
    const server = await backend({ adminToken: TOKEN, live: { keepaliveMs: 50 } });
    const stream = await openSse(`${server.url}/api/admin/events`, BEARER);
    await expect.poll(() => stream.comments).toBeGreaterThanOrEqual(2);
    expect(changes(stream)).toHaveLength(0);
    stream.close();
  });

  it('forgets viewers that disconnect', async () => {
    const server = await backend({ adminToken: TOKEN });
    const streams = await Promise.all([1, 2, 3].map(() => openSse(`${server.url}/api/admin/events`, BEARER)));
    await Promise.all(streams.map((s) => s.next((e) => e.event === 'snapshot')));
    expect(server.mock.dashboard?.feed.viewers).toBe(3);
    for (const stream of streams) stream.close();
    await expect.poll(() => server.mock.dashboard?.feed.viewers).toBe(0);
    // Changes with nobody watching cost nothing and break nothing; the next viewer sees them.
    server.mock.store.mint('nepa-it', 'Unwatched Clinic', 1);
    const next = await openSse(`${server.url}/api/admin/events`, BEARER);
    expect((await next.next((e) => e.event === 'snapshot')).data).toContain('Unwatched Clinic');
    next.close();
  });

  it('tells a viewer its session ended and closes the stream: on sign-out, and on expiry', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const server = await backend({ adminToken: TOKEN, now: () => now, live: { keepaliveMs: 50 } });
    const leaving = await signIn(server.url);
    const staying = await signIn(server.url);
    const first = await openSse(`${server.url}/api/admin/events`, { cookie: leaving.cookie });
    const second = await openSse(`${server.url}/api/admin/events`, { cookie: staying.cookie });
    await fetch(`${server.url}/dashboard/session`, { method: 'DELETE', headers: asPage(server.url, leaving) });
    await first.next((e) => e.event === 'signed-out');
    await first.ended;
    expect(second.events.some((e) => e.event === 'signed-out')).toBe(false);
    // An open view counts as use, so only the absolute lifetime ends it: move past both.
    now += 9 * 60 * 60 * 1000 + SESSION_IDLE_MS;
    await second.next((e) => e.event === 'signed-out');
    await second.ended;
    expect(server.mock.dashboard?.feed.viewers).toBe(0);
  });
});
