/**
 * Where and how the operator reaches the OIDCProvider a client is registered at. The base URL is resolved by an
 * injected function: in a cluster, the provider's own Service (`operator/providers/render/service.ts`), which needs
 * no Ingress and no public DNS; in tests, a provider on 127.0.0.1. The initial access token comes from the Secret
 * the OIDCProvider reconciler keeps (`operator/providers/render/registration-secret.ts`).
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider } from '../kube/crds.ts';
import { getObject } from '../kube/resources.ts';
import { ownedNames } from '../providers/render/meta.ts';
import { readInitialAccessToken } from '../providers/render/registration-secret.ts';
import type { RegistrationTarget } from './registration-api.ts';

/** Resolves the base URL the operator sends registration requests for `provider` to. */
export type ProviderUrlResolver = (provider: OIDCProvider) => string;

/** The provider's in-cluster Service: `http://<name>.<namespace>.svc:<service port>`. */
export const serviceUrl: ProviderUrlResolver = (provider) => {
  const port = provider.spec.service?.port ?? OIDC_PROVIDER_DEFAULTS.servicePort;
  return `http://${provider.metadata.name ?? ''}.${provider.metadata.namespace ?? 'default'}.svc:${port}`;
};

/** The registration target of `provider`: base URL, public issuer, and the operator's initial access token. */
export async function registrationTarget(
  client: KubeClient,
  resolve: ProviderUrlResolver,
  provider: OIDCProvider,
): Promise<RegistrationTarget> {
  const secret = await getObject<V1Secret>(client, {
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: provider.metadata.namespace,
    name: ownedNames(provider).registration,
  });
  return {
    baseUrl: resolve(provider),
    issuer: provider.spec.issuer,
    initialAccessToken: readInitialAccessToken(secret),
  };
}
