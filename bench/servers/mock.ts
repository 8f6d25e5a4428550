// A mock Central Command in its own process for load tests. argv: codes PREFIX COUNT — the pending
// codes to seed (PREFIX then digits, 16 characters), generated here rather than shipped as a fixture
// file, so a load round never runs out of codes however fast the machine is.
import { defaultFixture } from '../../mock-server/src/fixtures.js';
import { startServer } from '../../mock-server/src/server.js';

const seeds = process.argv.slice(2);
const codes: { code: string; partner: string; client_name: string; status: 'pending' }[] = [{ code: 'ABCD1234EFGH5678', partner: 'nepa-it', client_name: 'Clinic ABC', status: 'pending' }];
for (let i = 0; i + 1 < seeds.length; i += 2) {
  const prefix = seeds[i] ?? 'L';
  for (let n = 0; n < Number(seeds[i + 1]); n += 1) codes.push({ code: `${prefix}${String(n).padStart(16 - prefix.length, '0')}`, partner: 'nepa-it', client_name: `Load ${n}`, status: 'pending' });
}
const server = await startServer({ port: 0, rateLimit: false, fixture: { ...defaultFixture(), codes } });
process.stdout.write(`${server.url}\n`);
