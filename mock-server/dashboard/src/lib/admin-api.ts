import type { CodeView, DropshipView } from '../../../src/dashboard/protocol.js';
import type { Faults } from '../../../src/faults.js';
import { request, type Answer } from './http';
import type { Session } from './session.svelte';

export interface MintRequest {
  readonly partner: string;
  readonly client_name: string;
  readonly site_id?: string;
  readonly expires_in_hours: number;
}

export interface AssignRequest {
  readonly mac_address: string;
  readonly site_id: string;
  readonly clinic_name?: string;
  readonly partner?: string;
}

const ADMIN = '/api/admin';
const HTTP_UNAUTHORIZED = 401;

/**
 * The admin API the tests and scripts use (mock-server/src/routes/admin.ts), called with the session
 * cookie and its CSRF token instead of the bearer token. A 401 means the session is over.
 */
export class AdminApi {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  mint(body: MintRequest): Promise<Answer<CodeView>> {
    return this.#call('POST', '/codes', body);
  }

  revoke(code: string): Promise<Answer<CodeView>> {
    return this.#call('POST', `/codes/${encodeURIComponent(code)}/revoke`, {});
  }

  assign(body: AssignRequest): Promise<Answer<DropshipView>> {
    return this.#call('POST', '/dropship', body);
  }

  faults(): Promise<Answer<{ faults: Faults }>> {
    return this.#call('GET', '/faults');
  }

  setFaults(faults: Faults): Promise<Answer<{ faults: Faults }>> {
    return this.#call('PUT', '/faults', faults);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const answer = await request<T>(method, `${ADMIN}${path}`, { csrf: this.#session.csrf, ...(body === undefined ? {} : { body }) });
    if (!answer.ok && answer.status === HTTP_UNAUTHORIZED) this.#session.ended();
    return answer;
  }
}
