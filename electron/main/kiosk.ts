import { join } from 'node:path';
import type * as Electron from 'electron';
import { CONFIG_FILE_NAME, JOURNAL_FILE_NAME } from '../../agent-core/src/constants.js';
import { readJournal } from '../../agent-core/src/state/journal.js';
import { readConfigState } from '../../agent-core/src/config/state.js';
import { ProvisioningService } from '../../agent-core/src/service.js';
import { PROGRESS_CHANNEL } from '../bridge/channels.js';
import { APP_ENTRY, APP_ORIGIN, APP_SCHEME_PRIVILEGES, registerAppProtocol } from './app-protocol.js';
import { KIOSK_EXIT } from './exit-codes.js';
import { lockInput } from './input-lock.js';
import { registerBridgeHandlers } from './ipc.js';
import { claimSingleInstance, keepAlive } from './lifecycle.js';
import { lockNavigation } from './navigation-lock.js';
import { lockPermissions } from './permissions.js';
import { parseCommandLine } from './settings.js';
import { cliArguments, decideStartup } from './startup.js';
import { kioskWindowOptions, showWhenReady } from './window.js';

/** The parts of the `electron` module the kiosk uses; passed in so tests can hand in a fake. */
export type ElectronApi = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'ipcMain' | 'Menu' | 'powerSaveBlocker' | 'protocol' | 'session'>;

export interface KioskPaths {
  /** Folder holding the built renderer (index.html, assets/). */
  readonly renderer: string;
  readonly preload: string;
}

export interface KioskProcess {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stderr: { write(text: string): unknown };
  /** Runs osiris-provision headless with these arguments; resolves to its exit code. */
  readonly runCli: (args: string[]) => Promise<number>;
}

/**
 * The kiosk's one entry point: settings, the startup decision of the seed's main(), then the window
 * and every lock on it. Each rule lives in its own module; this only wires them.
 */
export async function startKiosk(electron: ElectronApi, paths: KioskPaths, proc: KioskProcess): Promise<void> {
  const { app } = electron;
  // `osiris-provision` on the appliance (deploy/bin): the whole CLI through this binary, no window.
  const cli = cliArguments(proc.argv);
  if (cli !== undefined) {
    app.exit(await proc.runCli(cli));
    return;
  }
  const parsed = parseCommandLine(proc.argv, proc.env, app.isPackaged);
  if (!parsed.ok) {
    proc.stderr.write(`osiris-kiosk: ${parsed.error}\n`);
    app.exit(KIOSK_EXIT.badSettings);
    return;
  }
  const { settings, headless, cliArgs } = parsed.value;
  // Must happen before `ready`, so before the first await below; harmless when no window follows.
  electron.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  const configPath = join(settings.stateDir, CONFIG_FILE_NAME);
  const journal = await readJournal(join(settings.stateDir, JOURNAL_FILE_NAME));
  const decision = decideStartup(headless, await readConfigState(configPath), journal.state === 'found');
  if (decision.action === 'headless') {
    app.exit(await proc.runCli(cliArgs));
    return;
  }
  if (decision.action === 'handover') {
    proc.stderr.write(`osiris-kiosk: ${decision.reason}; handing over to the agent\n`);
    app.exit(KIOSK_EXIT.handover);
    return;
  }

  const shown: { window?: Electron.BrowserWindow } = {};
  if (!claimSingleInstance(app, () => shown.window?.focus())) return;
  app.on('web-contents-created', (_event, contents) => {
    lockNavigation(contents);
    lockInput(contents);
  });
  app.on('window-all-closed', () => {
    app.quit();
  });
  await app.whenReady();

  electron.Menu.setApplicationMenu(null);
  registerAppProtocol(electron.protocol, paths.renderer);
  lockPermissions(electron.session.defaultSession);
  const window = new electron.BrowserWindow(kioskWindowOptions(settings, paths.preload, app.isPackaged));
  shown.window = window;
  showWhenReady(window, settings);
  keepAlive(window, electron.powerSaveBlocker, (code) => {
    app.exit(code);
  });

  const service = new ProvisioningService({
    apiEndpoint: settings.apiEndpoint,
    allowedEndpoints: settings.allowedEndpoints,
    stateDir: settings.stateDir,
    serverKeyPath: settings.serverKey,
    ...(settings.caFile === undefined ? {} : { caFile: settings.caFile }),
    // Drop-ship provisions on its own when a partner assigns this box: its steps show like a claim's.
    onProgress: (event) => {
      if (!window.webContents.isDestroyed()) window.webContents.send(PROGRESS_CHANNEL, event);
    },
  });
  service.startDropship(() => undefined);
  registerBridgeHandlers({
    ipcMain: electron.ipcMain,
    window: window.webContents,
    service,
    finish: () => {
      service.stop();
      app.exit(KIOSK_EXIT.handover);
    },
    origins: settings.devServerUrl === undefined ? [APP_ORIGIN] : [APP_ORIGIN, new URL(settings.devServerUrl).origin],
  });
  await window.loadURL(wizardUrl(settings.devServerUrl ?? APP_ENTRY, settings.language));
}

/** The wizard reads its starting language from the query (app:// serves files by path alone). */
export function wizardUrl(entry: string, language: string): string {
  const url = new URL(entry);
  url.searchParams.set('lang', language);
  return url.toString();
}
