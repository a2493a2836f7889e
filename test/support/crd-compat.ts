/**
 * Makes kubeoidc's CRDs acceptable to older API servers, such as the v1.20 kube-apiserver the tests run.
 *
 * The files in `crds/` stay complete. `x-kubernetes-validations` (CEL, Kubernetes 1.25+) is unknown to a 1.20 server:
 * the server itself would drop it silently, but kubectl's client-side validation (which kubectl falls back to when the
 * server has no strict field validation) rejects the whole CRD with `unknown field "x-kubernetes-validations"`. So
 * whoever installs the CRDs into an old server strips the rules first; the operator enforces them itself.
 */

/** Schema keys that API servers older than 1.25 do not know. */
export const UNSUPPORTED_SCHEMA_KEYS: readonly string[] = ['x-kubernetes-validations'];

/** Returns a deep copy of `crd` without {@link UNSUPPORTED_SCHEMA_KEYS}, at any depth. Pure. */
export function stripUnsupported<T>(crd: T): T {
  return strip(crd) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (!UNSUPPORTED_SCHEMA_KEYS.includes(key)) copy[key] = strip(child);
  }
  return copy;
}
