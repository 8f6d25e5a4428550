/**
 * The bridge contract: the only door between the kiosk UI and the engine. Electron's preload
 * exposes exactly these methods under `window.osiris`, main registers exactly these channels and
 * validates every payload with these schemas, and the browser test harness implements the same
 * methods over the same agent-core service. The renderer imports types from here, nothing else.
 */
import { z } from 'zod';
import type { ValidatedCode } from '../../agent-core/src/api.js';
import type { FlowResult, ProgressEvent } from '../../agent-core/src/flow/events.js';
import type { PreflightReport } from '../../agent-core/src/preflight.js';
import type { QrProvisioning } from '../../agent-core/src/qr-payload.js';
import type { Result } from '../../agent-core/src/result.js';
import type { ApplianceState, IdentityInfo, ValidateOutcome } from '../../agent-core/src/service.js';

export const BRIDGE_NAME = 'osiris';

const MAX_TEXT = 4096;
const CodeRequestSchema = z.object({
  code: z.string().max(64),
  endpoint: z.string().max(2048).optional(),
}).strict();
const ProvisionRequestSchema = z.object({
  /** Omitted only to resume a journalled claim. */
  code: z.string().max(64).optional(),
  endpoint: z.string().max(2048).optional(),
}).strict();

/** Method → IPC channel and argument schema. Adding a method is one edit here. */
export const BRIDGE_METHODS = {
  identity: { channel: 'osiris:identity', args: z.tuple([]) },
  preflight: { channel: 'osiris:preflight', args: z.tuple([]) },
  state: { channel: 'osiris:state', args: z.tuple([]) },
  parseQr: { channel: 'osiris:parse-qr', args: z.tuple([z.string().max(MAX_TEXT)]) },
  validate: { channel: 'osiris:validate', args: z.tuple([CodeRequestSchema]) },
  provision: { channel: 'osiris:provision', args: z.tuple([ProvisionRequestSchema]) },
  finish: { channel: 'osiris:finish', args: z.tuple([]) },
} as const;
export type BridgeMethod = keyof typeof BRIDGE_METHODS;
export const BRIDGE_METHOD_NAMES = Object.keys(BRIDGE_METHODS) as BridgeMethod[];

/** Main → renderer: one event per flow step, sent to the one window. */
export const PROGRESS_CHANNEL = 'osiris:progress';

export type CodeRequest = z.infer<typeof CodeRequestSchema>;
export type ProvisionRequest = z.infer<typeof ProvisionRequestSchema>;

export interface OsirisBridge {
  identity(): Promise<IdentityInfo>;
  preflight(): Promise<PreflightReport>;
  state(): Promise<ApplianceState>;
  /** agent-core's QR rule, so the UI and the engine never disagree about what a code is. */
  parseQr(text: string): Promise<Result<QrProvisioning>>;
  validate(request: CodeRequest): Promise<ValidateOutcome>;
  provision(request: ProvisionRequest): Promise<FlowResult>;
  /** Hands over to the compliance agent: the kiosk exits so the service manager starts it. */
  finish(): Promise<void>;
  /** Subscribes to flow progress; returns the unsubscribe function. Listeners get the event only. */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
}

export type { ApplianceState, FlowResult, IdentityInfo, PreflightReport, ProgressEvent, QrProvisioning, Result, ValidatedCode, ValidateOutcome };
