import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src/App.svelte';
import { I18n } from '../../src/i18n/i18n.svelte';
import type { PreflightReport } from '../../src/lib/bridge';
import { Wizard } from '../../src/lib/wizard.svelte';
import { FakeBridge } from './fake-bridge';

afterEach(() => { cleanup(); });

type Stage = PreflightReport['stages'][number];

const refused: PreflightReport & { stages: [Stage, Stage] } = {
  ok: false,
  stages: [
    { stage: 'dns' as const, status: 'pass' as const, detail: '127.0.0.1 is an address; no lookup needed', key: 'preflight.dns.address', params: { host: '127.0.0.1' }, ms: 0 },
    { stage: 'tcp' as const, status: 'fail' as const, detail: '127.0.0.1 port 9 refused the connection', key: 'preflight.tcp.refused', params: { address: '127.0.0.1', port: 9 }, hint: 'x', ms: 1 },
  ],
};

async function errorScreen(lang: 'en' | 'es', stage: Stage) {
  const wizard = new Wizard(new FakeBridge());
  await wizard.start();
  wizard.fail({ code: 'unreachable', error: 'Failed to connect to server', retry: 'validate', preflight: { ...refused, stages: [refused.stages[0], stage], failed: stage } });
  render(App, { props: { wizard, i18n: new I18n(lang) } });
}

describe("the engine's network details, in the technician's language", () => {
  it('renders a stage detail from its message key and parameters', async () => {
    await errorScreen('es', refused.stages[1]);
    const detail = await screen.findByText('127.0.0.1 puerto 9 rechazó la conexión');
    expect(detail.getAttribute('lang')).toBeNull();
  });

  it("falls back to the engine's English words, marked as English, for a key the catalogue does not know", async () => {
    await errorScreen('es', { ...refused.stages[1], key: 'preflight.tcp.something-new', detail: 'a new kind of failure' });
    expect((await screen.findByText('a new kind of failure')).getAttribute('lang')).toBe('en');
  });
});
