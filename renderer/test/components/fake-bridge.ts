import type { BridgeApplianceState, DropshipStatus, FinishOutcome, FlowResult, OsirisBridge, PartnerLogo, PreflightReport, ProgressEvent, ValidateOutcome } from '../../src/lib/bridge';

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
  /** Resolves a pending validate call; set when validate is called. */
  releaseValidate: (() => void) | undefined;
  holdValidate = false;
  /** What state() answers: a list is answered in turn, the last one repeated (the planned "running" shape included). */
  states: BridgeApplianceState[] = [{ state: 'fresh' }];
  /** What finish() answers: today's engine answers nothing; the planned one { ok }. */
  finishOutcome: FinishOutcome = { ok: true };
  /** What partnerLogo() answers: none by default, as for a partner without a logo. */
  logo: PartnerLogo | null = null;
  dropshipStatus: DropshipStatus = { state: 'off', mac_address: '84:3A:5B:91:B6:61', polls: 0 };
  /** Methods that never answer (an engine that hangs). */
  hang = new Set<string>();

  #record(method: string, args: unknown[]) {
    this.calls.push({ method, args });
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  identity() {
    this.#record('identity', []);
    if (this.hang.has('identity')) return never<{ mac_address: string; hostname: string; version: string }>();
    return Promise.resolve({ mac_address: '84:3A:5B:91:B6:61', hostname: 'osiriscare-appliance', version: '0.1.0' });
  }
  preflight() {
    this.#record('preflight', []);
    return Promise.resolve(this.preflightReport);
  }
  state() {
    this.#record('state', []);
    if (this.hang.has('state')) return never<BridgeApplianceState>();
    const next = this.states.length > 1 ? this.states.shift() : this.states[0];
    return Promise.resolve(next ?? { state: 'fresh' as const });
  }
  parseQr(text: string) {
    this.#record('parseQr', [text]);
    const code = text.toUpperCase().replace(/[\s-]+/g, '');
    return Promise.resolve(/^[A-Z0-9]{16}$/.test(code) ? { ok: true as const, data: { code } } : { ok: false as const, code: 'format' as const, error: 'This QR code is not an OsirisCare provision code', retryable: false });
  }
  async validate(request: { code: string }) {
    this.#record('validate', [request]);
    if (this.hang.has('validate')) return never<ValidateOutcome>();
    if (this.holdValidate) await new Promise<void>((resolve) => (this.releaseValidate = resolve));
    return this.validateOutcome;
  }
  async provision(request: object) {
    this.#record('provision', [request]);
    if (this.hang.has('provision')) return never<FlowResult>();
    if (this.holdProvision) await new Promise<void>((resolve) => (this.releaseProvision = resolve));
    return this.provisionOutcome;
  }
  finish() {
    this.#record('finish', []);
    return Promise.resolve(this.finishOutcome);
  }
  dropship() {
    this.#record('dropship', []);
    return Promise.resolve(this.dropshipStatus);
  }
  partnerLogo() {
    this.#record('partnerLogo', []);
    if (this.hang.has('partnerLogo')) return never<PartnerLogo | null>();
    return Promise.resolve(this.logo);
  }
  onProgress(listener: (event: ProgressEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: ProgressEvent) {
    for (const listener of this.listeners) listener(event);
  }
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
