import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfig } from '../../agent-core/src/config/write.js';
import { BRIDGE_CHANNELS } from '../bridge/channels.js';
import { KIOSK_EXIT } from '../main/exit-codes.js';
import { startKiosk, type ElectronApi } from '../main/kiosk.js';
import { keepAlive, MAX_RELOADS_PER_MINUTE } from '../main/lifecycle.js';
import { parseCommandLine } from '../main/settings.js';
import { createFakeElectron, FakeBrowserWindow, type FakeElectron } from './fake-electron.js';

async function stateDir(provisioned: boolean): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'osiris-kiosk-')), 'msp');
  if (provisioned) {
    const written = await createConfig({ site_id: 's', appliance_id: 's-84:3A:5B:91:B6:61', api_key: 'k', partner_info: { slug: 'p', brand_name: 'P' }, api_endpoint: 'https://api.osiriscare.net', mac_address: '84:3A:5B:91:B6:61', hostname: 'h' }, { stateDir: dir });
    if (!written.ok) throw new Error(written.error);
  }
  return dir;
}

async function start(electron: FakeElectron, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const cliCalls: string[][] = [];
  const errors: string[] = [];
  await startKiosk(electron as unknown as ElectronApi, { renderer: '/opt/osiris/dist/wizard', preload: '/opt/osiris/dist/electron/preload.cjs' }, {
    argv,
    env,
    stderr: { write: (t: string) => errors.push(t) },
    runCli: (args) => {
      cliCalls.push(args);
      return Promise.resolve(3);
    },
  });
  return { cliCalls, errors };
}

