import { runDropshipFlow } from '../flow/dropship.js';
import type { FlowResult } from '../flow/events.js';
import { getIdentity } from '../identity/index.js';
import type { CliArgs } from './args.js';
import { writeJson, writeLine } from './io.js';
import type { CliIo } from './io.js';
import { header, httpOptions, withInterrupt } from './provision.js';
import { failureBlock, progressLine, resultJson, successBlock } from './render.js';

/**
 * `--wait-for-assignment`: drop-ship in the foreground. Shows the MAC to give the partner, each
 * check and the wait before the next, then provisions from the signed config once assigned.
 */
export async function waitForAssignment(args: CliArgs, io: CliIo): Promise<FlowResult> {
  const human = args.json ? io.stderr : io.stdout;
  const identity = getIdentity();
  header(human, identity);
  writeLine(human, `Waiting for a partner to assign MAC ${identity.mac_address} to a site in the dashboard.`);
  writeLine(human);
  const result = await withInterrupt(io, (signal) =>
    runDropshipFlow({
      apiEndpoint: args.apiEndpoint,
      stateDir: args.stateDir,
      configPath: args.configPath,
      serverKeyPath: args.serverKey,
      identity,
      http: httpOptions(args),
      signal,
      ...(args.authorizedKeys === undefined ? {} : { authorizedKeysPath: args.authorizedKeys }),
      ...(args.timeoutTotalMs === undefined ? {} : { totalTimeoutMs: args.timeoutTotalMs }),
      onEvent: (event) => { progressLine(human, event); },
      onWait: ({ delayMs }) => { writeLine(human, `         next check in ${Math.max(1, Math.round(delayMs / 1000))} s`); },
    }),
  );
  if (result.ok) successBlock(human, result.data);
  else failureBlock(human, result);
  if (args.json) writeJson(io.stdout, resultJson(result));
  return result;
}
