/**
 * Reads the Secrets an OIDCProvider references and digests them for the pod template (`secret-references.ts`), after
 * recording the references in the index: a change that lands after this read still maps to the provider and
 * reconciles it again.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import type { OIDCProvider } from '../kube/crds.ts';
import { getObject } from '../kube/resources.ts';
import { referencedSecretKeys, referencedSecretsDigest, type SecretReferenceIndex } from './secret-references.ts';

/** The digest of the Secrets `provider` references, or undefined when it references none. */
export async function referencedSecretsChecksum(
  client: KubeClient,
  index: SecretReferenceIndex | undefined,
  provider: OIDCProvider,
  hmacKey: string,
): Promise<string | undefined> {
  const namespace = provider.metadata.namespace ?? '';
  const refs = referencedSecretKeys(provider);
  index?.set(
    `${namespace}/${provider.metadata.name ?? ''}`,
    refs.map((ref) => `${namespace}/${ref.name}`),
  );
  if (refs.length === 0) return undefined;
  const values = await Promise.all(
    refs.map(async (ref) => {
      const secret = await getObject<V1Secret>(client, { apiVersion: 'v1', kind: 'Secret', namespace, name: ref.name });
      return { ref, value: secret?.data?.[ref.key] };
    }),
  );
  return referencedSecretsDigest(values, hmacKey);
}
