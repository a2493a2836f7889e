import { paths } from '../http/paths.ts';

/**
 * Paths (relative to the issuer) of one interaction: its pages, and the authorization endpoint's resume URL that the
 * browser returns to once the interaction is resolved. The binding cookies are scoped to exactly these paths, so
 * several sign-ins in several tabs do not overwrite each other.
 */
export function interactionPath(uid: string): string {
  return `${paths.interaction}/${encodeURIComponent(uid)}`;
}

export function resumePath(uid: string): string {
  return `${paths.authorization}/resume/${encodeURIComponent(uid)}`;
}
