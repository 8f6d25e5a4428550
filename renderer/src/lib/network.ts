import type { MessageKey } from '../i18n/catalogue';
import type { PreflightReport } from './bridge';

export interface NetworkSummary {
  readonly tone: 'ok' | 'warn' | 'bad' | 'unknown';
  readonly title: MessageKey;
  readonly advice?: MessageKey;
}

const STAGES = ['dns', 'tcp', 'tls', 'http', 'clock'] as const;
type Stage = (typeof STAGES)[number];
const isStage = (stage: string): stage is Stage => (STAGES as readonly string[]).includes(stage);

/** The preflight report as one line a technician can act on, in the wizard's words (catalogue keys) by stage. */
export function summarizeNetwork(report: PreflightReport | null, checking: boolean): NetworkSummary {
  if (report === null) return { tone: 'unknown', title: checking ? 'network.checking' : 'network.notChecked' };
  const failed = report.failed ?? report.stages.find((s) => s.status === 'warn');
  if (failed !== undefined && isStage(failed.stage)) {
    return { tone: failed.status === 'fail' ? 'bad' : 'warn', title: `network.problem.${failed.stage}`, advice: `network.advice.${failed.stage}` };
  }
  return { tone: report.ok ? 'ok' : 'bad', title: report.ok ? 'network.ok' : 'network.problem.http' };
}
