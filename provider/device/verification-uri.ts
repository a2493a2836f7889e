import { endpointUrl, paths } from '../http/paths.ts';

/** The user-code page's URL (RFC 8628 §3.2 `verification_uri`), short enough to type from a TV screen. */
export function verificationUri(issuer: string): string {
  return endpointUrl(issuer, paths.deviceVerification);
}

/** Where the browser returns after a device interaction (login, consent). */
export function deviceResumePath(uid: string): string {
  return `${paths.deviceVerification}/resume/${encodeURIComponent(uid)}`;
}
