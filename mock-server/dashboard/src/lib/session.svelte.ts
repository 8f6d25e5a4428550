import { request } from './http';

import type { SessionInfo } from '../../../src/dashboard/protocol.js';

const SESSION_PATH = '/dashboard/session';
const HTTP_UNAUTHORIZED = 401;
const HTTP_TOO_MANY = 429;

/**
 * Signed in or not. The cookie is HttpOnly, so the page never sees it: it asks the server, and keeps
 * only the CSRF token (in memory, gone with the tab).
 */
export class Session {
  state = $state<'checking' | 'signed-out' | 'signed-in'>('checking');
  csrf = $state('');
  /** Why the page is on the sign-in form, when it was sent there. */
  notice = $state('');
  busy = $state(false);

  async check(): Promise<void> {
    const answer = await request<SessionInfo>('GET', SESSION_PATH);
    if (answer.ok) this.#apply(answer.data, '');
    else this.#signedOut(answer.error);
  }

  async signIn(token: string): Promise<void> {
    this.busy = true;
    const answer = await request<SessionInfo>('POST', SESSION_PATH, { body: { token } });
    this.busy = false;
    if (answer.ok) {
      this.#apply(answer.data, '');
      return;
    }
    if (answer.status === HTTP_UNAUTHORIZED) this.notice = 'That is not the admin token this server was started with.';
    else if (answer.status === HTTP_TOO_MANY) this.notice = 'Too many sign-in attempts from this computer. Wait a minute, then try again.';
    else this.notice = answer.error;
  }

  async signOut(): Promise<void> {
    await request('DELETE', SESSION_PATH, { csrf: this.csrf });
    this.#signedOut('You are signed out.');
  }

  /** The server stopped accepting the session (it expired, or the server restarted). */
  ended(): void {
    if (this.state === 'signed-in') this.#signedOut('Your session ended. Sign in again to continue.');
  }

  #apply(info: SessionInfo, notice: string): void {
    if (!info.signed_in) {
      this.#signedOut(notice);
      return;
    }
    this.csrf = info.csrf_token;
    this.notice = '';
    this.state = 'signed-in';
  }

  #signedOut(notice: string): void {
    this.csrf = '';
    this.notice = notice;
    this.state = 'signed-out';
  }
}
