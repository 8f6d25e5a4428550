import type { OsirisBridge } from './bridge';
import { answerWithin } from './watchdog';

const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * The provisioning partner's logo as an object URL the page may show (the CSP allows `blob:` images
 * and nothing from the network), or undefined: no logo, an engine that did not answer in time, or
 * anything but one of the raster types the engine checked. The caller revokes the URL.
 */
export async function partnerLogoUrl(bridge: OsirisBridge | undefined, answerMs: number): Promise<string | undefined> {
  if (bridge === undefined) return undefined;
  const answer = await answerWithin(() => bridge.partnerLogo(), answerMs);
  if (answer.kind !== 'answer' || answer.value === null || !RASTER.has(answer.value.mime)) return undefined;
  const binary = atob(answer.value.base64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: answer.value.mime }));
}
