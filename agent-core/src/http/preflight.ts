import { lookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { z } from '../zod.js';
import { CLOCK_SKEW_MAX_MS, PREFLIGHT_STAGE_TIMEOUT_MS } from '../constants.js';
import { proxyFor } from './proxy-env.js';
import { isLoopbackHost } from './endpoint.js';
import { bySchema, type HttpClient } from './client.js';
import { trustedCas } from './dispatcher.js';
import { errorCodes } from './network-errors.js';

/**
 * The four-stage network gate — DNS → TCP → TLS → HTTP — plus a clock check. Appliances in
 * clinics get stuck behind DNS filters, egress firewalls, TLS-inspecting proxies or a backend
 * outage; each stage failing says which, in words a technician can act on.
 */
export const PREFLIGHT_STAGES = ['dns', 'tcp', 'tls', 'http', 'clock'] as const;
export type PreflightStage = (typeof PREFLIGHT_STAGES)[number];

export interface StageResult {
  readonly stage: PreflightStage;
  readonly status: 'pass' | 'fail' | 'skip' | 'warn';
  /** The detail in English (CLI, logs); `key` and `params` say the same for a screen in another language. */
  readonly detail: string;
  readonly key?: string;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly hint?: string;
  readonly ms: number;
}

type Said = { readonly detail: string; readonly key: string; readonly params: Readonly<Record<string, string | number>> };

/** A stage's detail as words and as a message key with parameters (`preflight.<id>`), from one place. */
function said(id: string, params: Readonly<Record<string, string | number>>, text: string): Said {
  return { detail: text, key: `preflight.${id}`, params };
}

export interface PreflightReport {
  /** True when the backend answered over HTTP (a clock warning does not make it false). */
  readonly ok: boolean;
  readonly stages: readonly StageResult[];
  /** The first failed stage's result, for a one-line summary. */
  readonly failed?: StageResult;
}

export interface PreflightOptions {
  readonly client: HttpClient;
  readonly caFile?: string;
  readonly stageTimeoutMs?: number;
  /** True when the clinic's proxy carries the traffic: only the HTTP stage then says anything. From the environment by default. */
  readonly viaProxy?: boolean;
  readonly now?: () => number;
  /** The resolver; the system's by default (tests stand in for a DNS filter with it). */
  readonly lookup?: Resolver;
}

export type Resolver = (host: string) => Promise<readonly { address: string }[]>;
const systemLookup: Resolver = (host) => lookup(host, { all: true });

const SINKHOLE_ADDRESSES = new Set(['0.0.0.0', '::', '127.0.0.1', '::1']);
const HealthSchema = z.unknown();

export async function runPreflight(options: PreflightOptions): Promise<PreflightReport> {
  const endpoint = options.client.endpoint;
  const host = endpoint.hostname.replace(/^\[|\]$/g, '');
  const port = Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80));
  const timeoutMs = options.stageTimeoutMs ?? PREFLIGHT_STAGE_TIMEOUT_MS;
  const stages: StageResult[] = [];
  const direct = !(options.viaProxy ?? usesProxy(endpoint, process.env));

  let address: string | undefined;
  if (direct) {
    const dns = await timed('dns', () => checkDns(host, options.lookup ?? systemLookup));
    stages.push(dns.result);
    address = dns.value;
    if (dns.result.status === 'fail') return finish(stages);

    const tcp = await timed('tcp', () => checkTcp(address ?? host, port, timeoutMs));
    stages.push(tcp.result);
    if (tcp.result.status === 'fail') return finish(stages);

    if (endpoint.protocol === 'https:') {
      const tls = await timed('tls', () => checkTls(address ?? host, port, host, timeoutMs, options.caFile));
      stages.push(tls.result);
      if (tls.result.status === 'fail') return finish(stages);
    } else {
      stages.push({ stage: 'tls', status: 'skip', ...said('tls.plain', {}, 'plain http to the loopback host'), ms: 0 });
    }
  } else {
    for (const stage of ['dns', 'tcp', 'tls'] as const) {
      stages.push({ stage, status: 'skip', ...said('proxy', {}, 'handled by the configured proxy'), ms: 0 });
    }
  }

  const http = await timed('http', () => checkHttp(options.client));
  stages.push(http.result);
  if (http.result.status === 'fail') return finish(stages);
  stages.push(checkClock(options.client.lastServerDate, (options.now ?? Date.now)()));
  return finish(stages);
}

