/**
 * The Deployment of provider replicas. Pure: everything comes from the OIDCProvider and the configuration checksum.
 *
 * - The pod template carries the configuration checksum: a new configuration changes the template, which rolls the
 *   pods. Keys are not part of it, because the provider reloads the mounted key file by itself. The Secrets the spec
 *   references are read only at start, so their digest is in the template too.
 * - Rolling updates never drop below the desired count (maxUnavailable 0, maxSurge 1): the provider is an identity
 *   service that logins depend on.
 * - Pods spread across zones and hosts unless the spec says otherwise, and run with the restricted security profile.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type {
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1ResourceRequirements,
  V1TopologySpreadConstraint,
  V1Volume,
} from '@kubernetes/client-node';
import {
  OIDC_PROVIDER_DEFAULTS,
  type OIDCProvider,
  type ResourceList,
  type ResourceRequirements,
} from '../../kube/crds.ts';
import { DEFAULT_PROVIDER_IMAGE } from '../provider-image.ts';
import {
  CONFIG_CHECKSUM_ANNOTATION,
  SECRETS_CHECKSUM_ANNOTATION,
  ownedMeta,
  ownedNames,
  selectorLabels,
} from './meta.ts';
import { MOUNTS, PORTS, REDIS_URL_ENV } from './provider-config.ts';

const defaultResources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } };

/** Quantities as strings, the form `core/v1` uses (the CRD also accepts numbers). */
function quantities(resources: ResourceRequirements): V1ResourceRequirements {
  const strings = (list: ResourceList | undefined): Record<string, string> | undefined =>
    list === undefined ? undefined : Object.fromEntries(Object.entries(list).map(([name, q]) => [name, String(q)]));
  const limits = strings(resources.limits);
  const requests = strings(resources.requests);
  return { ...(limits === undefined ? {} : { limits }), ...(requests === undefined ? {} : { requests }) };
}

function env(provider: OIDCProvider): V1EnvVar[] {
  const { redis } = provider.spec;
  const vars: V1EnvVar[] = [{ name: 'KUBEOIDC_CONFIG', value: `${MOUNTS.configDir}/${MOUNTS.configFile}` }];
  if (redis.secretRef !== undefined) {
    vars.push({
      name: REDIS_URL_ENV,
      valueFrom: { secretKeyRef: { name: redis.secretRef.name, key: redis.secretRef.key } },
    });
  }
  if (redis.passwordSecretRef !== undefined) {
    const ref = redis.passwordSecretRef;
    vars.push({ name: 'KUBEOIDC_REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
  }
  return vars;
}

function volumes(provider: OIDCProvider): V1Volume[] {
  const names = ownedNames(provider);
  const list: V1Volume[] = [
    { name: 'config', configMap: { name: names.configMap } },
    { name: 'keys', secret: { secretName: names.secret, defaultMode: 0o440 } },
    { name: 'tmp', emptyDir: {} },
  ];
  const accounts = provider.spec.accountsSecretRef;
  if (accounts !== undefined)
    list.push({ name: 'accounts', secret: { secretName: accounts.name, defaultMode: 0o440 } });
  return list;
}

function container(provider: OIDCProvider): V1Container {
  const { spec } = provider;
  const mounts = [
    // Whole directories, not subPath: the kubelet only updates directory mounts, and the provider reloads the keys.
    { name: 'config', mountPath: MOUNTS.configDir, readOnly: true },
    { name: 'keys', mountPath: MOUNTS.keysDir, readOnly: true },
    { name: 'tmp', mountPath: MOUNTS.tmpDir },
    ...(spec.accountsSecretRef === undefined
      ? []
      : [{ name: 'accounts', mountPath: MOUNTS.accountsDir, readOnly: true }]),
  ];
  return {
    name: 'provider',
    // The reconciler fills in the operator's image (provider-image.ts); the fallback serves pure rendering.
    image: spec.image ?? DEFAULT_PROVIDER_IMAGE.image,
    imagePullPolicy: spec.imagePullPolicy ?? DEFAULT_PROVIDER_IMAGE.pullPolicy,
    args: ['provider'],
    env: env(provider),
    ports: [
      { name: 'http', containerPort: PORTS.http, protocol: 'TCP' },
      { name: 'metrics', containerPort: PORTS.metrics, protocol: 'TCP' },
    ],
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: {
      httpGet: { path: '/healthz/live', port: 'http' },
      initialDelaySeconds: 5,
      periodSeconds: 10,
      failureThreshold: 3,
    },
    resources: spec.resources === undefined ? defaultResources : quantities(spec.resources),
    securityContext: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: mounts,
  };
}

/** Spread evenly across zones and hosts, but still schedule when a cluster has only one of either. */
function topologySpread(provider: OIDCProvider): V1TopologySpreadConstraint[] {
  const selector = { matchLabels: selectorLabels(provider) };
  // A constraint without a selector counts no pods at all; the provider's own pods are what must spread.
  const custom = provider.spec.topologySpreadConstraints;
  if (custom !== undefined) {
    return custom.map((constraint) => {
      const copy = structuredClone(constraint);
      copy.labelSelector ??= selector;
      return copy;
    });
  }
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: selector,
  }));
}

/**
 * The Deployment named after the provider; `checksum` is the configuration file's {@link configChecksum},
 * `secretsChecksum` the digest of the Secrets the spec references (undefined when it references none).
 */
export function renderDeployment(provider: OIDCProvider, checksum: string, secretsChecksum?: string): V1Deployment {
  const { spec } = provider;
  const selector = selectorLabels(provider);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: ownedMeta(provider, ownedNames(provider).deployment),
    spec: {
      replicas: spec.replicas ?? OIDC_PROVIDER_DEFAULTS.replicas,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: { ...spec.podLabels, ...selector },
          annotations: {
            ...spec.podAnnotations,
            [CONFIG_CHECKSUM_ANNOTATION]: checksum,
            ...(secretsChecksum === undefined ? {} : { [SECRETS_CHECKSUM_ANNOTATION]: secretsChecksum }),
          },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container(provider)],
          volumes: volumes(provider),
          topologySpreadConstraints: topologySpread(provider),
          ...(spec.nodeSelector === undefined ? {} : { nodeSelector: spec.nodeSelector }),
          ...(spec.affinity === undefined ? {} : { affinity: spec.affinity }),
          ...(spec.tolerations === undefined ? {} : { tolerations: spec.tolerations }),
        },
      },
    },
  };
}
