import { describe, expect, it } from 'vitest';
import type { WebContents } from 'electron';
import { createAppHandler, resolveAppPath } from '../main/app-protocol.js';
import { isEscapeShortcut, lockInput } from '../main/input-lock.js';
import { lockNavigation } from '../main/navigation-lock.js';
import { allowCheck, allowRequest, lockPermissions } from '../main/permissions.js';
import { kioskWebPreferences, kioskWindowOptions } from '../main/window.js';
import { PAGE_CSP, WORKER_CSP } from '../csp.js';
import { createFakeElectron, FakeWebContents } from './fake-electron.js';

const settings = { apiEndpoint: 'https://api.osiriscare.net', allowedEndpoints: [], stateDir: '/var/lib/msp', serverKey: '/etc/msp/central-command.pub', kiosk: true, touch: true, language: 'en' as const };

describe('SECURITY 1: webPreferences', () => {
  it('isolates, sandboxes and disables Node everywhere; devtools only unpackaged', () => {
    expect(kioskWebPreferences('/app/preload.cjs', true)).toEqual({
      preload: '/app/preload.cjs',
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
      devTools: false,
    });
    expect(kioskWebPreferences('/p', false).devTools).toBe(true);
    expect(kioskWebPreferences('/p', true)).not.toHaveProperty('enableBlinkFeatures');
  });

  it('is a frameless full-screen kiosk with a dark background on the appliance, a window in development', () => {
    expect(kioskWindowOptions(settings, '/p', true)).toMatchObject({ kiosk: true, fullscreen: true, frame: false, show: false, backgroundColor: '#0b1220' });
    const windowed = kioskWindowOptions({ ...settings, kiosk: false }, '/p', false);
    expect(windowed).not.toHaveProperty('kiosk');
    expect(windowed).toMatchObject({ width: 1280, height: 800 });
  });
});

describe('SECURITY 3: the app:// protocol', () => {
  const root = '/opt/osiris/dist/wizard';

  it('maps app://kiosk paths into the bundle', () => {
    expect(resolveAppPath(root, 'app://kiosk/')).toBe(`${root}/index.html`);
    expect(resolveAppPath(root, 'app://kiosk/assets/index-1.js')).toBe(`${root}/assets/index-1.js`);
  });

  it.each(['app://kiosk/../../etc/passwd', 'app://kiosk/%2e%2e/%2e%2e/etc/passwd', 'app://kiosk/assets/../../../../etc/passwd'])('keeps %s inside the bundle', (url) => {
    // The URL parser resolves plain dot segments first: what is left can only name a file in the bundle.
    expect(resolveAppPath(root, url)?.startsWith(`${root}/`)).toBe(true);
  });

  it.each([
    'app://kiosk/..%2f..%2fetc%2fpasswd',
    'app://kiosk/assets/..%2F..%2F..%2Fetc%2Fshadow',
    'app://kiosk/..%5c..%5cwindows',
    'app://kiosk/index.html%00.png',
    'app://kiosk/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(root, url)).toBeUndefined();
  });

  it('answers with the right MIME type (wasm!) and the CSP headers', async () => {
    const files: Record<string, string> = { [`${root}/index.html`]: '<html>', [`${root}/assets/zxing_reader-1.wasm`]: 'wasm', [`${root}/assets/decoder.worker-Ab_1.js`]: 'w' };
    const handler = createAppHandler(root, (path) => (path in files ? Promise.resolve(Buffer.from(files[path] ?? '')) : Promise.reject(new Error('ENOENT'))));
    const page = await handler(new Request('app://kiosk/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(PAGE_CSP);
    const wasm = await handler(new Request('app://kiosk/assets/zxing_reader-1.wasm'));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    const worker = await handler(new Request('app://kiosk/assets/decoder.worker-Ab_1.js'));
    expect(worker.headers.get('content-security-policy')).toBe(WORKER_CSP);
    expect((await handler(new Request('app://kiosk/missing.js'))).status).toBe(404);
    expect((await handler(new Request('app://kiosk/..%2f..%2fetc/passwd'))).status).toBe(404);
  });

  it('keeps the page CSP to self, with wasm compilation only for the worker', () => {
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-inline|data:/);
    expect(PAGE_CSP).toContain("img-src 'self' blob:");
    expect(WORKER_CSP).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(WORKER_CSP).not.toMatch(/'unsafe-eval'|data:/);
  });
});

describe('SECURITY 4: navigation lock', () => {
  it('denies navigation, redirects, webviews and new windows', () => {
    const contents = new FakeWebContents();
    lockNavigation(contents as unknown as WebContents);
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      contents.emit(name, { preventDefault: () => (prevented = true) }, 'https://evil.example');
      expect(prevented, name).toBe(true);
    }
    let subframe = false;
    contents.emit('will-frame-navigate', { isMainFrame: false, preventDefault: () => (subframe = true) });
    expect(subframe).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://kiosk/index.html' })).toEqual({ action: 'deny' });
  });
});

