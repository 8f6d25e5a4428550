import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChange } from '../../dashboard/src/lib/apply-change.js';
import type { DashboardView, LiveChange } from '../../src/dashboard/protocol.js';
import { useBackend } from '../../../test-support/backend.js';
import { post } from '../../../test-support/http.js';
import { projectRoot } from '../../../test-support/paths.js';
import { openSse, type SseStream } from '../../../test-support/sse.js';
import { BEARER, signIn, TOKEN } from './support.js';

const backend = useBackend();
const VIEWERS = 100;
const CLAIMS = 30;
const FIGURES = join(projectRoot(), 'test-artifacts', 'sse-viewers.json');

/** What a viewer knows after the snapshot and every change it was sent: the page's own reducer. */
function viewOf(stream: SseStream): DashboardView {
  const [snapshot, ...rest] = stream.events;
  let view = JSON.parse(snapshot?.data ?? '{}') as DashboardView;
  for (const event of rest) if (event.event === 'change') view = applyChange(view, JSON.parse(event.data) as LiveChange);
  return view;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

describe(`live feed under ${VIEWERS} concurrent viewers`, () => {
  it('brings every viewer every change, in order, and forgets them all when they leave', async () => {
    const server = await backend({ adminToken: TOKEN });
    const signed = await signIn(server.url);
    const connectStart = performance.now();
    const viewers = await Promise.all(Array.from({ length: VIEWERS }, () => openSse(`${server.url}/api/admin/events`, { cookie: signed.cookie })));
    await Promise.all(viewers.map((v) => v.next((e) => e.event === 'snapshot')));
    const connectMs = performance.now() - connectStart;
    expect(server.mock.dashboard?.feed.viewers).toBe(VIEWERS);

    const latencies: number[] = [];
    for (let i = 0; i < CLAIMS; i += 1) {
      const code = (await post(`${server.url}/api/admin/codes`, { partner: 'nepa-it', client_name: `Load Clinic ${i}` }, BEARER)).json<{ code: string }>().code;
      const mac = `02:00:5E:10:00:${i.toString(16).padStart(2, '0').toUpperCase()}`;
      const sent = performance.now();
      expect((await post(`${server.url}/api/provision/claim`, { provision_code: code, mac_address: mac })).status).toBe(200);
      const arrivals = await Promise.all(viewers.map((v) => v.next((e) => e.event === 'change' && e.data.includes(`"mac_address":"${mac}"`))));
      for (const arrival of arrivals) latencies.push(arrival.at - sent);
    }

    const truth = JSON.stringify(await snapshotNow(server.url));
    for (const viewer of viewers) expect(JSON.stringify(viewOf(viewer))).toBe(truth);

    for (const viewer of viewers) viewer.close();
    await expect.poll(() => server.mock.dashboard?.feed.viewers).toBe(0);

    latencies.sort((a, b) => a - b);
    const figures = {
      viewers: VIEWERS,
      claims: CLAIMS,
      deliveries: latencies.length,
      connect_all_ms: Math.round(connectMs),
      claim_to_viewer_ms: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), max: round(latencies.at(-1) ?? Number.NaN) },
      change_events_per_viewer: viewers[0]?.events.filter((e) => e.event === 'change').length,
    };
    await mkdir(join(projectRoot(), 'test-artifacts'), { recursive: true });
    await writeFile(FIGURES, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`SSE, ${VIEWERS} viewers: ${JSON.stringify(figures)}`);
    expect(latencies).toHaveLength(VIEWERS * CLAIMS);
  });
});

async function snapshotNow(url: string): Promise<DashboardView> {
  const fresh = await openSse(`${url}/api/admin/events`, BEARER);
  const view = JSON.parse((await fresh.next((e) => e.event === 'snapshot')).data) as DashboardView;
  fresh.close();
  return view;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
