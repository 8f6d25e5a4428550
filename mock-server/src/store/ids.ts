import { randomToken } from '../random.js';

/**
 * `clinic-abc-3f9a1c2b4d5e`, as the backend makes a site_id: the client's name (or the hostname, or
 * the MAC), lower-cased, spaces, colons and dots as dashes, only letters, digits and dashes kept,
 * cut to 40 characters, then a dash and 12 random hex digits.
 */
export function siteIdFor(base: string): string {
  // Python iterates code points, as the spread does (isalnum is judged per code point there too).
  // eslint-disable-next-line @typescript-eslint/no-misused-spread
  const slug = [...base.toLowerCase().replace(/[ :.]/g, '-')].filter((c) => /[\p{L}\p{N}-]/u.test(c)).join('').slice(0, 40);
  return `${slug}-${randomToken(6, 'hex')}`;
}

/** `normalize_mac`: upper case, separators dropped, then pairs joined by colons (`84:3A:5B:91:B6:61`). */
export function normalizeMac(mac: string): string {
  const clean = mac.toUpperCase().replace(/[:.-]/g, '');
  return (clean.match(/.{1,2}/g) ?? []).join(':');
}

/** How GET /{mac} reads its path: decoded once more (`%3A` or plain), upper case, dashes as colons. */
export function macFromPath(raw: string): string {
  let mac = raw;
  try {
    mac = decodeURIComponent(raw);
  } catch {
    // A lone % stays as it is, as Python's unquote leaves it.
  }
  return mac.toUpperCase().replace(/-/g, ':');
}

/** `Clinic Abc 3f9a…`: what the backend names a site whose code had no client name. */
export function titleFromSiteId(siteId: string): string {
  // Python's str.title(): every run of letters capitalised, even right after a digit.
  return siteId.replace(/-/g, ' ').replace(/\p{L}+/gu, (word) => `${word.charAt(0).toUpperCase()}${word.slice(1).toLowerCase()}`);
}
