import type { Context, Next } from 'koa';
import { z } from 'zod';
import { FAULT_ROUTES, type FaultRoute } from './fault-routes.js';

/** Misbehaviour on demand, per route, for tests and demos of what the appliance does when the backend fails. */
export const FaultSchema = z.object({
  latency_ms: z.number().int().min(0).max(120_000).optional(),
  /** Probability (0–1) of answering `error_status` instead of handling the request. */
  error_rate: z.number().min(0).max(1).optional(),
  error_status: z.number().int().min(400).max(599).default(500),
  /** Probability of destroying the connection without an answer. */
  drop_rate: z.number().min(0).max(1).optional(),
  /** Probability of answering 200 with a truncated, unparsable JSON body. */
  malformed_rate: z.number().min(0).max(1).optional(),
  /** Probability of handling the request (a claim is consumed) and then dropping the connection: the answer is lost. */
  lose_answer_rate: z.number().min(0).max(1).optional(),
});
export type Fault = z.infer<typeof FaultSchema>;

export { FAULT_ROUTES, type FaultRoute };

export const FaultsSchema = z.partialRecord(z.enum(FAULT_ROUTES), FaultSchema);
/** What callers pass (defaults not yet applied); the table keeps the parsed form. */
export type Faults = z.input<typeof FaultsSchema>;
type ParsedFaults = z.infer<typeof FaultsSchema>;

/** The live fault table; the admin API and tests change it while the server runs. */
export class FaultTable {
  #faults: ParsedFaults = {};
  readonly #random: () => number;

  constructor(initial: Faults = {}, random: () => number = Math.random) {
    this.#faults = FaultsSchema.parse(initial);
    this.#random = random;
  }

  set(faults: Faults): void {
    this.#faults = FaultsSchema.parse(faults);
  }

  get(): ParsedFaults {
    return this.#faults;
  }

  middleware(route: FaultRoute) {
    return async (ctx: Context, next: Next): Promise<void> => {
      const fault = this.#faults[route];
      if (fault === undefined) {
        await next();
        return;
      }
      if (fault.latency_ms !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.latency_ms));
      if (this.#hit(fault.drop_rate)) {
        ctx.respond = false;
        ctx.req.socket.destroy();
        return;
      }
      if (this.#hit(fault.error_rate)) {
        ctx.status = fault.error_status;
        ctx.body = { detail: 'Injected fault' };
        return;
      }
      if (this.#hit(fault.malformed_rate)) {
        ctx.type = 'application/json';
        ctx.body = '{"status": "claimed", "site_id": ';
        return;
      }
      await next();
      if (this.#hit(fault.lose_answer_rate)) {
        ctx.respond = false;
        ctx.req.socket.destroy();
      }
    };
  }

  #hit(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.#random() < rate;
  }
}
