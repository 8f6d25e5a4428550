import { dirname, join } from 'node:path';
import { readConfigIds } from '../config/ids.js';
import { MAX_STATE_FILE_BYTES, SIGNED_KEYS_FILE_NAME } from '../constants.js';
import { ioFailure } from '../fs/io-errors.js';
import { readRegularFile } from '../fs/safe-read.js';
import { loadServerKey, verifySignature } from '../protocol/signature.js';
import { fail, ok, type Failure, type Result } from '../result.js';
import { installAuthorizedKeys } from '../state/authorized-keys.js';
import type { CliArgs } from './args.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { writeJson, writeLine, type CliIo } from './io.js';

/**
 * `--install-ssh-keys --authorized-keys PATH`: the privileged half of drop-ship's SSH keys. The
 * kiosk runs unprivileged and only keeps the signed config; this step, run as root by the hand-over
 * unit, checks Central Command's signature and that the keys are this appliance's, then installs
 * them in their marked block. A file the kiosk user could have forged is never trusted as it is.
 */
export async function installSshKeys(args: CliArgs, io: CliIo): Promise<number> {
  const human = args.json ? io.stderr : io.stdout;
  if (args.authorizedKeys === undefined) {
    writeLine(io.stderr, 'osiris-provision: --install-ssh-keys needs --authorized-keys PATH');
    return EXIT.usage;
  }
  const result = await install(args, args.authorizedKeys);
  if (!result.ok) {
    writeLine(human, `Not installing SSH keys: ${result.error}`);
    if (args.json) writeJson(io.stdout, { ok: false, code: result.code, error: result.error });
    return exitCodeFor(result.code);
  }
  writeLine(human, result.data === 0 ? 'No SSH keys from Central Command to install.' : `Installed ${result.data} SSH key(s) from Central Command in ${args.authorizedKeys}.`);
  if (args.json) writeJson(io.stdout, { ok: true, installed: result.data });
  return EXIT.ok;
}

async function install(args: CliArgs, target: string): Promise<Result<number>> {
  const path = join(dirname(args.configPath), SIGNED_KEYS_FILE_NAME);
  const read = readRegularFile(path, MAX_STATE_FILE_BYTES);
  if (!read.ok) return read.kind === 'missing' ? ok(0) : fail('io', `${path}: ${read.reason}`);
  const signed = parseSigned(read.text);
  if (signed === undefined) return fail('bad-response', `${path} is not a signed drop-ship config`);
  const key = loadServerKey(args.serverKey);
  if (!key.ok) return key;
  const verified = verifySignature(signed.canonical, signed.signature, key.data, args.serverKey);
  if (!verified.ok) return verified;
  const config = JSON.parse(signed.canonical) as { appliance_id?: unknown; ssh_authorized_keys?: unknown };
  if (config.appliance_id !== readConfigIds(args.configPath).appliance_id) {
    return fail('bad-response', 'the signed keys belong to another appliance than the one configured here');
  }
  const keys = Array.isArray(config.ssh_authorized_keys) ? config.ssh_authorized_keys.filter((k): k is string => typeof k === 'string') : [];
  try {
    return ok((await installAuthorizedKeys(target, keys)).installed);
  } catch (err) {
    return ioFailure(err, target) satisfies Failure;
  }
}

function parseSigned(text: string): { canonical: string; signature: string } | undefined {
  try {
    const value = JSON.parse(text) as { canonical?: unknown; signature?: unknown };
    return typeof value.canonical === 'string' && typeof value.signature === 'string' ? { canonical: value.canonical, signature: value.signature } : undefined;
  } catch {
    return undefined;
  }
}
