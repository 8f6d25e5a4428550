/**
 * How the kiosk app ends, for the appliance's service manager (deploy/ units rely on these).
 * The headless modes (--provision, --provision-interactive) end with osiris-provision's own codes.
 */
export const KIOSK_EXIT = {
  /** Provisioned (now, or already at start): config.yaml is in place, start the compliance agent. */
  handover: 0,
  /** Another kiosk instance is already running. */
  alreadyRunning: 75,
  /** The settings (flags or environment) are invalid; nothing was started. */
  badSettings: 78,
} as const;
