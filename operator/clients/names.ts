/**
 * Names and label values the objects of an OIDCClient need, checked before anything is written or registered: the
 * OIDCClient's name becomes the `app.kubernetes.io/instance` label value of both Secrets (at most 63 characters,
 * alphanumeric at both ends) and part of the registration Secret's name; `spec.secret.labels` go onto the credentials
 * Secret as they are. The API server would refuse such a Secret only after the client was registered; the operator
 * refuses the spec first (`InvalidSpec`). Pure.
 */
import type { OIDCClient } from '../kube/crds.ts';

/** Longest label value (and DNS label) Kubernetes accepts. */
export const MAX_LABEL_VALUE = 63;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `value` is not a valid label value (undefined: it is). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > MAX_LABEL_VALUE) return `is ${value.length} characters long (at most ${MAX_LABEL_VALUE})`;
  if (!LABEL_VALUE.test(value)) return 'must be alphanumeric, -, _ or . and start and end alphanumeric';
  return undefined;
}

/** Why `key` is not a valid label key (`[prefix/]name`, undefined: it is). */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return 'has a prefix that is not a DNS subdomain';
  }
  if (name.length > MAX_LABEL_VALUE || !LABEL_NAME.test(name)) {
    return `has a name that is not 1-${MAX_LABEL_VALUE} alphanumeric, -, _ or . characters`;
  }
  return undefined;
}

/** Every problem of the client's name and `spec.secret.labels` (empty when fine). */
export function clientNameProblems(client: OIDCClient): string[] {
  const problems: string[] = [];
  const name = client.metadata.name ?? '';
  const asLabel = labelValueProblem(name);
  // At most 63 characters also keeps `kubeoidc-registration-<name>` well within a Secret name's 253.
  if (asLabel !== undefined) {
    problems.push(`metadata.name ${asLabel}: it is the app.kubernetes.io/instance label of the client's Secrets`);
  }
  for (const [key, value] of Object.entries(client.spec.secret?.labels ?? {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== undefined) problems.push(`secret.labels key ${JSON.stringify(key)} ${keyProblem}`);
    const valueProblem = labelValueProblem(value);
    if (valueProblem !== undefined) problems.push(`secret.labels[${JSON.stringify(key)}] ${valueProblem}`);
  }
  return problems;
}
