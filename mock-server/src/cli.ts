import { parseArgs } from 'node:util';
import { startServer } from './server.js';

const USAGE = `Usage: osiris-mock-server [--port N] [--host H] [--fixtures FILE] [--state FILE]
                          [--admin-token TOKEN] [--no-rate-limit] [--api-endpoint URL]

Serves /api/provision/* like Central Command, seeded from a fixture file. Prints one JSON line
{"url", "codes":[{"code","status","partner"}]} once listening. The admin API (/api/admin/*) is on
only with --admin-token (or OSIRIS_MOCK_ADMIN_TOKEN).`;

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
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write('osiris-mock-server: --port takes a port number (0 picks a free one)\n');
    return 2;
  }
  const adminToken = values['admin-token'] ?? process.env.OSIRIS_MOCK_ADMIN_TOKEN;
  const running = await startServer({
    port,
    host: values.host,
    ...(values.fixtures === undefined ? {} : { fixturePath: values.fixtures }),
    ...(values.state === undefined ? {} : { statePath: values.state }),
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(values['no-rate-limit'] === true ? { rateLimit: false as const } : {}),
    ...(values['api-endpoint'] === undefined ? {} : { apiEndpoint: values['api-endpoint'] }),
  });
  const codes = [...running.mock.store.codes.keys()].map((code) => {
    const record = running.mock.store.codeStatus(code);
    return { code, status: record?.status, partner: record?.partner };
  });
  process.stdout.write(`${JSON.stringify({ url: running.url, codes })}\n`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}
