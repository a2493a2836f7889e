/** The rotation policy an OIDCProvider spec asks for, and the key retention rule. Pure. */
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider } from '../../kube/crds.ts';
import { parseDuration } from './duration.ts';
import type { RotationPolicy } from './rotation.ts';

const DEFAULT_PERIOD_MS = 720 * 3_600_000;
const DEFAULT_DELAY_MS = 3_600_000;

/**
 * Default of `spec.signing.retention.podPropagationMargin`: how long after the key Secret changes a provider pod may
 * still sign with the key it replaced. The kubelet refreshes a mounted Secret within its sync period plus its cache
 * TTL (about a minute each by default), then the provider reloads the file. Five minutes covers both with room.
 */
export const POD_PROPAGATION_MARGIN_MS = 5 * 60_000;
/** Default of `spec.signing.retention.clockSkewMargin`: skew between the operator, the replicas and relying parties. */
export const CLOCK_SKEW_MARGIN_MS = 5 * 60_000;
/** Largest margin the spec may ask for (a typo such as `500h` should not keep a key for weeks). */
export const MAX_RETENTION_MARGIN_MS = 24 * 3_600_000;

/** The two margins of the retention rule, in milliseconds. */
export interface RetentionMargins {
  readonly podPropagationMs: number;
  readonly clockSkewMs: number;
}

/** The margins used when the spec names none (and before they were configurable). */
export const DEFAULT_RETENTION_MARGINS: RetentionMargins = {
  podPropagationMs: POD_PROPAGATION_MARGIN_MS,
  clockSkewMs: CLOCK_SKEW_MARGIN_MS,
};

/** The token lifetimes (seconds) that bound how long a signature stays in use. */
export interface RetentionInputs {
  readonly idToken: number;
  readonly accessToken: number;
  readonly clientCredentials: number;
  readonly session: number;
}

/**
 * The retention rule: a key that stopped signing at `t` leaves the JWKS no earlier than
 * `t + max(idToken, accessToken, clientCredentials, session) + podPropagationMargin + clockSkewMargin`, where each
 * lifetime is the longest in force at any time while the key signed (the rotation state records it per signing key,
 * `rotation.ts`); this function gives the retention for the lifetimes passed in.
 *
 * - ID tokens, JWT access tokens and client_credentials tokens are signed; refresh tokens and codes are opaque.
 * - `session` because an ID token is accepted as `id_token_hint` (authorization and logout) after it expired: it
 *   identifies a session, and the session it was issued in ends at most `session` after the token was signed.
 * - The pod margin: replicas sign with the old key until the new Secret reaches them, so the last token it signs
 *   is later than `t`. The skew margin: verifiers whose clocks run behind still accept tokens a little longer.
 */
export function retentionMs(ttl: RetentionInputs, margins: RetentionMargins = DEFAULT_RETENTION_MARGINS): number {
  return longestLifetimeMs(ttl) + margins.podPropagationMs + margins.clockSkewMs;
}

/** `max(idToken, accessToken, clientCredentials, session)` in milliseconds: the lifetime part of the rule. */
export function longestLifetimeMs(ttl: RetentionInputs): number {
  return Math.max(ttl.idToken, ttl.accessToken, ttl.clientCredentials, ttl.session) * 1000;
}

/**
 * The margins `provider` asks for. An unparseable margin, or one above {@link MAX_RETENTION_MARGIN_MS}, falls back to
 * its default here; spec validation (`spec-problems.ts`) reports it and nothing is reconciled meanwhile.
 */
export function retentionMargins(provider: OIDCProvider): RetentionMargins {
  const retention = provider.spec.signing?.retention;
  const d = OIDC_PROVIDER_DEFAULTS.keyRetention;
  const margin = (text: string, fallback: number): number => {
    const ms = parseDuration(text);
    return ms === undefined || ms > MAX_RETENTION_MARGIN_MS ? fallback : ms;
  };
  return {
    podPropagationMs: margin(retention?.podPropagationMargin ?? d.podPropagationMargin, POD_PROPAGATION_MARGIN_MS),
    clockSkewMs: margin(retention?.clockSkewMargin ?? d.clockSkewMargin, CLOCK_SKEW_MARGIN_MS),
  };
}

/**
 * The policy of `provider`. Unparseable durations fall back to the defaults; spec validation reports them. The
 * retention computed here applies to keys that signed only under the current lifetimes and stop signing now; a key
 * that signed while longer ones were in force is kept longer (`longestLifetimeMs` is the rule's lifetime part).
 */
export function rotationPolicy(provider: OIDCProvider): RotationPolicy {
  const { signing, ttl } = provider.spec;
  const d = OIDC_PROVIDER_DEFAULTS;
  const period = parseDuration(signing?.rotationPeriod ?? d.rotationPeriod) ?? DEFAULT_PERIOD_MS;
  const delay = parseDuration(signing?.propagationDelay ?? d.propagationDelay) ?? DEFAULT_DELAY_MS;
  const lifetimes: RetentionInputs = {
    idToken: ttl?.idToken ?? d.ttl.idToken,
    accessToken: ttl?.accessToken ?? d.ttl.accessToken,
    clientCredentials: ttl?.clientCredentials ?? d.ttl.clientCredentials,
    session: ttl?.session ?? d.ttl.session,
  };
  return {
    algorithms: [...(signing?.algorithms ?? d.signingAlgorithms)],
    rotationPeriodMs: period,
    propagationDelayMs: delay,
    retireAfterMs: retentionMs(lifetimes, retentionMargins(provider)),
    longestLifetimeMs: longestLifetimeMs(lifetimes),
  };
}
