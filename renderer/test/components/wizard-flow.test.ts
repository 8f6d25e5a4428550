import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../src/App.svelte';
import { I18n } from '../../src/i18n/i18n.svelte';
import type { ProgressEvent } from '../../src/lib/bridge';
import { Wizard } from '../../src/lib/wizard.svelte';
import { FakeBridge } from './fake-bridge';

/** The wizard's waits and watchdogs, with Vitest's fake clock: no test waits for real time. */
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function mount(bridge: FakeBridge, locale: 'en' | 'es' = 'en') {
  vi.useFakeTimers();
  const wizard = new Wizard(bridge);
  render(App, { props: { wizard, i18n: new I18n(locale) } });
  return wizard;
}

const CLAIMING: ProgressEvent = { step: 'claim', status: 'running', percent: 25, message: 'Claiming code ABCD…5678' };

describe('watchdogs', () => {
  it('leaves Loading for "Setup cannot start" when the engine never answers at start', async () => {
    const bridge = new FakeBridge();
    bridge.hang.add('identity');
    const wizard = mount(bridge);
    void wizard.start();
    await vi.advanceTimersByTimeAsync(wizard.timing.startMs - 1);
    expect(wizard.screen).toBe('loading');
    await vi.advanceTimersByTimeAsync(1);
    expect(wizard.screen).toBe('cannot-start');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('leaves Progress for the error screen when the run never answers and the engine knows nothing of it', async () => {
    const bridge = new FakeBridge();
    bridge.hang.add('provision');
    const wizard = mount(bridge);
    await wizard.start();
    wizard.code = 'ABCD1234EFGH5678';
    void wizard.confirm();
    await vi.advanceTimersByTimeAsync(wizard.timing.provisionMs);
    await waitFor(() => { expect(wizard.screen).toBe('error'); });
    expect(wizard.failure?.code).toBe('engine-timeout');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('says "Still trying…" only after a while without news, and counts the time', async () => {
    const bridge = new FakeBridge();
    bridge.hang.add('provision');
    const wizard = mount(bridge);
    await wizard.start();
    void wizard.confirm();
    await vi.advanceTimersByTimeAsync(wizard.timing.tickMs);
    expect(screen.getByTestId('still-trying').textContent).toBe('');
    expect(screen.getByTestId('elapsed').textContent).toBe('Waiting for 1 second');
    bridge.emit(CLAIMING);
    await vi.advanceTimersByTimeAsync(wizard.timing.stillTryingMs);
    expect(screen.getByTestId('still-trying').textContent).toContain('Still trying');
    expect(screen.getByText('Claiming the code', { selector: '.waiting-title' })).toBeTruthy();
  });
});

describe('cancelling a code check', () => {
  it('returns at once and ignores the answer when it comes late', async () => {
    const bridge = new FakeBridge();
    bridge.holdValidate = true;
    const wizard = mount(bridge);
    await wizard.start();
    wizard.go('manual');
    void wizard.submitCode('ABCD1234EFGH5678', undefined, 'manual');
    await vi.advanceTimersByTimeAsync(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(wizard.validating).toBe(false);
    bridge.releaseValidate?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(wizard.screen).toBe('manual');
    expect(wizard.validated).toBeNull();
  });
});

describe('after a reload mid-run (engine reporting "running")', () => {
  it('re-attaches to the run, shows its events, and lands on success', async () => {
    const bridge = new FakeBridge();
    bridge.states = [
      { state: 'running', source: 'claim', events: [CLAIMING] },
      { state: 'running', source: 'claim', events: [CLAIMING] },
      { state: 'provisioned', site_id: 'clinic-abc-1', config_path: '/var/lib/msp/config.yaml' },
    ];
    const wizard = mount(bridge);
    await wizard.start();
    expect(wizard.screen).toBe('progress');
    expect(screen.getByTestId('step-claim').className).toContain('running');
    expect(bridge.count('provision')).toBe(0);
    await vi.advanceTimersByTimeAsync(wizard.timing.runningPollMs * 2);
    await waitFor(() => { expect(wizard.screen).toBe('success'); });
    expect(screen.getByTestId('site-id').textContent).toBe('clinic-abc-1');
  });

  it('offers to finish a saved claim if the run ended without finishing', async () => {
    const bridge = new FakeBridge();
    bridge.states = [{ state: 'running', source: 'claim', events: [] }, { state: 'resumable', site_id: 'clinic-abc-1', code_hint: 'ABCD…5678', created_at: '2026-11-29T10:00:00.000Z', source: 'claim' }];
    const wizard = mount(bridge);
    await wizard.start();
    await vi.advanceTimersByTimeAsync(wizard.timing.runningPollMs);
    await waitFor(() => { expect(wizard.screen).toBe('error'); });
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(bridge.calls.find((c) => c.method === 'provision')?.args).toEqual([{}]);
  });
});

describe('the hand-over', () => {
  it('shows why when the engine refuses it, with Try again', async () => {
    const bridge = new FakeBridge();
    bridge.finishOutcome = { ok: false, error: 'No valid configuration' };
    const wizard = mount(bridge);
    await wizard.start();
    await wizard.finish();
    expect(wizard.screen).toBe('error');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('The compliance agent cannot start yet');
    bridge.finishOutcome = { ok: true };
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(bridge.count('finish')).toBe(2);
  });
});

describe('in Spanish', () => {
  it('renders the screens from the Spanish catalogue and sets the page language', async () => {
    const wizard = mount(new FakeBridge(), 'es');
    await wizard.start();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Configura este equipo');
    expect(document.documentElement.lang).toBe('es');
    await fireEvent.click(screen.getByRole('button', { name: /Escribir código/ }));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Escribe el código de aprovisionamiento');
  });
});
