import { readConfigState } from '../config/state.js';
import { describeUnknown } from '../result.js';
import { VERSION } from '../version.js';
import { HELP_TEXT, parseCliArgs, type CliArgs } from './args.js';
import { EXIT } from './exit-codes.js';
import { processIo, safeIo, writeJson, writeLine, type CliIo } from './io.js';

export { exitWhenFlushed } from './io.js';

/**
 * `osiris-provision`. Only what `--check`, `--mac`, `--help` need is imported up front: the check
 * runs at every boot, so it must start as fast as Node itself; provisioning loads the rest.
 * Whatever happens, the technician gets a clear line and an exit code, never a stack trace, and
 * `--json` gets exactly one object.
 */
export async function main(argv: readonly string[], rawIo: CliIo = processIo()): Promise<number> {
  const io = safeIo(rawIo);
  const parsed = parseCliArgs(argv, io.env);
  if (!parsed.ok) {
    writeLine(io.stderr, `osiris-provision: ${parsed.error}`);
    writeLine(io.stderr, "Try 'osiris-provision --help'.");
    if (argv.includes('--json')) writeJson(io.stdout, { ok: false, code: 'usage', error: parsed.error });
    return EXIT.usage;
  }
  try {
    return await run(parsed.args, io);
  } catch (err) {
    const message = `Unexpected internal error: ${describeUnknown(err).split('\n')[0] ?? ''}`;
    writeLine(io.stderr, `osiris-provision: ${message}`);
    writeLine(io.stderr, 'Nothing was claimed after this error; run the same command again, or report it with `osiris-provision --diagnose` output.');
    if (parsed.args.json) writeJson(io.stdout, { ok: false, code: 'internal', error: message });
    return EXIT.failed;
  }
}

async function run(args: CliArgs, io: CliIo): Promise<number> {
  switch (args.mode) {
    case 'help':
      io.stdout.write(HELP_TEXT);
      return EXIT.ok;
    case 'version':
      writeLine(io.stdout, VERSION);
      return EXIT.ok;
    case 'mac':
      return printMac(args, io);
    case 'check':
      return check(args, io);
    default: {
      const { runMode } = await import('./provision.js');
      return runMode(args, io);
    }
  }
}

async function printMac(args: CliArgs, io: CliIo): Promise<number> {
  const { getIdentity } = await import('../identity/index.js');
  const identity = getIdentity();
  if (args.json) writeJson(io.stdout, identity);
  else writeLine(io.stdout, identity.mac_address);
  return EXIT.ok;
}

async function check(args: CliArgs, io: CliIo): Promise<number> {
  const state = await readConfigState(args.configPath);
  const provisioned = state.state === 'valid';
  if (args.json) {
    const reason = state.state === 'invalid' ? { reason: state.reason } : {};
    writeJson(io.stdout, { ok: true, provisioned, state: state.state, config_path: state.path, ...reason });
  } else if (state.state === 'valid') {
    writeLine(io.stdout, `Provisioned (config: ${state.path})`);
  } else if (state.state === 'missing') {
    writeLine(io.stdout, `Provisioning needed: no config at ${state.path}`);
  } else {
    writeLine(io.stdout, `Provisioning needed: config at ${state.path} is unusable: ${state.reason}`);
  }
  return provisioned ? EXIT.ok : EXIT.failed;
}
