/**
 * What an Event is about: the OIDCClient whose `status.clientId` is the record's client id and whose `providerRef`
 * names the provider (an OIDCClient lives in its provider's namespace), else the OIDCProvider itself. Both come from
 * informer caches, so looking a record up costs no API call; the client index is rebuilt from the cache on change.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { startInformer, type RunningInformer } from '../controller/informer.ts';
import type { KubeClient } from '../kube/client.ts';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER, type OIDCClient, type OIDCProvider } from '../kube/crds.ts';

/** Informer caches of OIDCProviders and OIDCClients with a client-id index. */
export interface Targets {
  readonly synced: Promise<void>;
  /** Every cached OIDCProvider (with apiVersion and kind set: list items lack them). */
  providers(): OIDCProvider[];
  /** The object an Event about `clientId` at `provider` goes on. */
  targetOf(provider: OIDCProvider, clientId: string | undefined): KubernetesObject;
  stop(): Promise<void>;
}

const indexKey = (namespace: string, provider: string, clientId: string): string =>
  `${namespace}/${provider}/${clientId}`;

/** Starts both informers (`watchNamespace` undefined: every namespace); `onProviders` runs after provider changes. */
export function startTargets(
  kc: KubeConfig,
  client: KubeClient,
  watchNamespace: string | undefined,
  onProviders: () => void,
  onError: (error: unknown) => void,
): Targets {
  let index: Map<string, OIDCClient> | undefined;
  const clients: RunningInformer<OIDCClient> = startInformer<OIDCClient>(kc, client, {
    ref: { apiVersion: API_VERSION, kind: OIDC_CLIENT.kind, namespace: watchNamespace },
    onChange: () => {
      index = undefined;
    },
    onError,
  });
  const providers: RunningInformer<OIDCProvider> = startInformer<OIDCProvider>(kc, client, {
    ref: { apiVersion: API_VERSION, kind: OIDC_PROVIDER.kind, namespace: watchNamespace },
    onChange: onProviders,
    onError,
  });
  const clientIndex = (): Map<string, OIDCClient> => {
    index ??= new Map(
      clients.list().flatMap((c) => {
        const id = c.status?.clientId;
        return id === undefined ? [] : [[indexKey(c.metadata.namespace ?? '', c.spec.providerRef.name, id), c]];
      }),
    );
    return index;
  };
  return {
    synced: Promise.all([clients.synced, providers.synced]).then(() => undefined),
    providers: () => providers.list().map((p) => ({ ...p, apiVersion: API_VERSION, kind: OIDC_PROVIDER.kind })),
    targetOf(provider, clientId) {
      const found =
        clientId === undefined
          ? undefined
          : clientIndex().get(indexKey(provider.metadata.namespace ?? '', provider.metadata.name ?? '', clientId));
      return found === undefined
        ? { ...provider, apiVersion: API_VERSION, kind: OIDC_PROVIDER.kind }
        : { ...found, apiVersion: API_VERSION, kind: OIDC_CLIENT.kind };
    },
    async stop() {
      await Promise.all([clients.stop(), providers.stop()]);
    },
  };
}
