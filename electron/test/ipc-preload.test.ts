import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from 'electron';
import { createConfig } from '../../agent-core/src/config/write.js';
import { writeMarker } from '../../agent-core/src/state/marker.js';
import { ProvisioningService } from '../../agent-core/src/service.js';
import { BRIDGE_CHANNELS, BRIDGE_METHOD_NAMES, PROGRESS_CHANNEL } from '../bridge/channels.js';
import { isTrustedSender, registerBridgeHandlers } from '../main/ipc.js';
import { createFakeElectron, FakeWebContents } from './fake-electron.js';

interface Exposed {
  name: string;
  api: Record<string, unknown>;
  invoked: unknown[][];
  listeners: Map<string, (...args: unknown[]) => void>;
}
const exposed = vi.hoisted((): Exposed => ({ name: '', api: {}, invoked: [], listeners: new Map() }));
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (name: string, api: Record<string, unknown>) => {
      exposed.name = name;
      exposed.api = api;
    },
  },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      exposed.invoked.push(args);
      return Promise.resolve('answer');
    },
    on: (channel: string, listener: (...a: unknown[]) => void) => exposed.listeners.set(channel, listener),
    removeListener: (channel: string) => exposed.listeners.delete(channel),
  },
}));

async function wire() {
  const electron = createFakeElectron();
  const contents = new FakeWebContents();
  const stateDir = join(await mkdtemp(join(tmpdir(), 'osiris-ipc-')), 'msp');
  const service = new ProvisioningService({ apiEndpoint: 'http://127.0.0.1:9', stateDir });
  let finished = 0;
  registerBridgeHandlers({ ipcMain: electron.ipcMain, window: contents as unknown as WebContents, service, finish: () => (finished += 1) });
  const call = (channel: string, event: object, ...args: unknown[]) => {
    const handler = electron.handlers.get(channel);
    if (handler === undefined) throw new Error(`no handler for ${channel}`);
    return handler(event as never, ...args) as Promise<unknown>;
  };
  const trusted = { sender: contents, senderFrame: contents.mainFrame };
  return { electron, contents, call, trusted, stateDir, finished: () => finished };
}

