/**
 * Which existing objects the reconciler may write: only those this OIDCProvider controls (a controller owner
 * reference with its uid), the rule of controller-runtime's `SetControllerReference`. Server-side apply with force
 * would otherwise take over a user's object of the same name (a Service called like the provider), and the owner
 * reference it adds would later let the garbage collector delete it. Such objects are refused, never adopted.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { API_VERSION, OIDC_PROVIDER, type OIDCProvider } from '../kube/crds.ts';

/** Whether `object` has a controller owner reference to `provider` (same uid). */
export function controlledBy(object: KubernetesObject, provider: OIDCProvider): boolean {
  return (object.metadata?.ownerReferences ?? []).some(
    (owner) =>
      owner.controller === true &&
      owner.kind === OIDC_PROVIDER.kind &&
      owner.apiVersion.split('/')[0] === API_VERSION.split('/')[0] &&
      owner.uid === provider.metadata.uid,
  );
}

/** Why `live` (the server's copy of an object the provider would write) must not be written; undefined when it may. */
export function ownershipProblem(live: KubernetesObject | undefined, provider: OIDCProvider): string | undefined {
  if (live === undefined || controlledBy(live, provider)) return undefined;
  const id = `${live.kind ?? ''} ${live.metadata?.name ?? ''}`;
  const controller = live.metadata?.ownerReferences?.find((owner) => owner.controller === true);
  return controller === undefined
    ? `${id} exists and is not controlled by this OIDCProvider`
    : `${id} is controlled by ${controller.kind} ${controller.name}`;
}
