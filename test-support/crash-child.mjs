// Runs the real provisioning flow (built, from dist/) and kills itself with SIGKILL at one point,
// the way a power cut or an OOM kill would stop it: no cleanup, no finally blocks.
// argv: endpoint stateDir code point   (point: "step:<step>" or "phase:<journal|config>:<phase>")
import { runProvisioningFlow } from '../dist/agent-core/src/flow/flow.js';

const [endpoint, stateDir, code, point] = process.argv.slice(2);
const die = (here) => {
  if (here === point) process.kill(process.pid, 'SIGKILL');
};
const result = await runProvisioningFlow({
  code,
  apiEndpoint: endpoint,
  stateDir,
  preflight: 'never',
  identity: { mac_address: '84:3A:5B:91:B6:61', hostname: 'crash-test' },
  hooks: {
    afterStep: (step) => die(`step:${step}`),
    onWritePhase: (file, phase) => die(`phase:${file}:${phase}`),
  },
});
process.stdout.write(JSON.stringify(result));
