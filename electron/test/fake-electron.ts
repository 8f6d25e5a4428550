import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, IpcMain } from 'electron';

type InvokeHandler = Parameters<IpcMain['handle']>[1];

/**
 * The one fake of `electron` the main-process tests use (the real binary cannot run here). It
 * records what the code under test asks of Electron, and lets tests fire Electron's events.
 */
export class FakeWebContents extends EventEmitter {
  readonly mainFrame = { url: 'app://kiosk/index.html' };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  sent: { channel: string; payload: unknown }[] = [];
  reloads = 0;
  crashes = 0;
  insertedCss: string[] = [];
  zoomFactor = 1;
  visualZoomLimits: [number, number] | undefined;
  destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  reload() {
    this.reloads += 1;
  }
  /** As Electron does: the renderer ends, and `render-process-gone` follows (reason killed). */
  forcefullyCrashRenderer() {
    this.crashes += 1;
    this.emit('render-process-gone', {}, { reason: 'killed' });
  }
  insertCSS(css: string) {
    this.insertedCss.push(css);
    return Promise.resolve('key');
  }
  setZoomFactor(factor: number) {
    this.zoomFactor = factor;
  }
  setVisualZoomLevelLimits(min: number, max: number) {
    this.visualZoomLimits = [min, max];
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: string | undefined;
  shown = false;
  focused = 0;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loaded = url;
    return Promise.resolve();
  }
  show() {
    this.shown = true;
  }
  focus() {
    this.focused += 1;
  }
}

export function createFakeElectron(options: { packaged?: boolean; singleInstance?: boolean } = {}) {
  FakeBrowserWindow.instances = [];
  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.packaged ?? true,
    exitCode: undefined as number | undefined,
    quitCalled: false,
    exit(code: number) {
      this.exitCode = code;
    },
    quit() {
      this.quitCalled = true;
    },
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => options.singleInstance ?? true,
    getAppPath: () => '/opt/osiris',
  });
  const handlers = new Map<string, InvokeHandler>();
  const ipcMain = {
    handle(channel: string, handler: InvokeHandler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
  const permissionHandlers: { request?: (...args: unknown[]) => void; check?: (...args: unknown[]) => boolean; device?: () => boolean } = {};
  const session = {
    defaultSession: {
      setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
        permissionHandlers.request = handler;
      },
      setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
        permissionHandlers.check = handler;
      },
      setDevicePermissionHandler(handler: () => boolean) {
        permissionHandlers.device = handler;
      },
    },
  };
  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response>>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: Request) => Promise<Response>) {
      this.handlers.set(scheme, handler);
    },
  };
  const menu = { application: 'default' as unknown };
  const Menu = {
    setApplicationMenu(value: unknown) {
      menu.application = value;
    },
  };
  const powerSaveBlocker = {
    active: new Set<number>(),
    next: 1,
    start(this: { active: Set<number>; next: number }, _type: string) {
      const id = this.next++;
      this.active.add(id);
      return id;
    },
    stop(this: { active: Set<number> }, id: number) {
      return this.active.delete(id);
    },
  };
  return { app, ipcMain, handlers, session, permissionHandlers, protocol, Menu, menu, powerSaveBlocker, BrowserWindow: FakeBrowserWindow };
}
export type FakeElectron = ReturnType<typeof createFakeElectron>;
