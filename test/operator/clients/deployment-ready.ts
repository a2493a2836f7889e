/**
 * Reports an OIDCProvider's Deployment as fully rolled out and ready, through the Deployment's status subresource.
 * The test control plane has no deployment controller and no kubelet (test/support/control-plane.ts), so nobody else
 * writes that status; the provider itself runs in-process on 127.0.0.1 and is up when a test calls this, so the
 * status says what is true. The operator's provider reconciler then reports the OIDCProvider Ready by its own rules.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { MERGE_PATCH, type KubeClient } from '../../../operator/kube/client.ts';
import type { OIDCProvider } from '../../../operator/kube/crds.ts';
import { getObject, resourcePath } from '../../../operator/kube/resources.ts';
import { eventually } from '../support.ts';

/** Marks the Deployment `namespace/name` ready and waits until the OIDCProvider of that name is Ready. */
export async function reportProviderReady(kube: KubeClient, namespace: string, name: string): Promise<void> {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name };
  const deployment = await eventually(`Deployment ${name}`, () => getObject<V1Deployment>(kube, ref));
  const replicas = deployment.spec?.replicas ?? 1;
  await kube.request('PATCH', resourcePath(ref, 'status'), {
    contentType: MERGE_PATCH,
    body: {
      status: {
        observedGeneration: deployment.metadata?.generation ?? 1,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      },
    },
  });
  await eventually(`OIDCProvider ${name} Ready`, async () => {
    const provider = await getObject<OIDCProvider>(kube, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      namespace,
      name,
    });
    return provider?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  });
}
