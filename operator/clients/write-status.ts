/** Writes an OIDCClient's status through the status subresource, only when it changed. */
import type { KubeClient } from '../kube/client.ts';
import { API_VERSION, OIDC_CLIENT } from '../kube/crds.ts';
import { applyObject } from '../kube/resources.ts';
import { FIELD_MANAGER } from '../providers/render/meta.ts';
import { clientStatusChanged, evaluateClientStatus, type ClientStatusInputs } from './status.ts';

/** Evaluates and, when different from the current status, writes it; returns whether it wrote. */
export async function writeClientStatus(kube: KubeClient, inputs: ClientStatusInputs): Promise<boolean> {
  const status = evaluateClientStatus(inputs);
  if (!clientStatusChanged(inputs.client.status, status)) return false;
  const { metadata } = inputs.client;
  const patch = {
    apiVersion: API_VERSION,
    kind: OIDC_CLIENT.kind,
    metadata: { name: metadata.name, namespace: metadata.namespace },
    status,
  };
  await applyObject(kube, patch, FIELD_MANAGER, 'status');
  return true;
}
