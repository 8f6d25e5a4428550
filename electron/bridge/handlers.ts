import type { ProgressEvent } from '../../agent-core/src/flow/events.js';
import type { ProvisioningService } from '../../agent-core/src/service.js';
import { BRIDGE_ARGS, type BridgeMethod } from './contract.js';

export interface HandlerContext {
  readonly service: ProvisioningService;
  /** Delivers a progress event to the UI (IPC send in Electron, a page call in tests). */
  readonly emitProgress: (event: ProgressEvent) => void;
  /** What "finish" does: in Electron, quit with the hand-over exit code. */
  readonly finish: () => void;
}

/** Thrown for a payload that does not match the contract; the UI never sends one unless something is wrong. */
export class BridgePayloadError extends Error {
  constructor(method: string) {
    super(`Rejected ${method}: payload does not match the bridge contract`);
    this.name = 'BridgePayloadError';
  }
}

/**
 * The implementation of each bridge method over the agent-core service, with the payload parsed by
 * the contract's schema first. Electron's IPC handlers and the browser test harness both call this,
 * so what the wizard gets in tests is what it gets on an appliance.
 */
export async function handleBridgeCall(context: HandlerContext, method: BridgeMethod, payload: unknown): Promise<unknown> {
  const parsed = BRIDGE_ARGS[method].safeParse(payload);
  if (!parsed.success) throw new BridgePayloadError(method);
  const { service } = context;
  const args = parsed.data as unknown[];
  switch (method) {
    case 'identity':
      return service.identity();
    case 'preflight':
      return service.preflight();
    case 'state':
      return service.state();
    case 'parseQr':
      return service.parseQr(args[0] as string);
    case 'validate': {
      const request = args[0] as { code: string; endpoint?: string };
      return service.validate(request.code, request.endpoint);
    }
    case 'provision': {
      const request = args[0] as { code?: string; endpoint?: string };
      return service.provision(request.code, request.endpoint, context.emitProgress);
    }
    case 'finish':
      context.finish();
      return undefined;
  }
}
