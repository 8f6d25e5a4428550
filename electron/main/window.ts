import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import type { Settings } from './settings.js';

/** The page background, so the window never flashes white before the wizard paints. */
export const BACKGROUND_COLOR = '#0b1220';

/** SECURITY.md item 1, every setting explicit. */
export function kioskWebPreferences(preloadPath: string, packaged: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    devTools: !packaged,
  };
}

export function kioskWindowOptions(settings: Settings, preloadPath: string, packaged: boolean): BrowserWindowConstructorOptions {
  return {
    show: false,
    backgroundColor: BACKGROUND_COLOR,
    title: 'OsirisCare Appliance Setup',
    autoHideMenuBar: true,
    ...(settings.kiosk ? { kiosk: true, fullscreen: true, frame: false } : { width: 1280, height: 800, minWidth: 800, minHeight: 480 }),
    webPreferences: kioskWebPreferences(preloadPath, packaged),
  };
}

/** Touch panels: no mouse cursor anywhere in the page. */
export const HIDE_CURSOR_CSS = '*, *::before, *::after { cursor: none !important; }';

export function showWhenReady(window: BrowserWindow, settings: Settings): void {
  window.once('ready-to-show', () => {
    window.show();
  });
  if (settings.touch) {
    window.webContents.on('dom-ready', () => {
      // A constant style sheet of ours, never renderer input: nothing to inject.
      void window.webContents.insertCSS(HIDE_CURSOR_CSS); /* eng-disable DANGEROUS_FUNCTIONS_JS_CHECK */
    });
  }
}
