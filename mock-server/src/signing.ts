import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { canonicalJson } from '../../agent-core/src/protocol/canonical-json.js';
import { publicKeyHex } from '../../agent-core/src/protocol/signature.js';

/** DER prefix of an Ed25519 PKCS#8 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The mock's drop-ship signer: its own Ed25519 key (never Central Command's), and the public half in hex. */
export interface Signer {
  readonly publicKeyHex: string;
  sign(config: object): string;
}

export function signerFromSeed(seedHex: string): Signer {
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' });
  return signerFromKey(privateKey);
}

function signerFromKey(privateKey: KeyObject): Signer {
  const publicKey = createPublicKey(privateKey);
  return {
    publicKeyHex: publicKeyHex(publicKey),
    // Over exactly Python's json.dumps(config, sort_keys=True) bytes, as Central Command signs.
    sign: (config) => sign(null, Buffer.from(canonicalJson(JSON.stringify(config)), 'utf8'), privateKey).toString('hex'),
  };
}

/** `--signing-key FILE`: a hex 32-byte seed, or a PEM Ed25519 private key (`openssl genpkey -algorithm ed25519`). */
export async function loadSigner(path: string): Promise<Signer> {
  const text = (await readFile(path, 'utf8')).trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return signerFromSeed(text);
  const key = createPrivateKey(text);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 private key`);
  return signerFromKey(key);
}
