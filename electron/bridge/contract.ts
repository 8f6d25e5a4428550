/**
 * The bridge contract: the only door between the kiosk UI and the engine. Electron's preload
 * exposes exactly these methods under `window.osiris`, main registers exactly these channels and
 * validates every payload with these schemas, and the browser test harness implements the same
 * methods over the same agent-core service. The renderer imports types from here, nothing else.
 */
import { z } from 'zod';
import type { ValidatedCode } from '../../agent-core/src/protocol/api.js';
import type { FlowResult, ProgressEvent } from '../../agent-core/src/flow/events.js';
import type { PreflightReport } from '../../agent-core/src/http/preflight.js';
import type { QrProvisioning } from '../../agent-core/src/codes/qr-payload.js';
import type { Result } from '../../agent-core/src/result.js';
import type { ApplianceState, DropshipStatus, IdentityInfo, PartnerLogo, ValidateOutcome } from '../../agent-core/src/service.js';

import type { BridgeMethod } from './channels.js';

export { BRIDGE_CHANNELS, BRIDGE_METHOD_NAMES, BRIDGE_NAME, PROGRESS_CHANNEL, type BridgeMethod } from './channels.js';

const MAX_TEXT = 4096;
const CodeRequestSchema = z.object({
  code: z.string().max(64),
  endpoint: z.string().max(2048).optional(),
}).strict();
const ProvisionRequestSchema = z.object({
  /** Omitted only to resume a journalled claim. */
  code: z.string().max(64).optional(),
  endpoint: z.string().max(2048).optional(),
  /** The technician chose to drop an unfinished claim and use this code instead. */
  discardClaim: z.boolean().optional(),
}).strict();

/** Each method's arguments, as a tuple schema; the channel names live in channels.ts. */
export const BRIDGE_ARGS = {
  identity: z.tuple([]),
  preflight: z.tuple([]),
  state: z.tuple([]),
  parseQr: z.tuple([z.string().max(MAX_TEXT)]),
  validate: z.tuple([CodeRequestSchema]),
  provision: z.tuple([ProvisionRequestSchema]),
  dropship: z.tuple([]),
  partnerLogo: z.tuple([]),
  finish: z.tuple([]),
} as const satisfies Record<BridgeMethod, z.ZodType>;

export type CodeRequest = z.infer<typeof CodeRequestSchema>;
export type ProvisionRequest = z.infer<typeof ProvisionRequestSchema>;

/** While a flow runs, `state` reports it with its events so far, so a reloaded wizard re-attaches instead of offering a second run. */
export type RunningState = Extract<ApplianceState, { state: 'running' }>;
export type BridgeApplianceState = ApplianceState;

/** `finish` refuses (ok: false) without a usable config and the finished marker, instead of exiting to an agent that cannot start. */
export type FinishOutcome = { readonly ok: true } | { readonly ok: false; readonly error?: string };

export interface OsirisBridge {
  identity(): Promise<IdentityInfo>;
  preflight(): Promise<PreflightReport>;
  state(): Promise<BridgeApplianceState>;
  /** agent-core's QR rule, so the UI and the engine never disagree about what a code is. */
  parseQr(text: string): Promise<Result<QrProvisioning>>;
  validate(request: CodeRequest): Promise<ValidateOutcome>;
  provision(request: ProvisionRequest): Promise<FlowResult>;
  /** Drop-ship in the background: the MAC to give the partner, and how the wait is going. */
  dropship(): Promise<DropshipStatus>;
  /** The provisioning partner's logo, fetched and checked by the engine (the page loads nothing itself); null: show the initial. */
  partnerLogo(): Promise<PartnerLogo | null>;
  /**
   * Hands over to the compliance agent (the kiosk exits so the service manager starts it) — only
   * once a usable config and the finished marker are there; otherwise says why and stays.
   */
  finish(): Promise<FinishOutcome>;
  /** Subscribes to flow progress; returns the unsubscribe function. Listeners get the event only. */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
}

export type { ApplianceState, DropshipStatus, FlowResult, IdentityInfo, PartnerLogo, PreflightReport, ProgressEvent, QrProvisioning, Result, ValidatedCode, ValidateOutcome };
