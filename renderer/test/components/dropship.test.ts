import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src/App.svelte';
import { I18n } from '../../src/i18n/i18n.svelte';
import { Wizard } from '../../src/lib/wizard.svelte';
import { FakeBridge } from './fake-bridge';

afterEach(() => { cleanup(); });

async function welcome(setup: (bridge: FakeBridge) => void) {
  const bridge = new FakeBridge();
  setup(bridge);
  const wizard = new Wizard(bridge, { dropshipMs: 20, runningPollMs: 20 });
  render(App, { props: { wizard, i18n: new I18n('en') } });
  await wizard.start();
  return { wizard, bridge };
}

describe('drop-ship on the Welcome screen', () => {
  it('offers the partner route while drop-ship waits: the MAC as text and as a QR code, and how many checks so far', async () => {
    await welcome((bridge) => { bridge.dropshipStatus = { state: 'waiting', mac_address: '84:3A:5B:91:B6:61', polls: 3 }; });
    await screen.findByText('Or ask your partner to assign this appliance');
    expect(screen.getByTestId('dropship-mac').textContent).toBe('84:3A:5B:91:B6:61');
    expect(screen.getByRole('img', { name: 'QR code of the MAC address 84:3A:5B:91:B6:61' })).toBeTruthy();
    expect(screen.getByTestId('dropship-polls').textContent).toBe('Asked OsirisCare 3 times so far; still waiting for the partner.');
  });

  it('says nothing of it when drop-ship is off (no key on this appliance)', async () => {
    const { bridge } = await welcome((b) => { b.dropshipStatus = { state: 'off', mac_address: '84:3A:5B:91:B6:61', polls: 0, message: 'no key' }; });
    await waitFor(() => { expect(bridge.count('dropship')).toBeGreaterThan(1); });
    expect(screen.queryByTestId('dropship')).toBeNull();
  });

  it('follows the run when the engine starts provisioning by itself (a partner assigned the MAC)', async () => {
    const { wizard, bridge } = await welcome(() => undefined);
    bridge.states = [{ state: 'running', source: 'dropship', events: [] }, { state: 'provisioned', site_id: 'nepa-it-dropship', config_path: '/var/lib/msp/config.yaml' }];
    bridge.emit({ step: 'verify', status: 'running', percent: 30, message: "Checking Central Command's signature" });
    await waitFor(() => { expect(wizard.screen).toBe('success'); }, { timeout: 5_000 });
    expect(bridge.count('provision')).toBe(0);
  });
});

describe('an unfinished claim, on purpose', () => {
  it('offers to finish it or to use a new code, which then asks the engine to set it aside', async () => {
    const { wizard, bridge } = await welcome((b) => { b.states = [{ state: 'resumable', site_id: 'clinic-abc-1', code_hint: 'ABCD…5678', created_at: '2026-11-29T10:00:00.000Z', source: 'claim' }]; });
    await fireEvent.click(await screen.findByRole('button', { name: 'Use a new code instead' }));
    expect(wizard.screen).toBe('manual');
    await wizard.submitCode('C0FFEE00DECAF123', undefined, 'manual');
    await screen.findByText('The unfinished setup saved on this appliance will be set aside.');
    await fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => { expect(bridge.count('provision')).toBe(1); });
    expect(bridge.calls.find((c) => c.method === 'provision')?.args).toEqual([{ code: 'C0FFEE00DECAF123', discardClaim: true }]);
  });

  it('on the pending-claim error, "Use this code instead" retries with the claim set aside', async () => {
    const { wizard, bridge } = await welcome(() => undefined);
    wizard.code = 'C0FFEE00DECAF123';
    wizard.fail({ code: 'pending-claim', error: 'An unfinished claim is waiting', retry: 'provision' });
    await fireEvent.click(await screen.findByRole('button', { name: 'Use this code instead' }));
    await waitFor(() => { expect(bridge.count('provision')).toBe(1); });
    expect(bridge.calls.find((c) => c.method === 'provision')?.args).toEqual([{ code: 'C0FFEE00DECAF123', discardClaim: true }]);
  });
});
