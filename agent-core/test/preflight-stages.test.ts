import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test-support/backend.js';
import { preflightOf, useTcpServer, useUnansweredPort } from '../../test-support/preflight.js';

const backend = useBackend();
const tcpServer = useTcpServer();
const unansweredPort = useUnansweredPort();

const DNS_HINT = (host: string) => `The appliance cannot look up ${host}. Check that DHCP gives it a DNS server, and that no DNS filter (Pi-hole, Umbrella, Fortinet, Sophos) blocks the name.`;
const failingLookup = (code?: string) => () => Promise.reject(Object.assign(new Error('lookup failed'), code === undefined ? {} : { code }));
const answering = (...addresses: string[]) => () => Promise.resolve(addresses.map((address) => ({ address })));
const anyMs = expect.any(Number) as number;

describe('preflight DNS stage', () => {
  it('takes an IPv4 address as it is, without asking the resolver', async () => {
    const server = await backend();
    const report = await preflightOf(server.url, { lookup: failingLookup('ENOTFOUND') });
    const port = Number(new URL(server.url).port);
    expect(report.ok).toBe(true);
    expect(report.stages.slice(0, 3)).toEqual([
      { stage: 'dns', status: 'pass', key: 'preflight.dns.address', params: { host: '127.0.0.1' }, detail: '127.0.0.1 is an address; no lookup needed', ms: anyMs },
      { stage: 'tcp', status: 'pass', key: 'preflight.tcp.connected', params: { address: '127.0.0.1', port }, detail: `connected to 127.0.0.1 port ${port}`, ms: anyMs },
      { stage: 'tls', status: 'skip', key: 'preflight.tls.plain', params: {}, detail: 'plain http to the loopback host', ms: 0 },
    ]);
  });

  it('takes an IPv6 literal without the brackets the URL writes around it', async () => {
    const server = await backend({ host: '::1' });
    const report = await preflightOf(server.url, { lookup: failingLookup('ENOTFOUND') });
    const port = Number(new URL(server.url).port);
    expect(report.ok).toBe(true);
    expect(report.stages[0]).toMatchObject({ params: { host: '::1' }, detail: '::1 is an address; no lookup needed' });
    expect(report.stages[1]).toMatchObject({ status: 'pass', detail: `connected to ::1 port ${port}` });
  });

  it('says a name the resolver has no address for has none, and stops there', async () => {
    const report = await preflightOf('https://backend.invalid', { lookup: answering() });
    expect(report.stages).toHaveLength(1);
    expect(report.failed).toEqual({ stage: 'dns', status: 'fail', key: 'preflight.dns.none', params: { host: 'backend.invalid' }, detail: 'backend.invalid has no address', hint: DNS_HINT('backend.invalid'), ms: anyMs });
  });

  it.each([
    ['the resolver’s error code', 'ENOTFOUND', 'ENOTFOUND'],
    ['a plain “error” when the resolver gave no code', undefined, 'error'],
  ])('names a failed lookup with %s', async (_what, code, shown) => {
    const report = await preflightOf('https://api.osiriscare.net', { lookup: failingLookup(code) });
    expect(report.stages).toHaveLength(1);
    expect(report.failed).toMatchObject({
      stage: 'dns',
      key: 'preflight.dns.error',
      params: { host: 'api.osiriscare.net', code: shown },
      detail: `cannot resolve api.osiriscare.net (${shown})`,
      hint: DNS_HINT('api.osiriscare.net'),
    });
  });

  it('recognises a DNS filter when every answer is a sinkhole address, and names the filters to ask about', async () => {
    const report = await preflightOf('https://api.osiriscare.net', { lookup: answering('0.0.0.0', '::') });
    expect(report.stages).toHaveLength(1);
    expect(report.failed).toMatchObject({
      stage: 'dns',
      key: 'preflight.dns.sinkhole',
      params: { host: 'api.osiriscare.net', address: '0.0.0.0' },
      detail: 'api.osiriscare.net resolved to 0.0.0.0, a blocked-domain answer',
      hint: "A DNS filter on this network is blocking api.osiriscare.net. Ask the clinic's IT to allow it (Pi-hole, Umbrella, Fortinet and Sophos all need an allow-list entry).",
    });
  });

  it('lists every address of a name that is only partly answered with a sinkhole address, and probes the first on port 443', async () => {
    const report = await preflightOf('https://backend.invalid', { lookup: answering('127.0.0.2', '0.0.0.0') });
    expect(report.stages[0]).toEqual({
      stage: 'dns',
      status: 'pass',
      key: 'preflight.dns.resolved',
      params: { host: 'backend.invalid', addresses: '127.0.0.2, 0.0.0.0' },
      detail: 'backend.invalid → 127.0.0.2, 0.0.0.0',
      ms: anyMs,
    });
    expect(report.stages[1]).toMatchObject({ stage: 'tcp', params: { address: '127.0.0.2', port: 443 } });
  });
});