/** Whether requests to the endpoint go through a proxy (the loopback host never does): as the dispatcher decides (proxy-env.ts). */
export function usesProxy(endpoint: URL, env: NodeJS.ProcessEnv): boolean {
  return !isLoopbackHost(endpoint.hostname) && proxyFor(endpoint, env) !== undefined;
}

function finish(stages: StageResult[]): PreflightReport {
  const failed = stages.find((s) => s.status === 'fail');
  return failed === undefined ? { ok: true, stages } : { ok: false, stages, failed };
}

type Check<T> = (Said & { pass: true; value?: T }) | (Said & { pass: false; hint: string });

async function timed<T>(stage: PreflightStage, run: () => Promise<Check<T>>): Promise<{ result: StageResult; value?: T }> {
  const started = performance.now();
  const check = await run();
  const ms = Math.round(performance.now() - started);
  const words = { detail: check.detail, key: check.key, params: check.params };
  if (check.pass) return { result: { stage, status: 'pass', ...words, ms }, ...(check.value === undefined ? {} : { value: check.value }) };
  return { result: { stage, status: 'fail', ...words, hint: check.hint, ms } };
}

async function checkDns(host: string, resolve: Resolver): Promise<Check<string>> {
  if (isIP(host) !== 0) return { pass: true, ...said('dns.address', { host }, `${host} is an address; no lookup needed`), value: host };
  try {
    const answers = await resolve(host);
    const first = answers[0]?.address;
    if (first === undefined) return { pass: false, ...said('dns.none', { host }, `${host} has no address`), hint: dnsHint(host) };
    if (!isLoopbackHost(host) && answers.every((a) => SINKHOLE_ADDRESSES.has(a.address))) {
      return {
        pass: false,
        ...said('dns.sinkhole', { host, address: first }, `${host} resolved to ${first}, a blocked-domain answer`),
        hint: `A DNS filter on this network is blocking ${host}. Ask the clinic's IT to allow it (Pi-hole, Umbrella, Fortinet and Sophos all need an allow-list entry).`,
      };
    }
    const addresses = answers.map((a) => a.address).join(', ');
    return { pass: true, ...said('dns.resolved', { host, addresses }, `${host} → ${addresses}`), value: first };
  } catch (err) {
    const code = errorCodes(err)[0] ?? 'error';
    return { pass: false, ...said('dns.error', { host, code }, `cannot resolve ${host} (${code})`), hint: dnsHint(host) };
  }
}

function dnsHint(host: string): string {
  return `The appliance cannot look up ${host}. Check that DHCP gives it a DNS server, and that no DNS filter (Pi-hole, Umbrella, Fortinet, Sophos) blocks the name.`;
}

function checkTcp(address: string, port: number, timeoutMs: number): Promise<Check<never>> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: address, port, timeout: timeoutMs });
    settleSocket(socket, 'connect', resolve, {
      pass: { pass: true, ...said('tcp.connected', { address, port }, `connected to ${address} port ${port}`) },
      timeout: { pass: false, ...said('tcp.timeout', { address, port }, `no answer from ${address} port ${port}`), hint: `Outbound TCP ${port} seems blocked: an egress firewall is dropping the connection. Ask for outbound HTTPS to be allowed.` },
      error: (code) => code === 'ECONNREFUSED'
        ? { pass: false, ...said('tcp.refused', { address, port }, `${address} port ${port} refused the connection`), hint: 'The backend is down, or a firewall is actively rejecting outbound HTTPS.' }
        : { pass: false, ...said('tcp.error', { address, port, code }, `cannot connect to ${address} port ${port} (${code})`), hint: 'Check the network cable, the default gateway and the firewall.' },
    });
  });
}

