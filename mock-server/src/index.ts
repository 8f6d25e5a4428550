/** mock-server's public API: the Koa mock of Central Command's provisioning endpoints. */
export { createApp, type MockApp, type MockServerOptions } from './app.js';
export { FaultTable, type Fault, type Faults } from './faults.js';
export { defaultFixture, loadFixture, FixtureSchema, type Fixture } from './fixtures.js';
export { startServer, type RunningServer, type StartOptions } from './server.js';
export { loadSigner, signerFromSeed, type Signer } from './signing.js';
export { Store, siteIdFor, type ApplianceRecord, type CodeRecord } from './store/index.js';
