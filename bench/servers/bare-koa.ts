// The baseline: Koa answering a small JSON body to every request, nothing else.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { valid: true };
});
const handle = app.callback();
const server = createServer((req, res) => {
  void handle(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
