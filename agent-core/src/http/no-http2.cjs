'use strict';
// Stands in for undici's lib/dispatcher/client-h2.js in the CLI and Electron bundles (rolldown.config.js).
// undici's HTTP/1.1 client loads its HTTP/2 client up front, and with it node:http2, tls and their
// bindings: ~25 ms of every provisioning run. The engine's pools never offer HTTP/2 (undici.ts:
// `allowH2: false` for the origin and for an HTTPS proxy), so a server can never pick it (ALPN);
// should one ever get this far, the connection fails with a clear error instead.
module.exports = function connectH2() {
  throw new Error('HTTP/2 was negotiated, but the provisioning engine speaks HTTP/1.1 only');
};
