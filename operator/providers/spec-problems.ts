/**
 * What the API server may have let through: the CRD's CEL rules (`x-kubernetes-validations`, ignored before
 * Kubernetes 1.25) and whatever the provider's own configuration validation refuses. Violations are reported in
 * status (Degraded, reason InvalidSpec) and nothing is applied. Pure.
 */
import { OIDC_PROVIDER_DEFAULTS, type KeyRetentionSpec, type OIDCProvider } from '../kube/crds.ts';
import { parseDuration } from './keys/duration.ts';
import { MAX_RETENTION_MARGIN_MS } from './keys/policy.ts';
import { renderProviderConfig } from './render/provider-config.ts';

/** RFC 1035 label, as Kubernetes validates Service names. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Longest label value (the name is the `app.kubernetes.io/instance` label of every owned object and pod). */
const MAX_LABEL_VALUE = 63;

/**
 * Why the OIDCProvider's name cannot name what it owns, or undefined. The API server accepts any DNS-1123 subdomain
 * (253 characters, dots, a leading digit) as the OIDCProvider's name, but the Service named after it must be a
 * DNS-1035 label, and the name is a label value on every owned object.
 */
export function nameProblem(name: string): string | undefined {
  if (name.length > MAX_LABEL_VALUE) {
    return `metadata.name "${name}" is longer than ${MAX_LABEL_VALUE} characters (it names the Service and is a label value)`;
  }
  if (!DNS_1035_LABEL.test(name)) {
    return `metadata.name "${name}" must be a DNS-1035 label (lowercase letters, digits and "-", starting with a letter, ending with a letter or digit): it names the Service`;
  }
  return undefined;
}

/** Problems of `signing.retention`: each margin a duration from 0s to 24h (the CRD's pattern and CEL rules). */
function retentionProblems(retention: KeyRetentionSpec | undefined): string[] {
  const d = OIDC_PROVIDER_DEFAULTS.keyRetention;
  const margins = {
    podPropagationMargin: retention?.podPropagationMargin ?? d.podPropagationMargin,
    clockSkewMargin: retention?.clockSkewMargin ?? d.clockSkewMargin,
  };
  return Object.entries(margins).flatMap(([field, text]) => {
    const ms = parseDuration(text);
    if (ms === undefined) return [`signing.retention.${field} "${text}" is not a duration`];
    return ms > MAX_RETENTION_MARGIN_MS ? [`signing.retention.${field} must be at most 24h`] : [];
  });
}

/** Every problem of `provider`'s spec (and name), as messages naming the field; empty when it is fine. */
export function specProblems(provider: OIDCProvider): string[] {
  const { spec } = provider;
  const problems: string[] = [];
  const badName = nameProblem(provider.metadata.name ?? '');
  if (badName !== undefined) problems.push(badName);
  if (spec.ingress?.enabled === true && spec.ingress.host === undefined) {
    problems.push('ingress.host is required when ingress.enabled is true');
  }
  const autoscaling = spec.autoscaling;
  if (autoscaling?.enabled === true && (autoscaling.minReplicas ?? 2) > (autoscaling.maxReplicas ?? 10)) {
    problems.push('autoscaling.minReplicas must not exceed autoscaling.maxReplicas');
  }
  const redis = spec.redis;
  const sources = [redis.url, redis.secretRef, redis.sentinel, redis.cluster].filter((s) => s !== undefined);
  if (sources.length !== 1) problems.push('redis needs exactly one of url, secretRef, sentinel, cluster');
  if (redis.passwordSecretRef !== undefined && redis.sentinel === undefined && redis.cluster === undefined) {
    problems.push('passwordSecretRef applies to sentinel and cluster only; put the password in the URL otherwise');
  }
  const par = spec.features?.pushedAuthorizationRequests;
  if (par?.required === true && par.enabled !== true) {
    problems.push('pushedAuthorizationRequests.required needs pushedAuthorizationRequests.enabled');
  }
  const rotationPeriod = spec.signing?.rotationPeriod ?? OIDC_PROVIDER_DEFAULTS.rotationPeriod;
  const propagationDelay = spec.signing?.propagationDelay ?? OIDC_PROVIDER_DEFAULTS.propagationDelay;
  const period = parseDuration(rotationPeriod);
  const delay = parseDuration(propagationDelay);
  if (period === undefined) problems.push(`signing.rotationPeriod "${rotationPeriod}" is not a duration`);
  if (delay === undefined) problems.push(`signing.propagationDelay "${propagationDelay}" is not a duration`);
  if (period !== undefined && delay !== undefined && delay >= period) {
    problems.push('signing.propagationDelay must be shorter than signing.rotationPeriod');
  }
  problems.push(...retentionProblems(spec.signing?.retention));
  if (problems.length === 0) {
    try {
      renderProviderConfig(provider);
    } catch (error) {
      problems.push(`the provider would refuse its configuration: ${(error as Error).message}`);
    }
  }
  return problems;
}
