import { describe, expect, it } from 'vitest';
import { BRAND_DEFAULT, contrastRatio, PAGE_BACKGROUND, partnerTheme, safeColor, textOn } from '../../src/lib/colors';
import { displayName, initialOf, isolated, NAME_DISPLAY_MAX } from '../../src/lib/names';
import { summarizeNetwork } from '../../src/lib/network';
import { answerWithin } from '../../src/lib/watchdog';
import { BRAND_PALETTE, hexToRgb, wcagContrast } from '../palette';

describe('partner colours', () => {
  it('passes exact #RRGGBB colours and replaces anything else', () => {
    expect(safeColor('#0F766E')).toBe('#0F766E');
    for (const bad of [undefined, null, 'red', '#fff', '#12345G', '#123456;x:y', 'url(x)']) expect(safeColor(bad)).toBe(BRAND_DEFAULT);
  });

  it('computes WCAG contrast as published (black on white 21:1, #767676 on white 4.54:1)', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrastRatio('#767676', '#FFFFFF')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#FFFFFF', '#767676')).toBeCloseTo(4.54, 2);
  });

  it.each(BRAND_PALETTE)('$name ($color): text on it reaches 4.5:1, and the fill or its outline 3:1 against the page', ({ color }) => {
    const theme = partnerTheme(color);
    expect(wcagContrast(hexToRgb(theme.text), hexToRgb(color))).toBeGreaterThanOrEqual(4.5);
    const edge = theme.outline === 'transparent' ? color : theme.outline;
    expect(wcagContrast(hexToRgb(edge), hexToRgb(PAGE_BACKGROUND))).toBeGreaterThanOrEqual(3);
  });

  it('no longer puts white on the colours the luminance switch got wrong', () => {
    for (const color of ['#10B981', '#06B6D4', '#14B8A6', '#F97316', '#EF4444']) expect(textOn(color)).not.toBe('#FFFFFF');
    expect(textOn('#1E3A8A')).toBe('#FFFFFF');
  });

  it('outlines a near-black partner colour on the dark page, and not a bright one', () => {
    expect(partnerTheme('#0A0A0A').outline).not.toBe('transparent');
    expect(partnerTheme('#FFDA1A').outline).toBe('transparent');
  });
});

describe('partner and clinic names', () => {
  it('strips bidirectional controls, so a name cannot reverse what follows it', () => {
    expect(displayName('Evil\u202E IT')).toBe('Evil IT');
    expect(displayName('\u2067a\u2069b\u200Fc\u061C')).toBe('abc');
  });

  it('replaces other controls and collapses spaces', () => {
    expect(displayName('  Clinic\u0007\nABC  ')).toBe('Clinic ABC');
  });

  it('cuts a long name by grapheme, never inside an emoji', () => {
    const name = `${'A'.repeat(NAME_DISPLAY_MAX - 2)}👩🏽‍⚕️👩🏽‍⚕️👩🏽‍⚕️`;
    const shown = displayName(name);
    expect([...new Intl.Segmenter().segment(shown)]).toHaveLength(NAME_DISPLAY_MAX);
    expect(shown.endsWith('👩🏽‍⚕️…')).toBe(true);
    expect(displayName('Short')).toBe('Short');
  });

  it('takes the initial by grapheme: a whole emoji, an accented letter upper-cased', () => {
    expect(initialOf('👩🏽‍⚕️ Health IT')).toBe('👩🏽‍⚕️');
    expect(initialOf('e\u0301cole IT')).toBe('E\u0301');
    expect(initialOf('\u202E')).toBe('?');
    expect(initialOf(undefined)).toBe('?');
  });

  it('isolates a name inside plain text', () => {
    expect(isolated('שלום')).toBe('\u2068שלום\u2069');
  });
});

describe('network summary', () => {
  it('names the failing stage, then a clock warning, then OK (as catalogue keys)', () => {
    expect(summarizeNetwork(null, true)).toEqual({ tone: 'unknown', title: 'network.checking' });
    expect(summarizeNetwork({ ok: false, stages: [], failed: { stage: 'tls', status: 'fail', detail: 'x', hint: 'Use --ca-file.', ms: 1 } }, false)).toEqual({ tone: 'bad', title: 'network.problem.tls', advice: 'network.advice.tls' });
    expect(summarizeNetwork({ ok: true, stages: [{ stage: 'clock', status: 'warn', detail: 'off', ms: 0 }] }, false)).toMatchObject({ tone: 'warn', title: 'network.problem.clock' });
    expect(summarizeNetwork({ ok: true, stages: [] }, false)).toEqual({ tone: 'ok', title: 'network.ok' });
  });
});

describe('engine call watchdog', () => {
  it('gives the answer, a timeout for a call that never answers, or the error of one that throws', async () => {
    await expect(answerWithin(() => Promise.resolve(7), 1_000)).resolves.toEqual({ kind: 'answer', value: 7 });
    await expect(answerWithin(() => new Promise(() => undefined), 1)).resolves.toEqual({ kind: 'timeout' });
    const error = new Error('ipc down');
    await expect(answerWithin(() => Promise.reject(error), 1_000)).resolves.toEqual({ kind: 'error', error });
    await expect(answerWithin(() => { throw error; }, 1_000)).resolves.toEqual({ kind: 'error', error });
  });
});
