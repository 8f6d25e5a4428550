import { readConfigState } from '../config/state.js';
import { VERSION } from '../version.js';
import { HELP_TEXT, parseCliArgs, type CliArgs } from './args.js';
import { EXIT } from './exit-codes.js';
import { processIo, writeLine, type CliIo } from './io.js';

/**
 * `osiris-provision`. Only what `--check`, `--mac`, `--help` need is imported up front: the check
 * runs at every boot, so it must start as fast as Node itself; provisioning loads the rest.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCliArgs(argv, io.env);
  if (!parsed.ok) {
    writeLine(io.stderr, `osiris-provision: ${parsed.error}`);
    writeLine(io.stderr, "Try 'osiris-provision --help'.");
    return EXIT.usage;
  }
  const args = parsed.args;
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
  writeLine(io.stdout, args.json ? JSON.stringify(identity) : identity.mac_address);
  return EXIT.ok;
}

async function check(args: CliArgs, io: CliIo): Promise<number> {
  const state = await readConfigState(args.configPath);
  const provisioned = state.state === 'valid';
  if (args.json) {
    const reason = state.state === 'invalid' ? { reason: state.reason } : {};
    writeLine(io.stdout, JSON.stringify({ ok: true, provisioned, state: state.state, config_path: state.path, ...reason }));
  } else if (state.state === 'valid') {
    writeLine(io.stdout, `Provisioned (config: ${state.path})`);
  } else if (state.state === 'missing') {
    writeLine(io.stdout, `Provisioning needed: no config at ${state.path}`);
  } else {
    writeLine(io.stdout, `Provisioning needed: config at ${state.path} is unusable: ${state.reason}`);
  }
  return provisioned ? EXIT.ok : EXIT.failed;
}