describe('preflight TCP stage', () => {
  it('names a refused connection, and stops there', async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const port = Number(new URL(url).port);
    const report = await preflightOf(url);
    expect(report.stages.map((s) => [s.stage, s.status])).toEqual([['dns', 'pass'], ['tcp', 'fail']]);
    expect(report.failed).toEqual({
      stage: 'tcp',
      status: 'fail',
      key: 'preflight.tcp.refused',
      params: { address: '127.0.0.1', port },
      detail: `127.0.0.1 port ${port} refused the connection`,
      hint: 'The backend is down, or a firewall is actively rejecting outbound HTTPS.',
      ms: anyMs,
    });
  });

  it('names any other connection error by its code, and sends the technician to the cable and gateway', async () => {
    // TCP to a multicast address cannot be routed: the kernel answers ENETUNREACH at once.
    const report = await preflightOf('https://backend.invalid', { lookup: answering('224.0.0.1') });
    expect(report.stages).toHaveLength(2);
    expect(report.failed).toMatchObject({
      stage: 'tcp',
      key: 'preflight.tcp.error',
      params: { address: '224.0.0.1', port: 443, code: 'ENETUNREACH' },
      detail: 'cannot connect to 224.0.0.1 port 443 (ENETUNREACH)',
      hint: 'Check the network cable, the default gateway and the firewall.',
    });
  });

  it('says an egress firewall is dropping the connection when the port never answers', async () => {
    const port = await unansweredPort();
    const report = await preflightOf(`http://127.0.0.1:${port}`, { stageTimeoutMs: 200 });
    expect(report.stages).toHaveLength(2);
    expect(report.failed).toMatchObject({
      stage: 'tcp',
      status: 'fail',
      key: 'preflight.tcp.timeout',
      params: { address: '127.0.0.1', port },
      detail: `no answer from 127.0.0.1 port ${port}`,
      hint: `Outbound TCP ${port} seems blocked: an egress firewall is dropping the connection. Ask for outbound HTTPS to be allowed.`,
    });
  });

  it('probes port 80 for a plain-http endpoint that names no port', async () => {
    const report = await preflightOf('http://127.0.0.1');
    expect(report.stages[1]).toMatchObject({ stage: 'tcp', params: { address: '127.0.0.1', port: 80 } });
  });

  it('closes its probe connection once the stage is decided, so it leaves nothing open on the server', async () => {
    const { server } = await tcpServer((socket) => {
      socket.once('data', () => { socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}'); });
    });
    const { port } = server.address() as { port: number };
    const report = await preflightOf(`http://127.0.0.1:${port}`);
    expect(report.ok).toBe(true);
    // A server closes only once every connection to it has ended: a probe left open would keep it waiting.
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  });
});

describe('preflight timings', () => {
  it('reports each stage’s duration within the time the whole check took', async () => {
    const server = await backend();
    const started = performance.now();
    const report = await preflightOf(server.url);
    const elapsed = performance.now() - started;
    const total = report.stages.reduce((sum, s) => sum + s.ms, 0);
    expect(report.stages.every((s) => s.ms >= 0)).toBe(true);
    // Each stage's time is rounded to a whole millisecond: allow half of one per stage.
    expect(total).toBeLessThanOrEqual(elapsed + report.stages.length / 2);
  });
});