describe('SECURITY 5: permissions', () => {
  it('grants the camera to the app origin only', () => {
    expect(allowRequest('media', 'app://kiosk/index.html', { mediaTypes: ['video'] })).toBe(true);
    expect(allowRequest('media', 'app://kiosk/index.html', { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(allowRequest('media', 'app://kiosk/index.html', { mediaTypes: [] })).toBe(false);
    expect(allowRequest('media', 'https://evil.example/', { mediaTypes: ['video'] })).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'fullscreen', 'openExternal', 'usb']) {
      expect(allowRequest(permission, 'app://kiosk/index.html', { mediaTypes: ['video'] }), permission).toBe(false);
    }
    expect(allowCheck('media', 'app://kiosk', { mediaType: 'video' })).toBe(true);
    expect(allowCheck('media', 'app://kiosk', { mediaType: 'audio' })).toBe(false);
    expect(allowCheck('media', 'http://127.0.0.1:5173', { mediaType: 'video' })).toBe(false);
  });

  it('installs request, check and device handlers on the session', () => {
    const electron = createFakeElectron();
    lockPermissions(electron.session.defaultSession as never);
    let granted: boolean | undefined;
    electron.permissionHandlers.request?.({}, 'media', (ok: boolean) => (granted = ok), { requestingUrl: 'app://kiosk/index.html', mediaTypes: ['video'] });
    expect(granted).toBe(true);
    electron.permissionHandlers.request?.({}, 'geolocation', (ok: boolean) => (granted = ok), { requestingUrl: 'app://kiosk/index.html' });
    expect(granted).toBe(false);
    expect(electron.permissionHandlers.check?.({}, 'media', 'app://kiosk', { mediaType: 'video' })).toBe(true);
    expect(electron.permissionHandlers.device?.()).toBe(false);
  });
});

describe('SECURITY 7: no shortcut escapes the kiosk', () => {
  const key = (k: string, mods: Partial<{ control: boolean; meta: boolean; alt: boolean; shift: boolean }> = {}) => ({ type: 'keyDown' as const, key: k, control: false, meta: false, alt: false, shift: false, ...mods });

  it.each([
    ['reload', key('r', { control: true })],
    ['hard reload', key('R', { control: true, shift: true })],
    ['reload (Meta)', key('r', { meta: true })],
    ['F5', key('F5')],
    ['devtools', key('I', { control: true, shift: true })],
    ['devtools F12', key('F12')],
    ['close', key('w', { control: true })],
    ['quit', key('q', { meta: true })],
    ['print', key('p', { control: true })],
    ['zoom in', key('+', { control: true })],
    ['zoom in (=)', key('=', { control: true })],
    ['zoom out', key('-', { control: true })],
    ['zoom reset', key('0', { meta: true })],
    ['full screen', key('F11')],
    ['Alt+F4', key('F4', { alt: true })],
    ['back', key('ArrowLeft', { alt: true })],
    ['new window', key('n', { control: true })],
  ])('blocks %s', (_name, input) => {
    expect(isEscapeShortcut(input)).toBe(true);
  });

  it('lets typing, Enter, Backspace and paste through', () => {
    for (const input of [key('A'), key('a', { shift: true }), key('7'), key('Enter'), key('Backspace'), key('v', { control: true })]) {
      expect(isEscapeShortcut(input), input.key).toBe(false);
    }
    expect(isEscapeShortcut({ ...key('r', { control: true }), type: 'keyUp' })).toBe(false);
  });

  it('swallows blocked keys and pins zoom', () => {
    const contents = new FakeWebContents();
    lockInput(contents as unknown as WebContents);
    let prevented = false;
    contents.emit('before-input-event', { preventDefault: () => (prevented = true) }, key('r', { control: true }));
    expect(prevented).toBe(true);
    contents.zoomFactor = 2;
    contents.emit('zoom-changed');
    expect(contents.zoomFactor).toBe(1);
    expect(contents.visualZoomLimits).toEqual([1, 1]);
  });
});
