import { area } from './base.mjs';

/** The mock Central Command's store: codes, claims, appliances, heartbeats, drop-ship. */
export default area('mock-store', {
  mutate: ['mock-server/src/store/**/*.ts'],
  breakAt: 85,
});
