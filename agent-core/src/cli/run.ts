import { parseCliArgs, type CliArgs } from './args.js';
import { processIo, type CliIo } from './io.js';
import { provisionInteractive } from './interactive.js';
import { provisionAuto } from './provision.js';

export interface RunOptions extends Partial<Omit<CliArgs, 'mode' | 'code'>> {
  readonly io?: CliIo;
}

function resolveArgs(options: RunOptions, io: CliIo): CliArgs {
  const defaults = parseCliArgs([], io.env);
  if (!defaults.ok) throw new TypeError(defaults.error);
  const { io: _io, ...overrides } = options;
  return { ...defaults.args, ...overrides };
}

/** The seed's `run_provisioning_auto(code, api_endpoint) -> bool`. */
export async function runProvisioningAuto(code: string, options: RunOptions = {}): Promise<boolean> {
  const io = options.io ?? processIo();
  return (await provisionAuto(code, { ...resolveArgs(options, io), mode: 'auto', code }, io)).ok;
}

/** The seed's `run_provisioning_cli(api_endpoint) -> bool`. */
export async function runProvisioningCli(options: RunOptions = {}): Promise<boolean> {
  const io = options.io ?? processIo();
  return (await provisionInteractive({ ...resolveArgs(options, io), mode: 'interactive' }, io)).ok;
}
