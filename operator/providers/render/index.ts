/**
 * Every object an OIDCProvider owns, rendered from the provider, its keys and what the API server serves. Pure: the
 * same inputs always give the same objects, so applying them again is a no-op on the server.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KeyFile } from '../../../provider/keys/key-file.ts';
import type { OIDCProvider } from '../../kube/crds.ts';
import { configChecksum, configText, renderConfigMap } from './config-map.ts';
import { renderDeployment } from './deployment.ts';
import { renderHorizontalPodAutoscaler } from './horizontal-pod-autoscaler.ts';
import { renderIngress } from './ingress.ts';
import { renderKeySecret } from './key-secret.ts';
import { renderPodDisruptionBudget } from './pod-disruption-budget.ts';
import { renderProviderConfig } from './provider-config.ts';
import { initialAccessTokenHash, renderRegistrationSecret } from './registration-secret.ts';
import { renderService } from './service.ts';
import { renderServiceMonitor } from './service-monitor.ts';

/** What the API server serves, found out by the reconciler (discovery) and passed in. */
export interface ServerCapabilities {
  /** `policy/v1` (1.21+) or `policy/v1beta1`. */
  readonly podDisruptionBudgetVersion: 'policy/v1' | 'policy/v1beta1';
  /** `autoscaling/v2` (1.23+) or `autoscaling/v2beta2`. */
  readonly horizontalPodAutoscalerVersion: 'autoscaling/v2' | 'autoscaling/v2beta2';
  /** Whether the ServiceMonitor CRD (Prometheus Operator) is installed. */
  readonly serviceMonitor: boolean;
}

/** Keys to place in the Secret. */
export interface RenderKeys {
  readonly file: KeyFile;
  /** Annotations of the Secret (the rotation state). */
  readonly annotations: Record<string, string>;
  /** The operator's initial access token for client registration (its Secret is rendered, its hash configured). */
  readonly initialAccessToken?: string | undefined;
}

/** The rendered objects, in the order they are applied (configuration and keys before the pods that mount them). */
export interface RenderedProvider {
  readonly checksum: string;
  readonly objects: KubernetesObject[];
}

/**
 * Renders everything; throws the provider's `ConfigError` when the spec gives a configuration it would refuse.
 * `secretsChecksum` is the digest of the Secrets the spec references (`secret-references.ts`), if any;
 * `metricLabelClients` the client ids granted a metric label (`metric-labels.ts`): part of the configuration, so a
 * change rolls the pods.
 */
export function renderProvider(
  provider: OIDCProvider,
  keys: RenderKeys,
  server: ServerCapabilities,
  secretsChecksum?: string,
  metricLabelClients: readonly string[] = [],
): RenderedProvider {
  const token = keys.initialAccessToken;
  const text = configText(
    renderProviderConfig(provider, token === undefined ? undefined : initialAccessTokenHash(token), metricLabelClients),
  );
  const checksum = configChecksum(text);
  const optional = [
    renderPodDisruptionBudget(provider, server.podDisruptionBudgetVersion),
    renderHorizontalPodAutoscaler(provider, server.horizontalPodAutoscalerVersion),
    server.serviceMonitor ? renderServiceMonitor(provider) : undefined,
    renderIngress(provider),
  ].filter((object) => object !== undefined);
  return {
    checksum,
    objects: [
      renderConfigMap(provider, text),
      renderKeySecret(provider, keys.file, keys.annotations),
      ...(token === undefined ? [] : [renderRegistrationSecret(provider, token)]),
      renderDeployment(provider, checksum, secretsChecksum),
      renderService(provider),
      ...optional,
    ],
  };
}
