import { sendHeartbeat, validateProvisionCode, type ApiOptions } from '../protocol/api.js';
import type { ApplianceIdentity } from '../identity/index.js';
import type { Failure } from '../result.js';
import { printable } from '../text.js';

interface ExplainContext extends ApiOptions {
  readonly code: string;
  readonly identity: ApplianceIdentity;
}

/** Longest generated appliance_id the backend's column holds; a longer one makes today's claim fail with a 500. */
const APPLIANCE_ID_MAX = 50;
/** site_id = client name cut to 40 characters + '-' + 12 hex; appliance_id = site_id + '-' + 17-character MAC. */
const SITE_SUFFIX = 13;
const MAC_SUFFIX = 18;
const SITE_BASE_MAX = 40;

/**
 * "Already claimed" means two different things: another appliance used the code, or this very
 * appliance claimed it and lost the answer (power cut before it was saved). Central Command knows
 * which MAC claimed, and the heartbeat (with the code) says so.
 */
export async function explainClaimed(failure: Failure, ctx: ExplainContext): Promise<Failure> {
  const site = await siteOfThisMac(ctx);
  if (site !== undefined) {
    return {
      ...failure,
      hint: `This appliance itself already claimed this code for site ${site}, but its answer was lost before it was saved. Ask the partner to issue a new code for this appliance.`,
    };
  }
  return { ...failure, hint: 'Another appliance already used this code. Ask the partner for a new code.' };
}

/**
 * A claim that may have reached the server but whose answer never came back (timeout, dropped
 * connection): ask whether the code is still unused, and if not, whether this MAC now holds a site,
 * and tell the technician exactly which happened.
 */
export async function explainLostAnswer(failure: Failure, ctx: ExplainContext): Promise<Failure> {
  const validated = await validateProvisionCode(ctx.code, ctx);
  if (validated.ok) {
    return { ...failure, hint: `The claim did not reach Central Command: the code is still unused. ${failure.hint ?? 'Check the network and try again.'}` };
  }
  if (validated.code === 'claimed') {
    const site = await siteOfThisMac(ctx);
    if (site !== undefined) {
      return {
        ...failure,
        retryable: false,
        error: `The claim reached Central Command (site ${site}) but its answer was lost on the way`,
        hint: `The code is now used. Ask the partner for a new code for this appliance, quoting site ${site}.`,
      };
    }
    return { ...failure, retryable: false, hint: 'The code has been used, but not by this appliance. Ask the partner for a new code.' };
  }
  return { ...failure, hint: `Could not tell whether the claim reached Central Command. Try again: if the code was used, the appliance will say so. ${failure.hint ?? ''}`.trim() };
}

/**
 * A 5xx on claim: today's backend leaves the code pending in that case, and validate says so. One
 * known cause is worth naming: a clinic name long enough to overflow the appliance_id column.
 */
export async function explainServerError(failure: Failure, ctx: ExplainContext): Promise<Failure> {
  const validated = await validateProvisionCode(ctx.code, ctx);
  if (!validated.ok) return failure;
  const name = validated.data.client_name ?? '';
  const tooLong = Math.min(name.length, SITE_BASE_MAX) + SITE_SUFFIX + MAC_SUFFIX > APPLIANCE_ID_MAX;
  const cause = tooLong
    ? ` Central Command cannot yet register clinics with names as long as "${printable(name)}": ask the partner to shorten the client name, or to pre-assign a site, then try again.`
    : ' Try again in a few minutes.';
  return { ...failure, hint: `Central Command had an error and did not use the code (it is still valid).${cause}` };
}

async function siteOfThisMac(ctx: ExplainContext): Promise<string | undefined> {
  const beat = await sendHeartbeat({ mac_address: ctx.identity.mac_address, provision_code: ctx.code, hostname: ctx.identity.hostname, status: 'claim_check' }, ctx);
  return beat.ok && beat.data.status === 'known' ? printable(beat.data.site_id) : undefined;
}
