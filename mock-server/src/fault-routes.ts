/** The routes faults can be set on (no zod here: the dashboard page bundles this list). */
export const FAULT_ROUTES = ['claim', 'validate', 'status', 'heartbeat', 'config', 'rekey', 'dropship', 'health'] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];
