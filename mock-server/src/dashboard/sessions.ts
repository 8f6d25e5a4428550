import { MAX_SESSIONS, SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from './limits.js';
import { digest, newSecret } from './secrets.js';

/** A signed-in browser. Its cookie is never kept: the map is keyed by the cookie's digest. */
export interface Session {
  readonly key: string;
  /** Sent back in the X-CSRF-Token header on every state-changing request. */
  readonly csrf: string;
  readonly createdAt: number;
  lastUsed: number;
}

/**
 * The dashboard's sign-ins, in memory (a restart signs everyone out, which suits a mock). A session
 * ends SESSION_MAX_AGE_MS after sign-in or SESSION_IDLE_MS after its last use, whichever is first.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ended = new Set<(session: Session) => void>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A new session and the cookie value that names it (given to the browser once, kept nowhere). */
  create(): { readonly cookie: string; readonly session: Session } {
    this.#prune();
    const cookie = newSecret();
    const at = this.#now();
    const session: Session = { key: keyOf(cookie), csrf: newSecret(), createdAt: at, lastUsed: at };
    this.#sessions.set(session.key, session);
    return { cookie, session };
  }

  /** The live session a cookie names, marked as used now; undefined for no, unknown or expired cookies. */
  use(cookie: string | undefined): Session | undefined {
    if (cookie === undefined || cookie === '') return undefined;
    const session = this.#sessions.get(keyOf(cookie));
    if (session === undefined) return undefined;
    if (!this.isLive(session)) {
      this.end(session);
      return undefined;
    }
    session.lastUsed = this.#now();
    return session;
  }

  /** Marks a session used without a request (an open live view is use). */
  touch(session: Session): void {
    if (this.isLive(session)) session.lastUsed = this.#now();
  }

  isLive(session: Session): boolean {
    return this.#sessions.get(session.key) === session && this.#now() < this.expiresAt(session);
  }

  expiresAt(session: Session): number {
    return Math.min(session.createdAt + SESSION_MAX_AGE_MS, session.lastUsed + SESSION_IDLE_MS);
  }

  end(session: Session): void {
    if (!this.#sessions.delete(session.key)) return;
    for (const listener of this.#ended) listener(session);
  }

  /** Told when a session ends (signed out, expired or evicted): its live streams close. */
  onEnd(listener: (session: Session) => void): () => void {
    this.#ended.add(listener);
    return () => this.#ended.delete(listener);
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Drops expired sessions, then the least recently used while the store is full. */
  #prune(): void {
    for (const session of [...this.#sessions.values()]) if (!this.isLive(session)) this.end(session);
    while (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = [...this.#sessions.values()].reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a));
      this.end(oldest);
    }
  }
}

function keyOf(cookie: string): string {
  return digest(cookie).toString('hex');
}
