import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { ProgressEvent } from '../../agent-core/src/flow/events.js';
import type { ProvisioningService } from '../../agent-core/src/service.js';
import { BRIDGE_CHANNELS, BRIDGE_METHOD_NAMES, PROGRESS_CHANNEL } from '../bridge/channels.js';
import { handleBridgeCall } from '../bridge/handlers.js';
import { APP_ORIGIN, originOf } from './app-protocol.js';

/** Thrown to the renderer for a call from anywhere but the kiosk page's own top frame. */
export class UntrustedSenderError extends Error {
  constructor(channel: string) {
    super(`Rejected ${channel}: not sent by the kiosk page`);
    this.name = 'UntrustedSenderError';
  }
}

/** SECURITY.md item 6: only the kiosk window's main frame, on the app's own origin (or the dev server in development). */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>, window: WebContents, allowedOrigins: readonly string[]): boolean {
  const frame = event.senderFrame;
  if (frame === null || event.sender !== window || frame !== window.mainFrame) return false;
  const origin = originOf(frame.url);
  return origin !== undefined && allowedOrigins.includes(origin);
}

export interface IpcWiring {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly window: WebContents;
  readonly service: ProvisioningService;
  readonly finish: () => void;
  /** Origins allowed to call; APP_ORIGIN, plus the Vite dev server's in development. */
  readonly origins?: readonly string[];
}

/**
 * Registers exactly the bridge contract's channels. Each handler checks the sender, then the payload
 * against the contract's schema (handleBridgeCall), before the service does anything.
 */
export function registerBridgeHandlers(wiring: IpcWiring): () => void {
  const origins = wiring.origins ?? [APP_ORIGIN];
  const emitProgress = (event: ProgressEvent) => {
    if (!wiring.window.isDestroyed()) wiring.window.send(PROGRESS_CHANNEL, event);
  };
  for (const method of BRIDGE_METHOD_NAMES) {
    const channel = BRIDGE_CHANNELS[method];
    wiring.ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, wiring.window, origins)) throw new UntrustedSenderError(channel);
      return handleBridgeCall({ service: wiring.service, emitProgress, finish: wiring.finish }, method, args);
    });
  }
  return () => {
    for (const method of BRIDGE_METHOD_NAMES) wiring.ipcMain.removeHandler(BRIDGE_CHANNELS[method]);
  };
}
