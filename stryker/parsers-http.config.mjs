import { area } from './base.mjs';

/** What reads untrusted text and talks to the network: codes, QR payloads, the endpoint rule and the HTTP layer. */
export default area('parsers-http', {
  mutate: ['agent-core/src/codes/**/*.ts', 'agent-core/src/http/**/*.ts'],
  breakAt: 85,
});
