import { createInterface } from 'node:readline/promises';
import { INTERACTIVE_ATTEMPTS } from '../constants.js';
import { DropshipPoller, type DropshipStatus } from '../flow/dropship-poller.js';
import type { FlowResult } from '../flow/events.js';
import { flowPaths } from '../flow/prepare.js';
import { getIdentity, type ApplianceIdentity } from '../identity/index.js';
import { fail } from '../result.js';
import { readJournal } from '../state/journal.js';
import type { CliArgs } from './args.js';
import { writeJson, writeLine, type CliIo, type TextSink } from './io.js';
import { codeFromInput, header, httpOptions, provisionWithCode, withInterrupt } from './provision.js';
import { failureBlock, progressLine, resultJson, successBlock } from './render.js';

/**
 * `--provision-interactive`: the seed's `run_provisioning_cli`, asking for the code up to three
 * times, while drop-ship waits in the background as on the real image (a partner assigning the MAC
 * finishes provisioning without a code). An unfinished claim on disk is finished first: running
 * without a code is how a technician asks for that.
 */
export async function provisionInteractive(args: CliArgs, io: CliIo): Promise<FlowResult> {
  // Ctrl-C is ours from the first line printed: a prompt must never be answerable by killing us mid-write.
  const result = await withInterrupt(io, (signal) => session(args, io, signal));
  const human = args.json ? io.stderr : io.stdout;
  if (!result.ok && result.code === 'cancelled') writeLine(human, 'Provisioning cancelled.');
  if (args.json) writeJson(io.stdout, resultJson(result));
  return result;
}

async function session(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<FlowResult> {
  const identity = getIdentity();
  const human = args.json ? io.stderr : io.stdout;
  header(human, identity);
  const journal = await readJournal(flowPaths(args.stateDir, args.configPath).journalPath);
  if (journal.state === 'found') {
    writeLine(human, `An unfinished claim was found (site ${journal.entry.site.site_id}): finishing it, no code needed.`);
    return provisionWithCode(undefined, identity, args, human, signal);
  }
  const dropship = args.dropship ? backgroundDropship(args, identity, human) : undefined;
  try {
    return await askForCode(args, io, human, identity, signal, dropship);
  } finally {
    dropship?.stop();
  }
}

interface Background {
  /** Settles with the drop-ship outcome once an assignment has been acted on. */
  readonly finished: Promise<FlowResult>;
  stop(): void;
}

function backgroundDropship(args: CliArgs, identity: ApplianceIdentity, human: TextSink): Background {
  let settle: (result: FlowResult) => void = () => undefined;
  const finished = new Promise<FlowResult>((resolve) => { settle = resolve; });
  const poller = new DropshipPoller({
    apiEndpoint: args.apiEndpoint,
    stateDir: args.stateDir,
    configPath: args.configPath,
    serverKeyPath: args.serverKey,
    identity,
    http: httpOptions(args),
    ...(args.authorizedKeys === undefined ? {} : { authorizedKeysPath: args.authorizedKeys }),
    onCommitEvent: (event) => { progressLine(human, event); },
    onCommitDone: () => undefined,
  });
  let told = false;
  const stop = poller.start((status: DropshipStatus) => {
    if (status.state === 'provisioning' && !told) {
      told = true;
      writeLine(human);
      writeLine(human, 'A partner assigned this appliance to a site (drop-ship): provisioning...');
    }
    if (status.state === 'off' && status.message !== undefined && !told) {
      told = true;
      writeLine(human, `(Drop-ship is off: ${status.message})`);
    }
    if ((status.state === 'done' || status.state === 'failed') && status.result !== undefined && told) settle(status.result);
  });
  writeLine(human, `Or ask your partner to assign MAC ${identity.mac_address} in the dashboard: this appliance keeps checking.`);
  writeLine(human);
  return { finished, stop };
}

async function askForCode(args: CliArgs, io: CliIo, human: TextSink, identity: ApplianceIdentity, signal: AbortSignal, dropship: Background | undefined): Promise<FlowResult> {
  const rl = createInterface({ input: io.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  let last: FlowResult = { ...fail('cancelled'), step: 'validate' };
  try {
    for (let attempt = 1; attempt <= INTERACTIVE_ATTEMPTS; attempt += 1) {
      writeLine(human, 'Enter your provision code (from partner dashboard):');
      writeLine(human, 'Format: XXXXXXXXXXXXXXXX (16 characters)');
      writeLine(human);
      human.write('Provision Code: ');
      const next = await nextInput(lines, signal, dropship?.finished);
      if (next.kind === 'dropship') {
        if (next.result.ok) successBlock(human, next.result.data);
        else failureBlock(human, next.result);
        return next.result;
      }
      if (next.kind === 'end') {
        writeLine(human);
        return { ...fail('cancelled'), step: 'validate' };
      }
      const code = codeFromInput(next.line, args.apiEndpoint);
      if (!code.ok) {
        last = { ...code, step: 'validate' };
        writeLine(human, `${code.error}. ${remaining(attempt)}`);
        writeLine(human);
        continue;
      }
      writeLine(human);
      last = await provisionWithCode(code.data, identity, args, human, signal);
      if (last.ok || !retryableByPerson(last.code)) break;
      writeLine(human, remaining(attempt));
      writeLine(human);
    }
  } finally {
    rl.close();
  }
  return last;
}

type Input = { kind: 'line'; line: string } | { kind: 'end' } | { kind: 'dropship'; result: FlowResult };

/** The next line typed; the end of input or Ctrl-C; or drop-ship having provisioned meanwhile. */
async function nextInput(lines: AsyncIterator<string>, signal: AbortSignal, dropship: Promise<FlowResult> | undefined): Promise<Input> {
  if (signal.aborted) return { kind: 'end' };
  const aborted = new Promise<Input>((resolve) => {
    signal.addEventListener('abort', () => { resolve({ kind: 'end' }); }, { once: true });
  });
  const typed = lines.next().then((r): Input => (r.done === true ? { kind: 'end' } : { kind: 'line', line: r.value }));
  const assigned = dropship?.then((result): Input => ({ kind: 'dropship', result })) ?? new Promise<Input>(() => undefined);
  return Promise.race([typed, aborted, assigned]);
}

/** Wrong, used or expired codes and network trouble deserve another try; a full disk does not. */
function retryableByPerson(code: string): boolean {
  return ['format', 'invalid', 'expired', 'revoked', 'claimed', 'timeout', 'unreachable', 'tls', 'server', 'bad-response'].includes(code);
}

function remaining(attempt: number): string {
  const left = INTERACTIVE_ATTEMPTS - attempt;
  return left > 0 ? `${left} attempt${left === 1 ? '' : 's'} left.` : 'No attempts left.';
}