function checkTls(address: string, port: number, servername: string, timeoutMs: number, caFile?: string): Promise<Check<never>> {
  return new Promise((resolve) => {
    const ca = trustedCas(caFile);
    if (!ca.ok) {
      resolve({ pass: false, ...said('tls.ca', {}, ca.error), hint: 'Fix the --ca-file path.' });
      return;
    }
    const socket = tlsConnect({ host: address, port, servername: isIP(servername) === 0 ? servername : undefined, timeout: timeoutMs, ...(ca.data === undefined ? {} : { ca: ca.data }) });
    settleSocket(socket, 'secureConnect', resolve, {
      pass: { pass: true, ...said('tls.verified', { host: servername }, `certificate for ${servername} verified`) },
      timeout: { pass: false, ...said('tls.timeout', {}, 'TLS handshake did not complete'), hint: 'Something between the appliance and the server is holding HTTPS connections: a proxy or a firewall doing inspection.' },
      error: (code) => ({ pass: false, ...said('tls.error', { code }, `TLS failed (${code})`), hint: tlsHint(code, servername) }),
    });
  });
}

function tlsHint(code: string, host: string): string {
  if (code === 'CERT_NOT_YET_VALID' || code === 'CERT_HAS_EXPIRED') {
    return "The appliance clock is probably wrong: set the date or enable NTP ('timedatectl set-ntp true').";
  }
  return `The certificate for ${host} is not the real one: a TLS-intercepting proxy or firewall is replacing it. Ask for ${host} to be exempted from HTTPS inspection.`;
}

interface SocketOutcomes {
  pass: Check<never>;
  timeout: Check<never>;
  error: (code: string) => Check<never>;
}

function settleSocket(socket: Socket, readyEvent: string, resolve: (c: Check<never>) => void, outcomes: SocketOutcomes): void {
  const settle = (check: Check<never>) => {
    socket.destroy();
    resolve(check);
  };
  socket.once(readyEvent, () => { settle(outcomes.pass); });
  socket.once('timeout', () => { settle(outcomes.timeout); });
  socket.once('error', (err) => { settle(outcomes.error(errorCodes(err)[0] ?? 'error')); });
}

async function checkHttp(client: HttpClient): Promise<Check<never>> {
  // Any answer below 500 proves the backend is reachable and serving; only its health matters here.
  // The client's own reading of an error answer stands (a 5xx is then retried): only its status is noted.
  let answered: number | undefined;
  const result = await client.call({
    method: 'GET',
    path: '/health',
    decode: bySchema(HealthSchema),
    idempotent: true,
    mapError: (response) => {
      answered = response.status;
      return undefined;
    },
  });
  if (result.ok || (answered !== undefined && answered < 500)) return { pass: true, ...said('http.answered', {}, 'Central Command answered') };
  if (result.code === 'server') {
    return { pass: false, ...said('http.failing', { reason: result.error }, result.error), hint: 'The backend is up but failing; try again in a few minutes or contact OsirisCare support.' };
  }
  return { pass: false, ...said('http.silent', { reason: result.error }, result.error), hint: result.hint ?? 'The backend did not answer over HTTPS.' };
}

function checkClock(serverDate: number | undefined, now: number): StageResult {
  if (serverDate === undefined) return { stage: 'clock', status: 'skip', ...said('clock.unknown', {}, 'server sent no Date header'), ms: 0 };
  const skew = now - serverDate;
  const seconds = Math.round(Math.abs(skew) / 1000);
  if (Math.abs(skew) <= CLOCK_SKEW_MAX_MS) return { stage: 'clock', status: 'pass', ...said('clock.ok', { seconds }, `clock within ${seconds} s of the server`), ms: 0 };
  const minutes = Math.round(Math.abs(skew) / 60_000);
  return {
    stage: 'clock',
    status: 'warn',
    ...(skew > 0 ? said('clock.ahead', { minutes }, `appliance clock is ${minutes} minutes ahead of the server`) : said('clock.behind', { minutes }, `appliance clock is ${minutes} minutes behind the server`)),
    hint: "A wrong clock makes certificates look invalid. Enable NTP ('timedatectl set-ntp true') or set the date.",
    ms: 0,
  };
}
