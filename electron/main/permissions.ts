import type { Session } from 'electron';
import { APP_ORIGIN, originOf } from './app-protocol.js';

interface MediaDetails {
  readonly mediaTypes?: readonly string[];
  readonly mediaType?: string;
  readonly requestingUrl?: string;
  readonly securityOrigin?: string;
}

/** Camera only, for the app's own origin only. Microphone, screen capture, notifications, geolocation… never. */
export function allowRequest(permission: string, requestingUrl: string | undefined, details: MediaDetails): boolean {
  if (permission !== 'media' || originOf(requestingUrl) !== APP_ORIGIN) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
}

export function allowCheck(permission: string, requestingOrigin: string | undefined, details: MediaDetails): boolean {
  if (permission !== 'media' || originOf(requestingOrigin) !== APP_ORIGIN) return false;
  return details.mediaType === 'video';
}

/** SECURITY.md item 5. */
export function lockPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const media = details as MediaDetails;
    callback(allowRequest(permission, details.requestingUrl, media));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => allowCheck(permission, requestingOrigin, details));
  session.setDevicePermissionHandler(() => false);
}
