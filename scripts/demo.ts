/**
 * The main job: a complete headless provisioning on this machine. Starts the mock Central Command
 * in-process on loopback with its seeded partner and codes, runs `osiris-provision --provision`
 * against it into a local state folder (never /var/lib/msp), then `--check`. Then it keeps the mock
 * running with its partner dashboard and prints one line to open it, until Ctrl-C
 * (`npm run demo -- --exit` stops after the CLI part).
 */
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { main as provisionCli } from '../agent-core/src/cli/main.js';
import { DASHBOARD_PATH, NOT_BUILT_MESSAGE } from '../mock-server/src/dashboard/index.js';
import { startServer } from '../mock-server/src/server.js';
import { demoAdminToken } from './demo-token.js';

const DEMO_CODE = 'ABCD1234EFGH5678';
const stateDir = resolve(process.env.OSIRIS_DEMO_STATE_DIR ?? join('.state', 'demo'));
const exitAfterCli = process.argv.includes('--exit');
const adminToken = demoAdminToken();

await rm(stateDir, { recursive: true, force: true });
const server = await startServer({ port: 0, host: '127.0.0.1', adminToken });
let serving = false;
try {
  process.stdout.write(`Mock Central Command listening on ${server.url} (partner nepa-it, code ${DEMO_CODE})\n`);
  process.stdout.write(`$ osiris-provision --provision ${DEMO_CODE} --api-endpoint ${server.url} --state-dir ${stateDir}\n\n`);
  const exit = await provisionCli(['--provision', DEMO_CODE, '--api-endpoint', server.url, '--state-dir', stateDir]);
  if (exit !== 0) {
    process.exitCode = exit;
  } else {
    const mode = ((await stat(join(stateDir, 'config.yaml'))).mode & 0o777).toString(8);
    process.stdout.write(`\n$ osiris-provision --check --state-dir ${stateDir}\n`);
    const check = await provisionCli(['--check', '--state-dir', stateDir]);
    const appliance = [...server.mock.store.appliances.values()][0];
    process.stdout.write(`(exit ${check}; config.yaml mode ${mode}; Central Command sees ${appliance?.appliance_id ?? '?'} as ${appliance?.status ?? '?'})\n`);
    process.exitCode = check;
    serving = !exitAfterCli;
  }
} finally {
  if (!serving) await server.close();
}

if (serving) {
  if (server.mock.dashboard?.files.built === false) process.stderr.write(`${NOT_BUILT_MESSAGE}\n`);
  // The one line to click. The token is this run's own, for the person at this terminal; it is never in a URL.
  process.stdout.write(`\nPartner dashboard: ${server.url}${DASHBOARD_PATH}  (sign in with admin token ${adminToken}; Ctrl-C stops the server)\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
