import type { FaultRoute } from '../../../src/fault-routes.js';
import type { Faults } from '../../../src/faults.js';

export type FaultSetting = NonNullable<Faults[FaultRoute]>;

/** One-tap faults for showing the kiosk's error screens in a demo. */
export const FAULT_PRESETS: readonly { readonly label: string; readonly route: FaultRoute; readonly fault: FaultSetting; readonly shows: string }[] = [
  { label: 'Claims fail (503)', route: 'claim', fault: { error_rate: 1, error_status: 503 }, shows: 'the kiosk’s server-error screen after Confirm' },
  { label: 'Code checks are slow (8 s)', route: 'validate', fault: { latency_ms: 8_000 }, shows: 'the honest wait: time waited, then “Still trying…”' },
  { label: 'Connection drops on code check', route: 'validate', fault: { drop_rate: 1 }, shows: '“Failed to connect to server” with the network check' },
  { label: 'Claim answer lost', route: 'claim', fault: { lose_answer_rate: 1 }, shows: 'a claim the server made but the kiosk never heard of' },
  { label: 'Garbled claim answer', route: 'claim', fault: { malformed_rate: 1 }, shows: 'an unreadable answer from the server' },
];

const PERCENT = 100;

/** `error 503 on 100 % · 8000 ms late`: a fault in words. */
export function describeFault(fault: FaultSetting): string {
  const parts: string[] = [];
  if (fault.latency_ms !== undefined && fault.latency_ms > 0) parts.push(`${fault.latency_ms} ms late`);
  if (fault.error_rate !== undefined && fault.error_rate > 0) parts.push(`error ${fault.error_status ?? 500} on ${Math.round(fault.error_rate * PERCENT)} %`);
  if (fault.drop_rate !== undefined && fault.drop_rate > 0) parts.push(`connection dropped on ${Math.round(fault.drop_rate * PERCENT)} %`);
  if (fault.malformed_rate !== undefined && fault.malformed_rate > 0) parts.push(`garbled answer on ${Math.round(fault.malformed_rate * PERCENT)} %`);
  if (fault.lose_answer_rate !== undefined && fault.lose_answer_rate > 0) parts.push(`answer lost on ${Math.round(fault.lose_answer_rate * PERCENT)} %`);
  return parts.length === 0 ? 'no effect' : parts.join(' · ');
}
