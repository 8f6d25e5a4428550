import type { FlowResult, OsirisBridge, PreflightReport, ProgressEvent, ValidateOutcome } from '../../src/lib/bridge';

/**
 * An in-memory bridge for component tests: answers as the engine would, and records each call.
 * (The end-to-end tests run the real engine behind the real bridge; these check the screens.)
 */
export class FakeBridge implements OsirisBridge {
  calls: { method: string; args: unknown[] }[] = [];
  listeners = new Set<(event: ProgressEvent) => void>();
  preflightReport: PreflightReport = { ok: true, stages: [] };
  validateOutcome: ValidateOutcome = { ok: true, data: { client_name: 'Clinic ABC', partner: { brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } } };
  provisionOutcome: FlowResult = {
    ok: true,
    data: { source: 'claim', site_id: 'clinic-abc-123abc', appliance_id: 'clinic-abc-123abc-84:3A:5B:91:B6:61', config_path: '/var/lib/msp/config.yaml', api_endpoint: 'https://api.osiriscare.net', partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' }, resumed: false, warnings: [] },
  };
  /** Resolves a pending provision call; set when provision is called. */
  releaseProvision: (() => void) | undefined;
  holdProvision = false;

  #record(method: string, args: unknown[]) {
    this.calls.push({ method, args });
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  identity() {
    this.#record('identity', []);
    return Promise.resolve({ mac_address: '84:3A:5B:91:B6:61', hostname: 'osiriscare-appliance', version: '0.1.0' });
  }
  preflight() {
    this.#record('preflight', []);
    return Promise.resolve(this.preflightReport);
  }
  state() {
    this.#record('state', []);
    return Promise.resolve({ state: 'fresh' as const });
  }
  parseQr(text: string) {
    this.#record('parseQr', [text]);
    const code = text.toUpperCase().replace(/[\s-]+/g, '');
    return Promise.resolve(/^[A-Z0-9]{16}$/.test(code) ? { ok: true as const, data: { code } } : { ok: false as const, code: 'format' as const, error: 'This QR code is not an OsirisCare provision code', retryable: false });
  }
  validate(request: { code: string }) {
    this.#record('validate', [request]);
    return Promise.resolve(this.validateOutcome);
  }
  async provision(request: object) {
    this.#record('provision', [request]);
    if (this.holdProvision) await new Promise<void>((resolve) => (this.releaseProvision = resolve));
    return this.provisionOutcome;
  }
  finish() {
    this.#record('finish', []);
    return Promise.resolve({ ok: true });
  }
  dropship() {
    this.#record('dropship', []);
    return Promise.resolve({ state: 'off' as const, mac_address: '84:3A:5B:91:B6:61', polls: 0 });
  }
  onProgress(listener: (event: ProgressEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: ProgressEvent) {
    for (const listener of this.listeners) listener(event);
  }
}