describe('SECURITY 6: IPC handlers', () => {
  it('registers exactly the bridge contract channels', async () => {
    const { electron } = await wire();
    expect([...electron.handlers.keys()].sort()).toEqual(Object.values(BRIDGE_CHANNELS).sort());
  });

  it('answers the kiosk page with agent-core results', async () => {
    const { call, trusted } = await wire();
    await expect(call(BRIDGE_CHANNELS.parseQr, trusted, 'abcd-1234-efgh-5678')).resolves.toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678' } });
    await expect(call(BRIDGE_CHANNELS.state, trusted)).resolves.toEqual({ state: 'fresh' });
  });

  it('rejects calls from another frame, another window or another origin before doing anything', async () => {
    const { call, contents } = await wire();
    const other = new FakeWebContents();
    await expect(call(BRIDGE_CHANNELS.state, { sender: contents, senderFrame: { url: 'app://kiosk/index.html' } })).rejects.toThrow('not sent by the kiosk page');
    await expect(call(BRIDGE_CHANNELS.state, { sender: other, senderFrame: other.mainFrame })).rejects.toThrow('not sent by the kiosk page');
    await expect(call(BRIDGE_CHANNELS.finish, { sender: contents, senderFrame: null })).rejects.toThrow('not sent by the kiosk page');
    contents.mainFrame.url = 'https://evil.example/';
    await expect(call(BRIDGE_CHANNELS.state, { sender: contents, senderFrame: contents.mainFrame })).rejects.toThrow('not sent by the kiosk page');
  });

  it('rejects payloads that do not match the contract', async () => {
    const { call, trusted, finished } = await wire();
    await expect(call(BRIDGE_CHANNELS.parseQr, trusted, 42)).rejects.toThrow('does not match the bridge contract');
    await expect(call(BRIDGE_CHANNELS.parseQr, trusted, 'x'.repeat(5000))).rejects.toThrow('does not match');
    await expect(call(BRIDGE_CHANNELS.provision, trusted, { code: 'ABCD1234EFGH5678', extra: true })).rejects.toThrow('does not match');
    await expect(call(BRIDGE_CHANNELS.finish, trusted, 'surprise')).rejects.toThrow('does not match');
    expect(finished()).toBe(0);
  });

  it('refuses an endpoint the QR allow-list does not name', async () => {
    const { call, trusted } = await wire();
    await expect(call(BRIDGE_CHANNELS.validate, trusted, { code: 'ABCD1234EFGH5678', endpoint: 'https://evil.example' })).resolves.toMatchObject({ ok: false, code: 'untrusted-endpoint' });
  });

  it('sends progress to the one window, and hands over only once a usable config and the finished marker exist', async () => {
    const { call, trusted, contents, finished, stateDir } = await wire();
    const result = await call(BRIDGE_CHANNELS.provision, trusted, { code: 'SHORT' });
    expect(result).toMatchObject({ ok: false, code: 'format' });
    expect(contents.sent.every((s) => s.channel === PROGRESS_CHANNEL)).toBe(true);
    // An early or stray finish: no config yet, so no exit to an agent that cannot start.
    expect(await call(BRIDGE_CHANNELS.finish, trusted)).toEqual({ ok: false, error: 'The appliance is not provisioned yet: there is no usable configuration' });
    const written = await createConfig({ site_id: 's', appliance_id: 's-84:3A:5B:91:B6:61', api_key: 'key', api_endpoint: 'https://api.osiriscare.net', mac_address: '84:3A:5B:91:B6:61', hostname: 'h' }, { stateDir });
    expect(written.ok).toBe(true);
    expect(await call(BRIDGE_CHANNELS.finish, trusted)).toEqual({ ok: false, error: 'Provisioning has not finished yet' });
    expect(finished()).toBe(0);
    await writeMarker(join(stateDir, 'config.yaml'), { site_id: 's', appliance_id: 's-84:3A:5B:91:B6:61', source: 'claim', finished_at: 'now' });
    expect(await call(BRIDGE_CHANNELS.finish, trusted)).toEqual({ ok: true });
    expect(finished()).toBe(1);
  });

  it('judges senders by frame identity and origin', () => {
    const contents = new FakeWebContents();
    expect(isTrustedSender({ sender: contents as unknown as WebContents, senderFrame: contents.mainFrame as never }, contents as unknown as WebContents, ['app://kiosk'])).toBe(true);
    expect(isTrustedSender({ sender: contents as unknown as WebContents, senderFrame: contents.mainFrame as never }, contents as unknown as WebContents, ['http://127.0.0.1:5173'])).toBe(false);
  });
});

describe('SECURITY 2: the preload', () => {
  it('exposes exactly the contract methods under one name, and nothing of ipcRenderer', async () => {
    await import('../preload/index.js');
    expect(exposed.name).toBe('osiris');
    expect(Object.keys(exposed.api).sort()).toEqual([...BRIDGE_METHOD_NAMES, 'onProgress'].sort());
    expect(Object.isFrozen(exposed.api)).toBe(true);
    expect(Object.values(exposed.api).every((v) => typeof v === 'function')).toBe(true);
    expect(exposed.api).not.toHaveProperty('invoke');
    expect(exposed.api).not.toHaveProperty('send');
  });

  it('invokes the method’s channel with the arguments', async () => {
    await import('../preload/index.js');
    await (exposed.api.validate as (r: unknown) => Promise<unknown>)({ code: 'ABCD1234EFGH5678' });
    expect(exposed.invoked.at(-1)).toEqual([BRIDGE_CHANNELS.validate, { code: 'ABCD1234EFGH5678' }]);
  });

  it('gives progress listeners the payload only, never the IPC event, and unsubscribes', async () => {
    await import('../preload/index.js');
    const received: unknown[][] = [];
    const unsubscribe = (exposed.api.onProgress as (l: (...a: unknown[]) => void) => () => void)((...args) => received.push(args));
    const forward = exposed.listeners.get(PROGRESS_CHANNEL);
    forward?.({ sender: 'ipc-event-with-sender' }, { step: 'claim', percent: 40 });
    expect(received).toEqual([[{ step: 'claim', percent: 40 }]]);
    unsubscribe();
    expect(exposed.listeners.has(PROGRESS_CHANNEL)).toBe(false);
  });
});
