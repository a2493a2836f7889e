/** The rotation policy an OIDCProvider spec asks for. Pure. */
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider } from '../../kube/crds.ts';
import { parseDuration } from './duration.ts';
import type { RotationPolicy } from './rotation.ts';

const DEFAULT_PERIOD_MS = 720 * 3_600_000;
const DEFAULT_DELAY_MS = 3_600_000;

/**
 * The policy of `provider`. Old keys stay published for the longest lifetime of a token they signed: ID tokens, JWT
 * access tokens and client_credentials tokens (refresh tokens and codes are opaque, stored, never signed).
 * Unparseable durations fall back to the defaults; spec validation reports them.
 */
export function rotationPolicy(provider: OIDCProvider): RotationPolicy {
  const { signing, ttl } = provider.spec;
  const d = OIDC_PROVIDER_DEFAULTS;
  const period = parseDuration(signing?.rotationPeriod ?? d.rotationPeriod) ?? DEFAULT_PERIOD_MS;
  const delay = parseDuration(signing?.propagationDelay ?? d.propagationDelay) ?? DEFAULT_DELAY_MS;
  const longest = Math.max(
    ttl?.idToken ?? d.ttl.idToken,
    ttl?.accessToken ?? d.ttl.accessToken,
    ttl?.clientCredentials ?? d.ttl.clientCredentials,
  );
  return {
    algorithms: [...(signing?.algorithms ?? d.signingAlgorithms)],
    rotationPeriodMs: period,
    propagationDelayMs: delay,
    retireAfterMs: longest * 1000,
  };
}
