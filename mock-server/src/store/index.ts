export { assignMac, pollMac, type Assignment, type PollOutcome } from './dropship.js';
export { macFromPath, normalizeMac, siteIdFor } from './ids.js';
export type * from './records.js';
export { rekey, REKEY_COOLDOWN_MS } from './rekey.js';
export { APPLIANCE_ID_MAX, Store, type ChangeListener, type ClaimInput, type ClaimOutcome } from './store.js';
