import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerKey, publicKeyHex, verifySignature } from '../src/protocol/signature.js';
import { useTempDir } from '../../test-support/backend.js';

const tempDir = useTempDir();
const pair = () => generateKeyPairSync('ed25519');

async function keyFile(content: string): Promise<string> {
  const path = join(await tempDir(), 'central-command.pub');
  await writeFile(path, content);
  return path;
}

describe("Central Command's pinned key", () => {
  it('reads 64 hex characters, allowing comments, spaces and a trailing newline', async () => {
    const { publicKey } = pair();
    const hex = publicKeyHex(publicKey);
    const loaded = loadServerKey(await keyFile(`# Central Command, production\n${hex.slice(0, 32)} ${hex.slice(32)}\n`));
    expect(loaded.ok && publicKeyHex(loaded.data)).toBe(hex);
  });

  it.each([
    ['missing', null, 'Cannot read'],
    ['too short', 'abcd', 'not 64 hexadecimal characters'],
    ['not hex', 'z'.repeat(64), 'not 64 hexadecimal characters'],
    ['a PEM key instead of hex', '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n', 'not 64 hexadecimal characters'],
  ])('refuses a key file that is %s, saying which', async (_label, content, message) => {
    const path = content === null ? join(await tempDir(), 'absent.pub') : await keyFile(content);
    const loaded = loadServerKey(path);
    expect(loaded).toMatchObject({ ok: false, code: 'server-key' });
    expect(!loaded.ok && loaded.error).toContain(message);
  });

  it('refuses a key file that is a symbolic link or a FIFO (never followed, never blocking)', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'd'));
    await symlink('/dev/zero', join(dir, 'd', 'link.pub'));
    expect(loadServerKey(join(dir, 'd', 'link.pub'))).toMatchObject({ ok: false, error: expect.stringContaining('symbolic link') as unknown });
  });
});

describe('verifySignature', () => {
  const canonical = '{"api_key": "k", "site_id": "s"}';

  it('accepts the signature of the pinned key over exactly these bytes', () => {
    const { publicKey, privateKey } = pair();
    const signature = sign(null, Buffer.from(canonical), privateKey).toString('hex');
    expect(verifySignature(canonical, signature, publicKey, '/etc/msp/central-command.pub')).toEqual({ ok: true, data: undefined });
    expect(verifySignature(canonical, signature.toUpperCase(), publicKey, '/k')).toMatchObject({ ok: true });
  });

  it.each([
    ['absent', undefined, 'unsigned', 'not signed'],
    ['null', null, 'unsigned', 'not signed'],
    ['empty', '', 'unsigned', 'not signed'],
    ['not hex', 'x'.repeat(128), 'bad-signature', 'malformed'],
    ['too short', 'ab'.repeat(32), 'bad-signature', 'malformed'],
    ['a number', 12345, 'bad-signature', 'malformed'],
  ])('refuses a signature that is %s, naming the cause', (_label, signature, code, words) => {
    const { publicKey } = pair();
    const result = verifySignature(canonical, signature, publicKey, '/k');
    expect(result).toMatchObject({ ok: false, code });
    expect(!result.ok && result.error).toContain(words);
  });

  it('refuses a signature by another key, or over other bytes, naming the key file', () => {
    const { publicKey, privateKey } = pair();
    const other = pair();
    const byOther = sign(null, Buffer.from(canonical), other.privateKey).toString('hex');
    const overOther = sign(null, Buffer.from(`${canonical} `), privateKey).toString('hex');
    for (const signature of [byOther, overOther]) {
      expect(verifySignature(canonical, signature, publicKey, '/etc/msp/central-command.pub')).toMatchObject({
        ok: false, code: 'bad-signature', error: "The drop-ship answer's signature does not match Central Command's key (/etc/msp/central-command.pub): refusing it",
      });
    }
  });
});
