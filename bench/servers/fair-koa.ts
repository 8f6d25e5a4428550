// The fair baseline for the claim: Koa, the mock's own bounded JSON body reader, a Map lookup and a
// claim-sized JSON answer — what a claim cannot avoid — without the mock's routing, validation and store.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { jsonBody } from '../../mock-server/src/json-body.js';

const CLAIM_SIZED = {
  status: 'claimed', site_id: 'load-0-3f9a1c2b4d5e', appliance_id: 'load-0-3f9a1c2b4d5e-84:3A:5B:91:B6:61', api_endpoint: 'http://127.0.0.1:8080',
  api_key: 'x'.repeat(43), partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB', logo_url: null }, config: {},
  message: 'Appliance provisioned successfully. Run initial discovery.', wg_hub_pubkey: null, wg_hub_endpoint: null, wg_ip: null,
};
const table = new Map<string, number>();
const app = new Koa();
app.use(jsonBody(16 * 1024));
app.use((ctx) => {
  const code = (ctx.request.body as { provision_code?: unknown } | undefined)?.provision_code;
  const key = typeof code === 'string' ? code : '';
  table.set(key, (table.get(key) ?? 0) + 1);
  ctx.body = CLAIM_SIZED;
});
const handle = app.callback();
const server = createServer((req, res) => {
  void handle(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
