import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../test-support/paths.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const ROOT = projectRoot();
/** Electron's fuse sentinel, then wire version 1 and 8 fuses in Electron's default states. */
const FUSE_WIRE = Buffer.concat([Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.from('10110001')]);

/** Fuse states are the ASCII digits on the wire (@electron/fuses does not export its constants). */
const FuseState = { DISABLE: '0'.charCodeAt(0), ENABLE: '1'.charCodeAt(0) } as const;

let work: string;
let unpacked: string;

/**
 * electron-builder run for real, offline, on a stub Electron distribution (the binary cannot be
 * downloaded here): a shell script carrying Electron's fuse wire, so the fuses get flipped for real.
 */
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'osiris-package-'));
  const dist = join(work, 'electron-dist');
  await mkdir(dist);
  await writeFile(join(dist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stub Electron" >&2\nexit 1\n# '), FUSE_WIRE, Buffer.from('\n')]));
  await chmod(join(dist, 'electron'), 0o755);
  await writeFile(join(dist, 'version'), 'v45.5.0');
  await writeFile(join(dist, 'LICENSE'), 'MIT');
  await run(process.execPath, [require.resolve('electron-builder/cli.js'), '--linux', 'dir', `-c.electronDist=${dist}`, `-c.directories.output=${join(work, 'out')}`], { cwd: ROOT, timeout: 180_000 });
  unpacked = join(work, 'out', 'linux-unpacked');
}, 200_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own JSON schema", async () => {
    const schema = JSON.parse(await readFile(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const config = parse(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as unknown;
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it('targets AppImage and deb for x64 and arm64, with the kiosk box dependencies', async () => {
    const config = parse(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as { appId: string; executableName: string; asar: boolean; linux: { target: { target: string; arch: string[] }[] }; deb: { depends: string[] } };
    expect(config.linux.target).toEqual([{ target: 'AppImage', arch: ['x64', 'arm64'] }, { target: 'deb', arch: ['x64', 'arm64'] }]);
    expect(config).toMatchObject({ appId: 'net.osiriscare.provisioning', executableName: 'osiris-kiosk', asar: true });
    expect(config.deb.depends).toEqual(expect.arrayContaining(['cage', 'libgbm1', 'libnss3']));
  });
});

describe('the packaged app', () => {
  it('ships exactly the built main process, preload and wizard in app.asar', () => {
    const files = listPackage(join(unpacked, 'resources', 'app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/')).sort();
    const pattern = [
      /^\/dist$/,
      /^\/dist\/electron$/,
      /^\/dist\/electron\/main\.cjs$/,
      /^\/dist\/electron\/preload\.cjs$/,
      /^\/dist\/wizard$/,
      /^\/dist\/wizard\/assets$/,
      /^\/dist\/wizard\/assets\/atkinson-hyperlegible-mono-latin-700-normal-[\w-]+\.woff2$/,
      /^\/dist\/wizard\/assets\/decoder\.worker-[\w-]+\.js$/,
      /^\/dist\/wizard\/assets\/index-[\w-]+\.css$/,
      /^\/dist\/wizard\/assets\/index-[\w-]+\.js$/,
      /^\/dist\/wizard\/assets\/zxing_reader-[\w-]+\.wasm$/,
      /^\/dist\/wizard\/favicon\.svg$/,
      /^\/dist\/wizard\/index\.html$/,
      /^\/package\.json$/,
    ];
    // Each expected entry exactly once, and nothing else (hashed names sort in any order).
    expect(files).toHaveLength(pattern.length);
    for (const expected of pattern) expect(files.filter((file) => expected.test(file)), String(expected)).toHaveLength(1);
  });

  it('carries the systemd units beside the app, for the deb to install', async () => {
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(join(unpacked, 'resources', 'systemd'))).sort()).toEqual(['osiris-agent-handover.path', 'osiris-agent-handover.service', 'osiris-kiosk.service', 'osiris-provision-headless.service']);
    expect(await readdir(join(unpacked, 'resources', 'bin'))).toEqual(['osiris-provision']);
  });

  it('has a sandbox-loadable preload: one file requiring nothing but electron', async () => {
    const preload = await readFile(join(ROOT, 'dist', 'electron', 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\((["'])([^"']+)\1\)/g)].map((m) => m[2]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/\bimport\s*\(|^import /m);
  });

  it("bundles undici's HTTP/1.1 client without its HTTP/2 client, node:http2, or the Milo parser", async () => {
    const main = await readFile(join(ROOT, 'dist', 'electron', 'main.cjs'), 'utf8');
    expect(main).toContain('node_modules/undici/lib/dispatcher/client.js');
    expect(main).not.toContain('node_modules/undici/lib/dispatcher/client-h2.js');
    expect(main).not.toMatch(/require\("node:http2"\)/);
    expect(main).toContain('HTTP/2 was negotiated, but the provisioning engine speaks HTTP/1.1 only');
    expect(main).not.toContain('node_modules/undici/lib/milo/');
  });

  it('starts from the bundled main process', async () => {
    const { extractFile } = await import('@electron/asar');
    const manifest = JSON.parse(extractFile(join(unpacked, 'resources', 'app.asar'), 'package.json').toString()) as { main: string };
    expect(manifest.main).toBe('dist/electron/main.cjs');
  });

  it('has the fuses of SECURITY.md item 8 flipped in the executable', async () => {
    const wire = await getCurrentFuseWire(join(unpacked, 'osiris-kiosk'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
  });
});
