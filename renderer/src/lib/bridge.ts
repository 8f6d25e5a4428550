/**
 * The renderer's one door to the engine: the only module that touches `window.osiris` (exposed by
 * Electron's preload, or by the test harness). Everything else receives the bridge from here.
 */
import type { OsirisBridge } from '../../../electron/bridge/contract';

declare global {
  interface Window {
    osiris?: OsirisBridge;
  }
}

export function getBridge(): OsirisBridge | undefined {
  return window.osiris;
}

export type * from '../../../electron/bridge/contract';
