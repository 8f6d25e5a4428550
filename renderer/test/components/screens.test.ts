import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../src/App.svelte';
import { I18n } from '../../src/i18n/i18n.svelte';
import { Wizard, type Screen } from '../../src/lib/wizard.svelte';
import { FakeBridge } from './fake-bridge';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function show(screenName: Screen, setup: (wizard: Wizard, bridge: FakeBridge) => void = () => undefined, options: { fakeTimers?: boolean } = {}) {
  const bridge = new FakeBridge();
  const wizard = new Wizard(bridge);
  await wizard.start();
  // start() checks the network in the background; let it land before the test sets its own state.
  await waitFor(() => { expect(wizard.network).not.toBeNull(); });
  setup(wizard, bridge);
  if (options.fakeTimers === true) vi.useFakeTimers();
  wizard.screen = screenName;
  render(App, { props: { wizard, i18n: new I18n('en') } });
  return { wizard, bridge };
}

const heading = () => screen.getByRole('heading', { level: 1 }).textContent;

describe('Welcome', () => {
  it('shows the MAC and hostname and the network status', async () => {
    await show('welcome');
    expect(screen.getByTestId('mac').textContent).toBe('84:3A:5B:91:B6:61');
    expect(screen.getByTestId('hostname').textContent).toBe('osiriscare-appliance');
    await screen.findByText('Connected to OsirisCare');
  });

  it('says which network stage fails and what to do', async () => {
    await show('welcome', (wizard) => {
      wizard.network = { ok: false, stages: [], failed: { stage: 'dns', status: 'fail', detail: 'cannot resolve', hint: 'Check the DNS filter.', ms: 1 } };
    });
    expect(screen.getByText('Cannot look up the OsirisCare server (DNS)')).toBeTruthy();
    // The wizard's own advice for the stage, not the engine's English hint.
    expect(screen.getByText(/allow OsirisCare in any DNS filter/)).toBeTruthy();
    expect(screen.queryByText('Check the DNS filter.')).toBeNull();
    expect(screen.getByRole('button', { name: 'Check again' })).toBeTruthy();
  });

  it('goes to scanning or manual entry', async () => {
    const { wizard } = await show('welcome');
    await fireEvent.click(screen.getByRole('button', { name: /Scan QR code/ }));
    expect(wizard.screen).toBe('scan');
  });

  it('offers to finish an interrupted claim instead of asking for a code', async () => {
    const { bridge } = await show('welcome', (wizard) => {
      wizard.appliance = { state: 'resumable', site_id: 'clinic-abc-1', code_hint: 'ABCD…5678', created_at: '2026-11-29T10:00:00.000Z', source: 'claim' };
    });
    expect(screen.queryByRole('button', { name: /Scan QR code/ })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Finish setup' }));
    await waitFor(() => { expect(bridge.count('provision')).toBe(1); });
    expect(bridge.calls.find((c) => c.method === 'provision')?.args).toEqual([{}]);
  });
});

describe('Manual entry and the touch keyboard', () => {
  const press = async (label: string) => fireEvent.click(screen.getByRole('button', { name: label }));

  it('fills four groups of four from the on-screen keys, with backspace and clear', async () => {
    await show('manual');
    for (const char of 'AB12') await press(char);
    expect(screen.getByTestId('code-slots').getAttribute('aria-label')).toContain('4 of 16');
    await press('Backspace');
    expect(screen.getByTestId('code-slots').textContent.replace(/[–\s]/g, '')).toBe('AB1');
    await press('Clear');
    expect(screen.getByTestId('code-slots').textContent.replace(/[–\s]/g, '')).toBe('');
  });

  it('has every letter and digit, plus backspace and clear', async () => {
    await show('manual');
    for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') expect(screen.getByRole('button', { name: char })).toBeTruthy();
  });

  it('accepts a physical keyboard, upper-casing, and normalises a paste', async () => {
    await show('manual');
    await fireEvent.keyDown(window, { key: 'a' });
    await fireEvent.keyDown(window, { key: '-' });
    expect(screen.getByTestId('code-slots').textContent.replace(/[–\s]/g, '')).toBe('A');
    const paste = new Event('paste') as Event & { clipboardData: { getData: () => string } };
    paste.clipboardData = { getData: () => 'bcd-1234 efgh-5678-EXTRA' };
    window.dispatchEvent(paste);
    await waitFor(() => { expect(screen.getByTestId('code-slots').textContent.replace(/[–\s]/g, '')).toBe('ABCD1234EFGH5678'); });
  });

  it('explains a short code without asking the server', async () => {
    const { bridge } = await show('manual');
    for (const char of 'ABC') await press(char);
    await fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await screen.findByText('The code has 16 characters; 3 entered so far.');
    expect(bridge.count('validate')).toBe(0);
  });

  it('validates a complete code and moves on to confirmation', async () => {
    const { bridge, wizard } = await show('manual');
    for (const char of 'ABCD1234EFGH5678') await press(char);
    await fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => { expect(wizard.screen).toBe('confirm'); });
    expect(bridge.calls.find((c) => c.method === 'validate')?.args).toEqual([{ code: 'ABCD1234EFGH5678' }]);
  });
});

