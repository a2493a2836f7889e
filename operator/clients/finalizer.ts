/**
 * Adding and removing the `kubeoidc.dev/registration` finalizer. A JSON merge patch replaces the whole list, so it
 * carries the `resourceVersion` it was computed from: if someone changed the object meanwhile the server answers 409
 * and the reconcile is retried, instead of dropping another controller's finalizer.
 */
import { MERGE_PATCH, type KubeClient } from '../kube/client.ts';
import { API_VERSION, OIDC_CLIENT, REGISTRATION_FINALIZER, type OIDCClient } from '../kube/crds.ts';
import { resourcePath } from '../kube/resources.ts';

/** Whether the client carries the finalizer. */
export function hasFinalizer(client: OIDCClient): boolean {
  return (client.metadata.finalizers ?? []).includes(REGISTRATION_FINALIZER);
}

async function setFinalizers(kube: KubeClient, client: OIDCClient, finalizers: string[]): Promise<OIDCClient> {
  const path = resourcePath({
    apiVersion: API_VERSION,
    kind: OIDC_CLIENT.kind,
    namespace: client.metadata.namespace,
    name: client.metadata.name,
  });
  return kube.request<OIDCClient>('PATCH', path, {
    contentType: MERGE_PATCH,
    body: { metadata: { finalizers, resourceVersion: client.metadata.resourceVersion } },
  });
}

/** Adds the finalizer (no-op when present); returns the object as the server now has it. */
export async function addFinalizer(kube: KubeClient, client: OIDCClient): Promise<OIDCClient> {
  if (hasFinalizer(client)) return client;
  return setFinalizers(kube, client, [...(client.metadata.finalizers ?? []), REGISTRATION_FINALIZER]);
}

/** Removes the finalizer (no-op when absent). */
export async function removeFinalizer(kube: KubeClient, client: OIDCClient): Promise<void> {
  if (!hasFinalizer(client)) return;
  await setFinalizers(
    kube,
    client,
    (client.metadata.finalizers ?? []).filter((name) => name !== REGISTRATION_FINALIZER),
  );
}
