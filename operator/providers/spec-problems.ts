/**
 * What the API server may have let through: the CRD's CEL rules (`x-kubernetes-validations`, ignored before
 * Kubernetes 1.25) and whatever the provider's own configuration validation refuses. Violations are reported in
 * status (Degraded, reason InvalidSpec) and nothing is applied. Pure.
 */
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider } from '../kube/crds.ts';
import { parseDuration } from './keys/duration.ts';
import { renderProviderConfig } from './render/provider-config.ts';

/** Every problem of `provider`'s spec, as messages naming the field; empty when it is fine. */
export function specProblems(provider: OIDCProvider): string[] {
  const { spec } = provider;
  const problems: string[] = [];
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
  if (problems.length === 0) {
    try {
      renderProviderConfig(provider);
    } catch (error) {
      problems.push(`the provider would refuse its configuration: ${(error as Error).message}`);
    }
  }
  return problems;
}
