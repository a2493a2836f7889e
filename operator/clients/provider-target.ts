/**
 * Where and how the operator reaches the OIDCProvider a client is registered at. The base URL is the provider's
 * `spec.registrationEndpoint.url` when set (an https URL of something in front of the provider that serves TLS, its
 * certificate verified with the PEM bundle of `registrationEndpoint.caSecretRef`, else the operator's trust store);
 * otherwise an injected function resolves it: in a cluster, the provider's own Service
 * (`operator/providers/render/service.ts`, plain HTTP: the provider serves no TLS itself), which needs no Ingress
 * and no public DNS; in tests, a provider on 127.0.0.1. The initial access token comes from the Secret the
 * OIDCProvider reconciler keeps (`operator/providers/render/registration-secret.ts`).
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider, type SecretKeyRef } from '../kube/crds.ts';
import { getObject } from '../kube/resources.ts';
import { ownedNames } from '../providers/render/meta.ts';
import { readInitialAccessToken } from '../providers/render/registration-secret.ts';
import { ProviderUnavailableError, type RegistrationTarget } from './registration-api.ts';

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
  const endpoint = provider.spec.registrationEndpoint;
  return {
    baseUrl: endpoint?.url ?? resolve(provider),
    issuer: provider.spec.issuer,
    initialAccessToken: readInitialAccessToken(secret),
    ...(endpoint?.caSecretRef === undefined ? {} : { ca: await readCa(client, provider, endpoint.caSecretRef) }),
  };
}

/** The PEM bundle of `ref`; a missing Secret or key is an error the client's status shows (no silent fallback). */
async function readCa(client: KubeClient, provider: OIDCProvider, ref: SecretKeyRef): Promise<string> {
  const secret = await getObject<V1Secret>(client, {
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: provider.metadata.namespace,
    name: ref.name,
  });
  const value = secret?.data?.[ref.key];
  if (value === undefined) {
    throw new ProviderUnavailableError(`registrationEndpoint.caSecretRef: Secret ${ref.name} has no key ${ref.key}`);
  }
  return Buffer.from(value, 'base64').toString('utf8');
}
