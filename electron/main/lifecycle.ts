import type { App, BrowserWindow, PowerSaveBlocker } from 'electron';
import { KIOSK_EXIT } from './exit-codes.js';

/** A renderer that crashes more often than this in a minute is not reloaded again: the service manager restarts the app. */
export const MAX_RELOADS_PER_MINUTE = 3;

/** SECURITY.md item 7: one kiosk at a time; a second start just brings the first to the front. */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'exit' | 'on'>, focus: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.exit(KIOSK_EXIT.alreadyRunning);
    return false;
  }
  app.on('second-instance', focus);
  return true;
}

/** A minute, the window over which reloads are counted. */
const RELOAD_WINDOW_MS = 60_000;

/**
 * Keeps the wizard alive and on screen: a crashed or hung renderer is reloaded (with a limit, so a
 * crash loop ends in an exit the service manager sees), and the display never sleeps while it is up.
 * A hang is recovered once: the hung renderer is ended, and Electron's `render-process-gone` for
 * that end (reason killed or crashed) does the one reload. Reloading here as well would spend two
 * of the minute's reloads on one hang, and a second `unresponsive` for the same hang is ignored.
 */
export function keepAlive(window: BrowserWindow, powerSaveBlocker: Pick<PowerSaveBlocker, 'start' | 'stop'>, exit: (code: number) => void, now: () => number = Date.now): void {
  const reloads: number[] = [];
  let recoveringHang = false;
  const reload = () => {
    const at = now();
    while (reloads.length > 0 && at - (reloads[0] ?? 0) > RELOAD_WINDOW_MS) reloads.shift();
    if (reloads.length >= MAX_RELOADS_PER_MINUTE) {
      exit(1);
      return;
    }
    reloads.push(at);
    window.webContents.reload();
  };
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') reload();
  });
  window.on('unresponsive', () => {
    if (recoveringHang) return;
    recoveringHang = true;
    window.webContents.forcefullyCrashRenderer();
  });
  // The page loaded again, or the renderer came back by itself: a later hang is a new one.
  const recovered = () => {
    recoveringHang = false;
  };
  window.webContents.on('did-finish-load', recovered);
  window.on('responsive', recovered);
  const blocker = powerSaveBlocker.start('prevent-display-sleep');
  window.on('closed', () => {
    powerSaveBlocker.stop(blocker);
  });
}
