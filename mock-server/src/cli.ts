import { parseArgs } from 'node:util';
import { DASHBOARD_PATH, NOT_BUILT_MESSAGE } from './dashboard/index.js';
import { startServer } from './server.js';
import { loadSigner } from './signing.js';
import { StateFileError } from './state-file.js';

const USAGE = `Usage: osiris-mock-server [--port N] [--host H] [--fixtures FILE] [--state FILE]
                          [--admin-token TOKEN] [--no-rate-limit] [--api-endpoint URL]
                          [--real-quirks] [--signing-key FILE] [--dropship-retry SECONDS]

Serves /api/provision/* like Central Command today, seeded from a fixture file. Prints one JSON
line {"url", "server_key", "codes":[{"code","status","partner"}], "dashboard"} once listening;
server_key is the hex Ed25519 public key drop-ship configs are signed with (give it to the
appliance as its --server-key file). The admin API (/api/admin/*) and the partner dashboard
(/dashboard/, signed in with the same token) are on only with --admin-token (or
OSIRIS_MOCK_ADMIN_TOKEN). --real-quirks reproduces today's backend defects (FIDELITY.md).`;

/** `osiris-mock-server`: a small front to startServer for demos and labs. */
export async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        fixtures: { type: 'string' },
        state: { type: 'string' },
        'admin-token': { type: 'string' },
        'no-rate-limit': { type: 'boolean' },
        'api-endpoint': { type: 'string' },
        'real-quirks': { type: 'boolean' },
        'signing-key': { type: 'string' },
        'dropship-retry': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`osiris-mock-server: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return usage('--port takes a port number (0 picks a free one)');
  const retry = values['dropship-retry'] === undefined ? undefined : Number(values['dropship-retry']);
  if (retry !== undefined && !(Number.isInteger(retry) && retry >= 0)) return usage('--dropship-retry takes a whole number of seconds');
  const adminToken = values['admin-token'] ?? process.env.OSIRIS_MOCK_ADMIN_TOKEN;
  let running;
  try {
    const signer = values['signing-key'] === undefined ? undefined : await loadSigner(values['signing-key']);
    running = await startServer({
      port,
      host: values.host,
      ...(values.fixtures === undefined ? {} : { fixturePath: values.fixtures }),
      ...(values.state === undefined ? {} : { statePath: values.state }),
      ...(adminToken === undefined ? {} : { adminToken }),
      ...(values['no-rate-limit'] === true ? { rateLimit: false as const } : {}),
      ...(values['api-endpoint'] === undefined ? {} : { apiEndpoint: values['api-endpoint'] }),
      ...(values['real-quirks'] === true ? { realQuirks: true } : {}),
      ...(signer === undefined ? {} : { signer }),
      ...(retry === undefined ? {} : { dropshipRetrySeconds: retry }),
    });
  } catch (err) {
    // A bad state file, fixture or key is the operator's to fix: one clear line, no stack trace.
    const message = err instanceof StateFileError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`osiris-mock-server: ${message.split('\n')[0] ?? message}\n`);
    return 2;
  }
  const codes = [...running.mock.store.codes.values()].map((record) => ({ code: record.code, status: record.status, partner: record.partner }));
  const dashboard = running.mock.dashboard;
  process.stdout.write(`${JSON.stringify({ url: running.url, server_key: running.mock.signer.publicKeyHex, codes, ...(dashboard === undefined ? {} : { dashboard: `${running.url}${DASHBOARD_PATH}` }) })}\n`);
  if (dashboard !== undefined && !dashboard.files.built) process.stderr.write(`osiris-mock-server: ${NOT_BUILT_MESSAGE} (looked in ${dashboard.files.dir})\n`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

function usage(message: string): number {
  process.stderr.write(`osiris-mock-server: ${message}\n`);
  return 2;
}
