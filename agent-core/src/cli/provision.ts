import { createInterface } from 'node:readline/promises';
import { maskProvisionCode, parseProvisionCode } from '../codes/codes.js';
import { INTERACTIVE_ATTEMPTS } from '../constants.js';
import { readConfigState } from '../config/state.js';
import { parseApiEndpoint } from '../http/endpoint.js';
import type { FlowResult } from '../flow/events.js';
import { runProvisioningFlow } from '../flow/flow.js';
import { startHeartbeats } from '../flow/heartbeat.js';
import { HttpClient } from '../http/client.js';
import { getIdentity, type ApplianceIdentity } from '../identity/index.js';
import { runPreflight, usesProxy } from '../http/preflight.js';
import { fail } from '../result.js';
import type { CliArgs } from './args.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { processIo, writeLine, type CliIo, type TextSink } from './io.js';
import { banner, failureBlock, identityLines, preflightLines, progressLine, successBlock } from './render.js';

/** The provisioning modes of the CLI; `main` imports this module only when one of them runs. */
export async function runMode(args: CliArgs, io: CliIo): Promise<number> {
  switch (args.mode) {
    case 'auto':
      return exitFor(await provisionAuto(args.code ?? '', args, io));
    case 'interactive':
      return exitFor(await provisionInteractive(args, io));
    case 'diagnose':
      return diagnose(args, io);
    default:
      return runDefault(args, io);
  }
}

/** No mode given: interactive when not provisioned, otherwise say so and leave the config alone. */
async function runDefault(args: CliArgs, io: CliIo): Promise<number> {
  const state = await readConfigState(args.configPath);
  if (state.state === 'valid' && !args.force) {
    writeLine(args.json ? io.stderr : io.stdout, `Appliance is already provisioned (config: ${state.path}). Nothing to do.`);
    if (args.json) writeLine(io.stdout, JSON.stringify({ ok: true, already_provisioned: true, config_path: state.path }));
    return EXIT.ok;
  }
  return exitFor(await provisionInteractive(args, io));
}

/** `--provision CODE`: the seed's `run_provisioning_auto` with exit codes and JSON. */
export async function provisionAuto(code: string, args: CliArgs, io: CliIo): Promise<FlowResult> {
  const human = args.json ? io.stderr : io.stdout;
  const identity = getIdentity();
  header(human, identity);
  const parsed = parseProvisionCode(code);
  writeLine(human, `Provision Code: ${parsed.ok ? maskProvisionCode(parsed.data) : '(not a valid code)'}`);
  writeLine(human);
  const result = await withInterrupt(io, (signal) => provisionWithCode(code, identity, args, human, signal));
  if (args.json) writeLine(io.stdout, JSON.stringify(resultJson(result)));
  return result;
}

/** `--provision-interactive`: the seed's `run_provisioning_cli`, asking for the code up to three times. */
export async function provisionInteractive(args: CliArgs, io: CliIo): Promise<FlowResult> {
  // Ctrl-C is ours from the first line printed: a prompt must never be answerable by killing us mid-write.
  return withInterrupt(io, (signal) => askAndProvision(args, io, signal));
}

