// Runs the real provisioning flow (built, from dist/) and kills itself with SIGKILL at one point,
// the way a power cut or an OOM kill would stop it: no cleanup, no finally blocks.
// argv: endpoint stateDir code point [mac]   (point: "step:<step>", "phase:<journal|config>:<phase>" or "none")
import { runProvisioningFlow } from '../dist/agent-core/src/flow/flow.js';

const [endpoint, stateDir, code, point, mac = '84:3A:5B:91:B6:61'] = process.argv.slice(2);
const die = (here) => {
  if (here !== point) return;
  // Under `npm run test:mutation` only: SIGKILL runs no exit handler (see mutation-child-coverage.mjs).
  globalThis.__osirisFlushMutationCoverage?.();
  process.kill(process.pid, 'SIGKILL');
};
const result = await runProvisioningFlow({
  code,
  apiEndpoint: endpoint,
  stateDir,
  preflight: 'never',
  identity: { mac_address: mac, hostname: 'crash-test' },
  http: { retry: { baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 3_000 },
  hooks: {
    afterStep: (step) => die(`step:${step}`),
    onWritePhase: (file, phase) => die(`phase:${file}:${phase}`),
  },
});
process.stdout.write(JSON.stringify(result));