describe('startup decision (the seed main())', () => {
  it('runs agent-core headless for --provision CODE, with no window, exiting with its code', async () => {
    const electron = createFakeElectron();
    const dir = await stateDir(false);
    const { cliCalls } = await start(electron, ['--provision', 'ABCD1234EFGH5678', '--state-dir', dir]);
    expect(cliCalls).toEqual([['--provision', 'ABCD1234EFGH5678', '--api-endpoint', 'https://api.osiriscare.net', '--state-dir', dir, '--server-key', '/etc/msp/central-command.pub']]);
    expect(electron.app.exitCode).toBe(3);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('runs the whole CLI for osiris-provision on the appliance (--cli), Chromium flags aside, with no window', async () => {
    const electron = createFakeElectron();
    const { cliCalls } = await start(electron, ['--ozone-platform=headless', '--cli', '--check', '--state-dir', '/var/lib/msp', '--json']);
    expect(cliCalls).toEqual([['--check', '--state-dir', '/var/lib/msp', '--json']]);
    expect(electron.app.exitCode).toBe(3);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('runs the interactive CLI for --provision-interactive', async () => {
    const electron = createFakeElectron();
    const { cliCalls } = await start(electron, ['--provision-interactive', '--state-dir', await stateDir(false)]);
    expect(cliCalls[0]?.[0]).toBe('--provision-interactive');
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('exits at once with the hand-over code when a valid config exists', async () => {
    const electron = createFakeElectron();
    await start(electron, [], { OSIRIS_STATE_DIR: await stateDir(true) });
    expect(electron.app.exitCode).toBe(KIOSK_EXIT.handover);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('shows the wizard to finish a run that stopped between the config and its finishing calls', async () => {
    const electron = createFakeElectron();
    const dir = await stateDir(true);
    const journal = { version: 2, source: 'claim', created_at: 'now', api_endpoint: 'https://api.osiriscare.net', mac_address: '84:3A:5B:91:B6:61', hostname: 'h', site: { site_id: 's', appliance_id: 's-84:3A:5B:91:B6:61', api_key: 'k', partner: {} } };
    await writeFile(join(dir, 'claim-journal.json'), JSON.stringify(journal));
    await start(electron, ['--state-dir', dir]);
    expect(electron.app.exitCode).toBeUndefined();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('shows the locked-down wizard from app:// when not provisioned', async () => {
    const electron = createFakeElectron();
    await start(electron, ['--state-dir', await stateDir(false)]);
    expect(electron.app.exitCode).toBeUndefined();
    const window = FakeBrowserWindow.instances[0];
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(window?.loaded).toBe('app://kiosk/index.html?lang=en');
    expect(window?.options).toMatchObject({ kiosk: true, webPreferences: { sandbox: true, contextIsolation: true, preload: '/opt/osiris/dist/electron/preload.cjs' } });
    expect(electron.menu.application).toBeNull();
    expect(electron.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } }]);
    expect(electron.protocol.handlers.has('app')).toBe(true);
    expect(electron.permissionHandlers.request).toBeDefined();
    expect([...electron.handlers.keys()].sort()).toEqual(Object.values(BRIDGE_CHANNELS).sort());
    expect(electron.powerSaveBlocker.active.size).toBe(1);
    window?.emit('ready-to-show');
    expect(window?.shown).toBe(true);
  });

  it('treats a broken config as not provisioned', async () => {
    const electron = createFakeElectron();
    const dir = await stateDir(false);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.yaml'), 'site_id: [broken');
    await start(electron, ['--state-dir', dir]);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('exits with the bad-settings code for an insecure endpoint, starting nothing', async () => {
    const electron = createFakeElectron();
    const { errors } = await start(electron, ['--api-endpoint', 'http://api.osiriscare.net']);
    expect(electron.app.exitCode).toBe(KIOSK_EXIT.badSettings);
    expect(errors.join('')).toContain('apiEndpoint');
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('leaves when another kiosk already runs', async () => {
    const electron = createFakeElectron({ singleInstance: false });
    await start(electron, ['--state-dir', await stateDir(false)]);
    expect(electron.app.exitCode).toBe(KIOSK_EXIT.alreadyRunning);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
});

describe('settings', () => {
  it('takes flags over environment over defaults', () => {
    const parsed = parseCommandLine(['--api-endpoint', 'https://lab.example', '--windowed'], { OSIRIS_API_ENDPOINT: 'https://env.example', OSIRIS_ALLOWED_ENDPOINTS: 'https://a.example, https://b.example', OSIRIS_TOUCH: '0' }, true);
    expect(parsed.ok && parsed.value.settings).toEqual({ apiEndpoint: 'https://lab.example', allowedEndpoints: ['https://a.example', 'https://b.example'], stateDir: '/var/lib/msp', serverKey: '/etc/msp/central-command.pub', kiosk: false, touch: false, language: 'en' });
  });

  it('starts the wizard in the language of --lang or OSIRIS_LANG, and refuses an unknown one', async () => {
    const flagged = parseCommandLine(['--lang', 'es'], { OSIRIS_LANG: 'pseudo' }, true);
    const fromEnv = parseCommandLine([], { OSIRIS_LANG: 'es' }, true);
    expect(flagged.ok && flagged.value.settings.language).toBe('es');
    expect(fromEnv.ok && fromEnv.value.settings.language).toBe('es');
    expect(parseCommandLine(['--lang', 'klingon'], {}, true).ok).toBe(false);
    const electron = createFakeElectron();
    await start(electron, ['--state-dir', await stateDir(false)], { OSIRIS_LANG: 'es' });
    expect(FakeBrowserWindow.instances[0]?.loaded).toBe('app://kiosk/index.html?lang=es');
  });

  it('is a touch kiosk when packaged and a window in development', () => {
    const packaged = parseCommandLine([], {}, true);
    const dev = parseCommandLine([], {}, false);
    expect(packaged.ok && [packaged.value.settings.kiosk, packaged.value.settings.touch]).toEqual([true, true]);
    expect(dev.ok && [dev.value.settings.kiosk, dev.value.settings.touch]).toEqual([false, false]);
  });

  it('ignores a dev server when packaged and refuses a remote one', () => {
    const packaged = parseCommandLine(['--dev-server', 'http://127.0.0.1:5173'], {}, true);
    expect(packaged.ok && packaged.value.settings.devServerUrl).toBeUndefined();
    expect(parseCommandLine(['--dev-server', 'http://10.0.0.2:5173'], {}, false).ok).toBe(false);
    expect(parseCommandLine([], { OSIRIS_KIOSK: 'maybe' }, true).ok).toBe(false);
  });
});

describe('SECURITY 7: a crashed or hung renderer is reloaded', () => {
  it('reloads after a crash and a hang, and gives up on a crash loop', () => {
    const electron = createFakeElectron();
    const window = new FakeBrowserWindow({});
    let exited: number | undefined;
    let now = 0;
    keepAlive(window as never, electron.powerSaveBlocker, (code) => (exited = code), () => now);
    window.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(window.webContents.reloads).toBe(1);
    window.emit('unresponsive');
    expect(window.webContents.crashes).toBe(1);
    expect(window.webContents.reloads).toBe(2);
    window.webContents.emit('render-process-gone', {}, { reason: 'clean-exit' });
    expect(window.webContents.reloads).toBe(2);
    for (let i = 0; i < MAX_RELOADS_PER_MINUTE; i += 1) window.webContents.emit('render-process-gone', {}, { reason: 'oom' });
    expect(exited).toBe(1);
    now = 120_000;
    window.emit('closed');
    expect(electron.powerSaveBlocker.active.size).toBe(0);
  });

  it('spends one reload per hang, however often the hang is reported', () => {
    const electron = createFakeElectron();
    const window = new FakeBrowserWindow({});
    let exited: number | undefined;
    keepAlive(window as never, electron.powerSaveBlocker, (code) => (exited = code), () => 0);
    for (let hang = 1; hang <= MAX_RELOADS_PER_MINUTE; hang += 1) {
      window.emit('unresponsive');
      window.emit('unresponsive');
      expect(window.webContents.crashes).toBe(hang);
      expect(window.webContents.reloads).toBe(hang);
      window.webContents.emit('did-finish-load');
    }
    expect(exited).toBeUndefined();
  });

  it('does not end a renderer that recovered by itself, and treats the next hang as new', () => {
    const electron = createFakeElectron();
    const window = new FakeBrowserWindow({});
    let crashing = false;
    window.webContents.forcefullyCrashRenderer = () => {
      window.webContents.crashes += 1;
      crashing = true;
    };
    keepAlive(window as never, electron.powerSaveBlocker, () => undefined, () => 0);
    window.emit('unresponsive');
    expect(crashing).toBe(true);
    window.emit('responsive');
    window.emit('unresponsive');
    expect(window.webContents.crashes).toBe(2);
    expect(window.webContents.reloads).toBe(0);
  });
});