async function askAndProvision(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<FlowResult> {
  const identity = getIdentity();
  const human = args.json ? io.stderr : io.stdout;
  header(human, identity);
  const stopBeats = startHeartbeats({ identity, apiEndpoint: args.apiEndpoint, timeoutMs: args.timeoutMs, retry: { attempts: 1 } });
  const rl = createInterface({ input: io.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  let last: FlowResult = { ...fail('cancelled'), step: 'validate' };
  try {
    for (let attempt = 1; attempt <= INTERACTIVE_ATTEMPTS; attempt += 1) {
      writeLine(human, 'Enter your provision code (from partner dashboard):');
      writeLine(human, 'Format: XXXXXXXXXXXXXXXX (16 characters)');
      writeLine(human);
      human.write('Provision Code: ');
      const line = await nextLine(lines, signal);
      if (line === undefined) {
        writeLine(human);
        last = { ...fail('cancelled'), step: 'validate' };
        break;
      }
      const parsed = parseProvisionCode(line);
      if (!parsed.ok) {
        last = { ...parsed, step: 'validate' };
        writeLine(human, `${parsed.error}. ${remaining(attempt)}`);
        writeLine(human);
        continue;
      }
      writeLine(human);
      last = await provisionWithCode(parsed.data, identity, args, human, signal);
      if (last.ok || !retryableByPerson(last.code)) break;
      writeLine(human, remaining(attempt));
      writeLine(human);
    }
  } finally {
    stopBeats();
    rl.close();
  }
  if (!last.ok && last.code === 'cancelled') writeLine(human, 'Provisioning cancelled.');
  if (args.json) writeLine(io.stdout, JSON.stringify(resultJson(last)));
  return last;
}

function header(out: TextSink, identity: ApplianceIdentity): void {
  banner(out, 'OsirisCare Appliance Provisioning');
  identityLines(out, identity);
}

async function provisionWithCode(code: string, identity: ApplianceIdentity, args: CliArgs, human: TextSink, signal: AbortSignal): Promise<FlowResult> {
  writeLine(human, 'Provisioning...');
  const result = await runProvisioningFlow({
    code,
    apiEndpoint: args.apiEndpoint,
    stateDir: args.stateDir,
    configPath: args.configPath,
    force: args.force,
    preflight: args.preflight ? 'always' : 'on-failure',
    identity,
    signal,
    http: { timeoutMs: args.timeoutMs, ...(args.caFile === undefined ? {} : { caFile: args.caFile }) },
    onEvent: (event) => {
    progressLine(human, event);
    },
  });
  if (result.ok) successBlock(human, result.data);
  else failureBlock(human, result);
  return result;
}

/** The `--json` result: exactly the fields scripts rely on (README); never the api_key. */
function resultJson(result: FlowResult): object {
  return result.ok
    ? { ok: true, site_id: result.data.site_id, appliance_id: result.data.appliance_id, config_path: result.data.config_path, partner: result.data.partner }
    : { ok: false, code: result.code, error: result.error };
}

async function diagnose(args: CliArgs, io: CliIo): Promise<number> {
  const endpoint = parseApiEndpoint(args.apiEndpoint);
  if (!endpoint.ok) return usage(io, endpoint.error);
  const client = HttpClient.create({ endpoint: endpoint.data, timeoutMs: args.timeoutMs, retry: { attempts: 1 }, ...(args.caFile === undefined ? {} : { caFile: args.caFile }) });
  if (!client.ok) return usage(io, client.error);
  try {
    const viaProxy = usesProxy(endpoint.data, io.env);
    const reportData = await runPreflight({ client: client.data, viaProxy, ...(args.caFile === undefined ? {} : { caFile: args.caFile }) });
    if (args.json) writeLine(io.stdout, JSON.stringify(reportData));
    else preflightLines(io.stdout, reportData);
    return reportData.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await client.data.close();
  }
}

/** Wrong, used or expired codes and network trouble deserve another try; a full disk does not. */
function retryableByPerson(code: string): boolean {
  return ['format', 'invalid', 'expired', 'claimed', 'timeout', 'unreachable', 'tls', 'server', 'bad-response'].includes(code);
}

function remaining(attempt: number): string {
  const left = INTERACTIVE_ATTEMPTS - attempt;
  return left > 0 ? `${left} attempt${left === 1 ? '' : 's'} left.` : 'No attempts left.';
}

/** The next line typed, or undefined at end of input or on Ctrl-C. */
async function nextLine(lines: AsyncIterator<string>, signal: AbortSignal): Promise<string | undefined> {
  if (signal.aborted) return undefined;
  const aborted = new Promise<undefined>((resolve) => {
    signal.addEventListener('abort', () => { resolve(undefined); }, { once: true });
  });
  const next = lines.next().then((r) => (r.done === true ? undefined : r.value));
  return Promise.race([next, aborted]);
}

async function withInterrupt<T>(io: CliIo, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const off = (io.onInterrupt ?? processIo().onInterrupt)?.(() => { controller.abort(); });
  try {
    return await run(controller.signal);
  } finally {
    off?.();
  }
}

function usage(io: CliIo, message: string): number {
  writeLine(io.stderr, `osiris-provision: ${message}`);
  return EXIT.usage;
}

function exitFor(result: FlowResult): number {
  return result.ok ? EXIT.ok : exitCodeFor(result.code);
}
