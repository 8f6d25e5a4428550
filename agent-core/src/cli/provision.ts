import { setFlagsFromString } from 'node:v8';
import { maskProvisionCode, parseProvisionCode } from '../codes/codes.js';
import { looksLikeQrPayload, parseQrPayload } from '../codes/qr-payload.js';
import { readConfigState } from '../config/state.js';
import type { FlowResult } from '../flow/events.js';
import { runProvisioningFlow } from '../flow/flow.js';
import { HttpClient } from '../http/client.js';
import { parseApiEndpoint } from '../http/endpoint.js';
import { runPreflight, usesProxy } from '../http/preflight.js';
import { getIdentity, type ApplianceIdentity } from '../identity/index.js';
import type { Result } from '../result.js';
import type { CliArgs } from './args.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { processIo, writeJson, writeLine, type CliIo, type TextSink } from './io.js';
import { banner, failureBlock, identityLines, preflightLines, progressLine, resultJson, successBlock } from './render.js';

/**
 * The provisioning modes of the CLI; `main` imports this module only when one of them runs.
 * First, V8 is told to keep WebAssembly at its first, quick compile (Liftoff): it would otherwise
 * recompile undici's HTTP parser, optimised, on a background thread, and the process's exit waits
 * for that: ~90 ms after the result line, to parse a handful of small answers (`npm run bench`,
 * "after the result line"). Set here, once the provisioning code and undici are loaded, not at
 * start-up: a flag changed before Node loads its own modules makes V8 refuse their cached code
 * (~6 ms more). Without WebAssembly SIMD (no SSE4.1: a VM's default CPU model), undici's SIMD parser
 * fails to compile and it takes its plain one (cli.test.ts runs the CLI so).
 */
export async function runMode(args: CliArgs, io: CliIo): Promise<number> {
  setFlagsFromString('--liftoff-only');
  switch (args.mode) {
    case 'auto':
      return exitFor(await provisionAuto(args.code ?? '', args, io));
    case 'interactive': {
      const { provisionInteractive } = await import('./interactive.js');
      return exitFor(await provisionInteractive(args, io));
    }
    case 'dropship': {
      const { waitForAssignment } = await import('./wait.js');
      return exitFor(await waitForAssignment(args, io));
    }
    case 'diagnose':
      return diagnose(args, io);
    case 'install-keys': {
      const { installSshKeys } = await import('./install-keys.js');
      return installSshKeys(args, io);
    }
    default:
      return runDefault(args, io);
  }
}

/** No mode given: interactive when not provisioned, otherwise say so and leave the config alone. */
async function runDefault(args: CliArgs, io: CliIo): Promise<number> {
  const state = await readConfigState(args.configPath);
  if (state.state === 'valid' && !args.force) {
    writeLine(args.json ? io.stderr : io.stdout, `Appliance is already provisioned (config: ${state.path}). Nothing to do.`);
    if (args.json) writeJson(io.stdout, { ok: true, already_provisioned: true, config_path: state.path });
    return EXIT.ok;
  }
  const { provisionInteractive } = await import('./interactive.js');
  return exitFor(await provisionInteractive(args, io));
}

/**
 * What `--provision` was given: a code as typed, or the QR text a USB scanner types (`osiris://CODE`,
 * a provisioning URI). A QR payload may name only the endpoint already in use.
 */
export function codeFromInput(input: string, apiEndpoint: string): Result<string> {
  if (!looksLikeQrPayload(input)) return parseProvisionCode(input);
  const qr = parseQrPayload(input, [apiEndpoint]);
  return qr.ok ? { ok: true, data: qr.data.code } : qr;
}

/** `--provision CODE`: the seed's `run_provisioning_auto` with exit codes and JSON. */
export async function provisionAuto(input: string, args: CliArgs, io: CliIo): Promise<FlowResult> {
  const human = args.json ? io.stderr : io.stdout;
  const identity = getIdentity();
  header(human, identity);
  const code = codeFromInput(input, args.apiEndpoint);
  writeLine(human, `Provision Code: ${code.ok ? maskProvisionCode(code.data) : '(not a valid code)'}`);
  writeLine(human);
  const result: FlowResult = code.ok
    ? await withInterrupt(io, (signal) => provisionWithCode(code.data, identity, args, human, signal))
    : { ...code, step: 'validate' };
  if (!code.ok) failureBlock(human, result as Extract<FlowResult, { ok: false }>);
  if (args.json) writeJson(io.stdout, resultJson(result));
  return result;
}

export function header(out: TextSink, identity: ApplianceIdentity): void {
  banner(out, 'OsirisCare Appliance Provisioning');
  identityLines(out, identity);
}

/** One provisioning run, with a code or (`code` undefined) finishing the unfinished claim on disk. */
export async function provisionWithCode(code: string | undefined, identity: ApplianceIdentity, args: CliArgs, human: TextSink, signal: AbortSignal): Promise<FlowResult> {
  writeLine(human, code === undefined ? 'Finishing the unfinished claim...' : 'Provisioning...');
  const result = await runProvisioningFlow({
    ...(code === undefined ? {} : { code }),
    apiEndpoint: args.apiEndpoint,
    stateDir: args.stateDir,
    configPath: args.configPath,
    force: args.force,
    discardClaim: args.discardClaim,
    preflight: args.preflight ? 'always' : 'on-failure',
    identity,
    signal,
    purpose: 'osiris-provision',
    ...(args.authorizedKeys === undefined ? {} : { authorizedKeysPath: args.authorizedKeys }),
    http: httpOptions(args),
    onEvent: (event) => { progressLine(human, event); },
  });
  if (result.ok) successBlock(human, result.data);
  else failureBlock(human, result);
  return result;
}

export function httpOptions(args: CliArgs): { timeoutMs: number; caFile?: string } {
  return { timeoutMs: args.timeoutMs, ...(args.caFile === undefined ? {} : { caFile: args.caFile }) };
}

async function diagnose(args: CliArgs, io: CliIo): Promise<number> {
  const endpoint = parseApiEndpoint(args.apiEndpoint);
  if (!endpoint.ok) return usage(io, endpoint.error);
  const client = HttpClient.create({ endpoint: endpoint.data, ...httpOptions(args), retry: { attempts: 1 } });
  if (!client.ok) return usage(io, client.error);
  try {
    const viaProxy = usesProxy(endpoint.data, io.env);
    const report = await runPreflight({ client: client.data, viaProxy, ...(args.caFile === undefined ? {} : { caFile: args.caFile }) });
    if (args.json) writeJson(io.stdout, report);
    else preflightLines(io.stdout, report);
    return report.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await client.data.close();
  }
}

/** Runs with Ctrl-C (and SIGTERM) turned into an abort signal instead of a kill. */
export async function withInterrupt<T>(io: CliIo, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
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
