import { LIVE_EVENTS, type DashboardView, type LiveChange, type SessionInfo } from '../../../src/dashboard/protocol.js';
import { applyChange } from './apply-change';
import { request } from './http';

const EVENTS_PATH = '/api/admin/events';
const SESSION_PATH = '/dashboard/session';
/** After the stream is refused (not a network blip, which EventSource retries itself), ask again this much later. */
const RETRY_AFTER_REFUSAL_MS = 3_000;
const EMPTY: DashboardView = { partners: [], codes: [], sites: [], appliances: [], heartbeats: [], dropship: [] };

/**
 * The store as the server streams it: the whole view on connect, then compact changes. No polling:
 * the page only ever learns of changes from the stream.
 */
export class LiveView {
  view = $state.raw<DashboardView>(EMPTY);
  /** 'live' once the first snapshot arrived; 'reconnecting' while EventSource retries. */
  status = $state<'connecting' | 'live' | 'reconnecting'>('connecting');
  readonly #onSignedOut: () => void;
  #source: EventSource | undefined;
  #retry: number | undefined;

  constructor(onSignedOut: () => void) {
    this.#onSignedOut = onSignedOut;
  }

  start(): void {
    this.stop();
    const source = new EventSource(EVENTS_PATH);
    this.#source = source;
    source.addEventListener(LIVE_EVENTS.snapshot, (event) => {
      this.view = JSON.parse((event as MessageEvent<string>).data) as DashboardView;
      this.status = 'live';
    });
    source.addEventListener(LIVE_EVENTS.change, (event) => {
      this.view = applyChange(this.view, JSON.parse((event as MessageEvent<string>).data) as LiveChange);
    });
    source.addEventListener(LIVE_EVENTS.signedOut, () => {
      this.stop();
      this.#onSignedOut();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CONNECTING) {
        this.status = 'reconnecting';
        return;
      }
      // Refused outright: a 401 means the session is over; anything else, try again shortly.
      this.status = 'reconnecting';
      void this.#afterRefusal();
    });
  }

  stop(): void {
    this.#source?.close();
    this.#source = undefined;
    window.clearTimeout(this.#retry);
  }

  async #afterRefusal(): Promise<void> {
    this.stop();
    const answer = await request<SessionInfo>('GET', SESSION_PATH);
    if (answer.ok && !answer.data.signed_in) {
      this.#onSignedOut();
      return;
    }
    this.#retry = window.setTimeout(() => { this.start(); }, RETRY_AFTER_REFUSAL_MS);
  }
}
