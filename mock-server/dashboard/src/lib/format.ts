const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Codes are read aloud and typed in fours (the kiosk's keyboard has four groups of four). */
const CODE_GROUP = 4;

/** What the real partner dashboard encodes in its QR code, and what the kiosk's scanner accepts: `osiris://CODE`, nothing else. */
export function qrPayload(code: string): string {
  return `osiris://${code}`;
}

export function groupCode(code: string): string {
  return code.match(new RegExp(`.{1,${CODE_GROUP}}`, 'g'))?.join(' ') ?? code;
}

/** `just now`, `12 s ago`, `3 min ago`, `2 h ago`, `4 days ago`. */
export function ago(iso: string | undefined, now: number): string {
  if (iso === undefined || iso === '') return 'never';
  const elapsed = Math.max(0, now - Date.parse(iso));
  if (elapsed < 2 * SECOND) return 'just now';
  if (elapsed < MINUTE) return `${Math.floor(elapsed / SECOND)} s ago`;
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`;
  const days = Math.floor(elapsed / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'} ago`;
}

/** `in 3 days`, `in 5 h`, or `expired`. */
export function untilExpiry(iso: string | undefined, now: number): string {
  if (iso === undefined) return 'never expires';
  const left = Date.parse(iso) - now;
  if (left <= 0) return 'expired';
  // Rounded, so a code minted for three days reads "in 3 days" for its first half day, not "in 2 days" a second later.
  if (left < HOUR) return `in ${Math.ceil(left / MINUTE)} min`;
  if (left < DAY) return `in ${Math.round(left / HOUR)} h`;
  const days = Math.round(left / DAY);
  return `in ${days} ${days === 1 ? 'day' : 'days'}`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium' });

export function when(iso: string | undefined): string {
  return iso === undefined ? '—' : dateTime.format(new Date(iso));
}

export function clockTime(iso: string): string {
  return timeOnly.format(new Date(iso));
}

/** A pending code past its expiry reads as expired (the server marks it so only when someone tries it). */
export function effectiveStatus(status: string, expiresAt: string | undefined, now: number): string {
  return status === 'pending' && expiresAt !== undefined && Date.parse(expiresAt) < now ? 'expired' : status;
}