describe('Confirm', () => {
  it("asks in the partner's name and the clinic's", async () => {
    await show('confirm', (wizard) => {
      wizard.code = 'ABCD1234EFGH5678';
      wizard.validated = { client_name: 'Clinic ABC', partner: { brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } };
    });
    expect(heading()).toBe('Register this appliance to NEPA IT Solutions — Clinic ABC?');
    expect(screen.getByTestId('announcer').textContent).toBe('Register this appliance to \u2068NEPA IT Solutions\u2069 — \u2068Clinic ABC\u2069?');
  });

  it('never puts an unvalidated colour into a style', async () => {
    await show('confirm', (wizard) => {
      wizard.validated = { partner: { brand_name: 'P', primary_color: 'red;background:url(//evil)' } };
    });
    const section = screen.getByRole('heading', { level: 1 }).closest('section');
    expect(section?.style.getPropertyValue('--partner')).toBe('#2563EB');
  });

  it('provisions once however often Confirm is tapped', async () => {
    const { bridge, wizard } = await show('confirm', (w, b) => {
      w.code = 'ABCD1234EFGH5678';
      b.holdProvision = true;
    });
    const button = screen.getByRole('button', { name: 'Confirm' });
    await fireEvent.click(button);
    await fireEvent.click(button);
    await wizard.confirm();
    expect(bridge.count('provision')).toBe(1);
    bridge.releaseProvision?.();
    await waitFor(() => { expect(wizard.screen).toBe('success'); });
  });
});

describe('Progress', () => {
  it('shows each step as it happens, with the bar', async () => {
    const { bridge } = await show('progress');
    bridge.emit({ step: 'claim', status: 'running', percent: 20, message: 'Claiming code ABCD…5678' });
    bridge.emit({ step: 'claim', status: 'done', percent: 40, message: 'Claimed' });
    bridge.emit({ step: 'write-config', status: 'running', percent: 40, message: 'Writing configuration' });
    await waitFor(() => { expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('40'); });
    expect(screen.getByTestId('step-claim').className).toContain('done');
    expect(screen.getByTestId('step-write-config').className).toContain('running');
    expect(screen.getByTestId('step-fetch-config').className).toContain('waiting');
  });
});

