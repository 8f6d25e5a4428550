/**
 * The main job: a complete headless provisioning on this machine. Starts the mock Central Command
 * in-process on loopback with its seeded partner and codes, runs `osiris-provision --provision`
 * against it into a local state folder (never /var/lib/msp), then `--check`.
 */
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { main as provisionCli } from '../agent-core/src/cli/main.js';
import { startServer } from '../mock-server/src/server.js';

const DEMO_CODE = 'ABCD1234EFGH5678';
const stateDir = resolve(process.env.OSIRIS_DEMO_STATE_DIR ?? join('.state', 'demo'));

await rm(stateDir, { recursive: true, force: true });
const server = await startServer({ port: 0, host: '127.0.0.1' });
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
  }
} finally {
  await server.close();
}
