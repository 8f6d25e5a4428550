import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { claimProvisionCode, validateProvisionCode } from '../src/protocol/api.js';
import { parseRetryAfter, sleep } from '../src/http/retry.js';
import { PENDING_CODE, TEST_IDENTITY } from '../../test-support/backend.js';
import { CLAIM_PATH, claimBody, sendJson, useHostileServer } from '../../test-support/hostile-server.js';

const hostile = useHostileServer();

/** A handler that records when each request arrived. */
function timed(answer: (hit: number, res: Parameters<typeof sendJson>[0]) => void) {
  const at: number[] = [];
  return {
    at,
    handler: (_req: unknown, res: Parameters<typeof sendJson>[0], hit: number) => {
      at.push(performance.now());
      answer(hit, res);
    },
  };
}

describe('waiting between tries', () => {
  it('waits the Retry-After the server asks for before sending the claim again', async () => {
    const { at, handler } = timed((hit, res) => {
      if (hit === 1) sendJson(res, 429, { detail: 'Too many requests' }, { 'retry-after': '1' });
      else sendJson(res, 200, claimBody());
    });
    const server = await hostile(handler);
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    expect(result.ok).toBe(true);
    expect(server.hits.get(CLAIM_PATH)).toBe(2);
    // One second asked for, not the 1–5 ms backoff this client would otherwise use.
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('backs off between tries of an idempotent call that fails with 5xx', async () => {
    const { at, handler } = timed((hit, res) => {
      if (hit < 3) sendJson(res, 503, { detail: 'warming up' });
      else sendJson(res, 200, { valid: true, partner: { brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } });
    });
    const server = await hostile(handler);
    const result = await validateProvisionCode(PENDING_CODE, { apiEndpoint: server.url, retry: { baseDelayMs: 200, maxDelayMs: 1_000, random: () => 1 } });
    expect(result.ok).toBe(true);
    expect(at).toHaveLength(3);
    // Full jitter at its top: 200 ms after the first failure, 400 ms after the second.
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(190);
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(390);
  });
});

describe('sleep', () => {
  it('resolves after the time asked for', async () => {
    const started = performance.now();
    await sleep(120);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('leaves no timer and no abort listener behind, whether it ran its time or was cancelled', async () => {
    vi.useFakeTimers();
    try {
      const ran = new AbortController();
      const ranOut = sleep(100, ran.signal);
      expect(getEventListeners(ran.signal, 'abort')).toHaveLength(1);
      vi.advanceTimersByTime(100);
      await ranOut;
      expect(getEventListeners(ran.signal, 'abort')).toHaveLength(0);

      const cancelled = new AbortController();
      const cut = sleep(60_000, cancelled.signal);
      expect(vi.getTimerCount()).toBe(1);
      cancelled.abort();
      await cut;
      expect(vi.getTimerCount()).toBe(0);
      expect(getEventListeners(cancelled.signal, 'abort')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resolves at once when already cancelled, and as soon as it is cancelled', async () => {
    const aborted = AbortSignal.abort();
    let started = performance.now();
    await sleep(5_000, aborted);
    expect(performance.now() - started).toBeLessThan(1_000);

    const controller = new AbortController();
    started = performance.now();
    setTimeout(() => { controller.abort(); }, 50);
    await sleep(5_000, controller.signal);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(40);
    expect(waited).toBeLessThan(1_000);
  });
});

describe('Retry-After', () => {
  it('reads a bare number as seconds, never as a date, and pads nothing', () => {
    expect(parseRetryAfter('10', 0)).toBe(10_000);
    expect(parseRetryAfter(' 2 ', 0)).toBe(2_000);
    expect(parseRetryAfter('0', 0)).toBe(0);
    expect(parseRetryAfter('   ')).toBeUndefined();
  });

  it('reads neither a number with a unit nor one after a word: not whole seconds, not a date', () => {
    expect(parseRetryAfter('120s', 0)).toBeUndefined();
    expect(parseRetryAfter('s120', 0)).toBeUndefined();
    expect(parseRetryAfter('', 0)).toBeUndefined();
  });

  it('reads none of the things a lenient date parser would take for a date long past (no retry at once)', () => {
    for (const odd of ['1.5', '-5', '+120', 'in 120', '120 seconds', '2026-01-04T15:30:30Z', 'Sun, 04 Jan 2026 15:30:30', 'Sunday, 04 Jan 2026 15:30:30 GMT']) {
      expect(parseRetryAfter(odd, 0), odd).toBeUndefined();
    }
  });

  it('reads the obsolete RFC 850 and asctime forms too, asctime as GMT whatever the local zone', () => {
    const now = Date.parse('1994-11-06T08:49:00Z');
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(37_000);
      expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(37_000);
      expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(37_000);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('reads an HTTP date as the time left until then, and a date already past as no wait', () => {
    const now = Date.parse('2026-01-04T15:30:00Z');
    expect(parseRetryAfter('Sun, 04 Jan 2026 15:30:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 04 Jan 2026 15:29:00 GMT', now)).toBe(0);
  });
});