describe('Success', () => {
  it('shows the site and hands over to the agent after the countdown', async () => {
    const { bridge, wizard } = await show('success', (w, b) => {
      w.result = b.provisionOutcome.ok ? b.provisionOutcome.data : null;
    }, { fakeTimers: true });
    expect(screen.getByTestId('site-id').textContent).toBe('clinic-abc-123abc');
    expect(bridge.count('finish')).toBe(0);
    // The count-down is shown, not read out every second.
    expect(screen.getByTestId('countdown').closest('[aria-live], [role="timer"], [role="status"]')).toBeNull();
    await vi.advanceTimersByTimeAsync((wizard.timing.handoverSeconds - 1) * 1000);
    expect(bridge.count('finish')).toBe(0);
    expect(screen.getByTestId('site-id').textContent).toBe('clinic-abc-123abc');
    await vi.advanceTimersByTimeAsync(1000);
    expect(bridge.count('finish')).toBe(1);
  });

  it('asks the engine for the partner logo, and is not held up by one that never comes', async () => {
    const { bridge } = await show('success', (wizard, b) => {
      b.hang.add('partnerLogo');
      wizard.result = b.provisionOutcome.ok ? b.provisionOutcome.data : null;
    });
    expect(bridge.count('partnerLogo')).toBe(1);
    expect(screen.queryByTestId('partner-logo')).toBeNull();
    expect(screen.getByText('NEPA IT Solutions')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(bridge.count('finish')).toBe(1);
  });

  it('hands over at once on Done', async () => {
    const { bridge } = await show('success', (wizard, b) => {
      wizard.result = b.provisionOutcome.ok ? b.provisionOutcome.data : null;
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(bridge.count('finish')).toBe(1);
  });
});

describe('Error', () => {
  it.each([
    ['expired', 'This code has expired', 'Provision code expired'],
    ['claimed', 'This code has already been used', 'Code already claimed'],
    ['unreachable', 'Cannot connect to the OsirisCare server', 'Failed to connect to server'],
  ])('titles a %s failure and keeps the seed message', async (code, title, message) => {
    await show('error', (wizard) => {
      wizard.failure = { code, error: message, retry: 'validate' };
    });
    expect(heading()).toBe(title);
    expect(screen.getByTestId('error-message').textContent).toBe(message);
    expect(screen.getByTestId('announcer').textContent).toContain(title);
  });

  it('never tells a touchscreen user to use a flag or a terminal', async () => {
    await show('error', (wizard) => {
      wizard.failure = { code: 'exists', error: 'Appliance is already provisioned', hint: 'Use --force to re-provision; the current config will be backed up.', retry: 'provision' };
    });
    expect(document.body.textContent).not.toMatch(/--force|terminal|osiris-provision/);
    expect(screen.getByRole('button', { name: 'Continue' })).toBeTruthy();
  });

  it('makes "Enter a new code" the main button for an expired code, keeping what was typed', async () => {
    const { wizard } = await show('error', (w) => {
      w.code = 'EXP1RED000000001';
      w.source = 'manual';
      w.failure = { code: 'expired', error: 'Provision code expired', retry: 'validate' };
    });
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Enter a new code' }));
    expect(wizard.screen).toBe('manual');
    expect(screen.getByTestId('code-slots').getAttribute('aria-label')).toBe('Provision code, 16 of 16 characters');
  });

  it('lists the network stages when the preflight ran', async () => {
    await show('error', (wizard) => {
      wizard.failure = { code: 'tls', error: 'Secure connection to server failed', retry: 'validate', preflight: { ok: false, stages: [{ stage: 'dns', status: 'pass', detail: 'ok', ms: 1 }, { stage: 'tls', status: 'fail', detail: 'TLS failed (SELF_SIGNED_CERT_IN_CHAIN)', ms: 1 }] } };
    });
    expect(screen.getByRole('list', { name: 'Network check' }).textContent).toContain('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('retries the step that failed', async () => {
    const { bridge } = await show('error', (wizard) => {
      wizard.code = 'ABCD1234EFGH5678';
      wizard.failure = { code: 'timeout', error: 'Connection timed out', retry: 'validate' };
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => { expect(bridge.count('validate')).toBe(1); });
  });
});

describe('Already provisioned', () => {
  it('shows the site and offers nothing that re-provisions', async () => {
    await show('provisioned', (wizard) => {
      wizard.appliance = { state: 'provisioned', site_id: 'clinic-abc-1', config_path: '/var/lib/msp/config.yaml' };
    });
    expect(screen.getByTestId('site-id').textContent).toBe('clinic-abc-1');
    expect(screen.queryByRole('button', { name: /scan|enter code|try again/i })).toBeNull();
    expect(document.body.textContent).not.toMatch(/terminal/);
  });
});

describe('Scan', () => {
  it('says there is no camera and offers manual entry', async () => {
    const { wizard } = await show('scan');
    expect(screen.getByTestId('camera-problem').textContent).toContain('No camera was found');
    await fireEvent.click(screen.getByRole('button', { name: 'Enter code instead' }));
    expect(wizard.screen).toBe('manual');
  });
});

describe('idle timeout', () => {
  it('returns an unfinished wizard to Welcome, forgetting the code', async () => {
    const { wizard } = await show('confirm', (w) => {
      w.code = 'ABCD1234EFGH5678';
    }, { fakeTimers: true });
    expect(wizard.screen).toBe('confirm');
    await vi.advanceTimersByTimeAsync(wizard.timing.idleMs);
    expect(wizard.screen).toBe('welcome');
    expect(wizard.code).toBe('');
  });
});

describe('a bridge that does not answer', () => {
  it('says setup cannot start instead of spinning', async () => {
    const bridge = new FakeBridge();
    bridge.identity = () => Promise.reject(new Error('ipc down'));
    const wizard = new Wizard(bridge);
    render(App, { props: { wizard, i18n: new I18n('en') } });
    await wizard.start();
    await screen.findByText('Setup cannot start');
    bridge.identity = FakeBridge.prototype.identity.bind(bridge);
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => { expect(wizard.screen).toBe('welcome'); });
  });
});
