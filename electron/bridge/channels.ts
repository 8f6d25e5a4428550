/**
 * Bridge names without schemas: what the sandboxed preload needs (it cannot load zod) and what main
 * registers. contract.ts pairs each method with its argument schema.
 */
export const BRIDGE_NAME = 'osiris';

export const BRIDGE_CHANNELS = {
  identity: 'osiris:identity',
  preflight: 'osiris:preflight',
  state: 'osiris:state',
  parseQr: 'osiris:parse-qr',
  validate: 'osiris:validate',
  provision: 'osiris:provision',
  dropship: 'osiris:dropship',
  partnerLogo: 'osiris:partner-logo',
  finish: 'osiris:finish',
} as const;
export type BridgeMethod = keyof typeof BRIDGE_CHANNELS;
export const BRIDGE_METHOD_NAMES = Object.keys(BRIDGE_CHANNELS) as BridgeMethod[];

/** Main → renderer: one event per flow step, sent to the one window. */
export const PROGRESS_CHANNEL = 'osiris:progress';
