import type { z } from 'zod';
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

type Handlers = { [M in BridgeMethod]: (context: HandlerContext, args: z.infer<(typeof BRIDGE_ARGS)[M]>) => unknown };

/** Each bridge method over the agent-core service, its arguments typed from the contract's schema. */
const HANDLERS: Handlers = {
  identity: ({ service }) => service.identity(),
  preflight: ({ service }) => service.preflight(),
  state: ({ service }) => service.state(),
  parseQr: ({ service }, [text]) => service.parseQr(text),
  validate: ({ service }, [request]) => service.validate(request.code, request.endpoint),
  provision: ({ service, emitProgress }, [request]) => service.provision(request, emitProgress),
  dropship: ({ service }) => service.dropshipStatus(),
  partnerLogo: ({ service }) => service.partnerLogo(),
  finish: async ({ service, finish }) => {
    // An early or stray call must not exit to an agent that has no config: the screen would go blank until reboot.
    const ready = await service.canHandOver();
    if (!ready.ok) return { ok: false, error: ready.error };
    finish();
    return { ok: true };
  },
};

/**
 * A bridge call: the payload parsed with the contract's schema first, then the method's handler.
 * Electron's IPC handlers and the browser test harness both come through here, so what the wizard
 * gets in tests is what it gets on an appliance.
 */
export async function handleBridgeCall(context: HandlerContext, method: BridgeMethod, payload: unknown): Promise<unknown> {
  const parsed = BRIDGE_ARGS[method].safeParse(payload);
  if (!parsed.success) throw new BridgePayloadError(method);
  const handler = HANDLERS[method] as (context: HandlerContext, args: unknown) => unknown;
  return await handler(context, parsed.data);
}
