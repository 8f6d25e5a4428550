import type { PreflightReport } from './bridge';

export interface NetworkSummary {
  readonly tone: 'ok' | 'warn' | 'bad' | 'unknown';
  readonly title: string;
  readonly advice?: string;
}

const STAGE_TITLES: Record<string, string> = {
  dns: 'Cannot look up the OsirisCare server (DNS)',
  tcp: 'Cannot reach the OsirisCare server',
  tls: 'Secure connection is being blocked',
  http: 'OsirisCare server is not answering',
  clock: 'The appliance clock is wrong',
};

/** The preflight report in one line a technician can act on. */
export function summarizeNetwork(report: PreflightReport | null, checking: boolean): NetworkSummary {
  if (report === null) return { tone: 'unknown', title: checking ? 'Checking the network…' : 'Network not checked yet' };
  const failed = report.failed;
  if (failed !== undefined) {
    return { tone: 'bad', title: STAGE_TITLES[failed.stage] ?? failed.detail, ...(failed.hint === undefined ? {} : { advice: failed.hint }) };
  }
  const warning = report.stages.find((s) => s.status === 'warn');
  if (warning !== undefined) {
    return { tone: 'warn', title: STAGE_TITLES[warning.stage] ?? warning.detail, ...(warning.hint === undefined ? {} : { advice: warning.hint }) };
  }
  return { tone: 'ok', title: 'Connected to OsirisCare' };
}
