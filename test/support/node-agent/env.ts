/**
 * A container's environment as the kubelet builds it: the image's ENV, then `envFrom` (ConfigMaps and Secrets, with
 * their prefix), then `env` (values with `$(VAR)` expansion, `valueFrom` secretKeyRef / configMapKeyRef / fieldRef),
 * over the service-link variables (`service-links.ts`) and the `kubernetes` Service variables every container gets, and
 * HOSTNAME.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ApiEndpoint } from './kube-api.ts';
import { podField, readKey, readKeys } from './object-refs.ts';

/** Where the pod runs, for fieldRefs and the `kubernetes` Service variables. */
export interface EnvContext {
  readonly podIP: string;
  readonly hostIP: string;
  /** The address and port of the `kubernetes` Service proxy. */
  readonly kubernetesService: { readonly host: string; readonly port: number };
  /** Service-link variables of the pod's namespace (empty when the pod sets `enableServiceLinks: false`). */
  readonly serviceLinks: Readonly<Record<string, string>>;
}

/** Expands `$(VAR)` from `env`; `$$(VAR)` stays literal `$(VAR)`; unknown references stay as written (kubelet rules). */
export function expand(value: string, env: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return env[name] ?? match;
  });
}

/** The environment of `container` in `pod`. */
export async function containerEnv(
  api: ApiEndpoint,
  pod: V1Pod,
  container: V1Container,
  imageEnv: Readonly<Record<string, string>>,
  context: EnvContext,
): Promise<Record<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = {
    ...imageEnv,
    ...context.serviceLinks,
    HOSTNAME: pod.spec?.hostname ?? pod.metadata?.name ?? '',
    KUBERNETES_SERVICE_HOST: context.kubernetesService.host,
    KUBERNETES_SERVICE_PORT: String(context.kubernetesService.port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(context.kubernetesService.port),
    KUBERNETES_PORT: `tcp://${context.kubernetesService.host}:${context.kubernetesService.port}`,
  };
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef !== undefined ? 'configmaps' : 'secrets';
    if (ref === undefined) continue;
    const keys = await readKeys(api, kind, namespace, ref.name ?? '', ref.optional ?? false);
    for (const [key, value] of keys ?? []) env[`${source.prefix ?? ''}${key}`] = value.toString('utf8');
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined;
    if (from === undefined) value = expand(variable.value ?? '', env);
    else if (from.secretKeyRef !== undefined) value = await readKey(api, 'secrets', namespace, from.secretKeyRef);
    else if (from.configMapKeyRef !== undefined)
      value = await readKey(api, 'configmaps', namespace, from.configMapKeyRef);
    else if (from.fieldRef !== undefined) value = podField(pod, from.fieldRef.fieldPath, context.podIP, context.hostIP);
    else throw new Error(`env ${variable.name}: this valueFrom is not supported by the node agent`);
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}
