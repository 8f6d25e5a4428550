/**
 * The preload: exposes exactly the bridge's methods as `window.osiris`, nothing else — no
 * ipcRenderer, no Node. Runs sandboxed, so it imports only `electron` and the zod-free channel list.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_CHANNELS, BRIDGE_METHOD_NAMES, BRIDGE_NAME, PROGRESS_CHANNEL } from '../bridge/channels.js';

export function buildBridge(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>): Record<string, unknown> {
  const bridge: Record<string, unknown> = {};
  for (const method of BRIDGE_METHOD_NAMES) {
    const channel = BRIDGE_CHANNELS[method];
    bridge[method] = (...args: unknown[]) => ipc.invoke(channel, ...args);
  }
  bridge.onProgress = (listener: (event: unknown) => void) => {
    // The renderer's callback gets the event's payload only, never the IpcRendererEvent (it holds `sender`).
    const forward = (_event: IpcRendererEvent, payload: unknown) => {
      listener(payload);
    };
    ipc.on(PROGRESS_CHANNEL, forward);
    return () => {
      ipc.removeListener(PROGRESS_CHANNEL, forward);
    };
  };
  return Object.freeze(bridge);
}

contextBridge.exposeInMainWorld(BRIDGE_NAME, buildBridge(ipcRenderer));
