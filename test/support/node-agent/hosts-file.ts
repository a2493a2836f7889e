/**
 * The `/etc/hosts` of a pod: localhost, the pod's own name on its address, and every Service under the names cluster
 * DNS would answer (`<svc>.<ns>.svc.cluster.local`, `<svc>.<ns>.svc`, `<svc>.<ns>`, and `<svc>` in the pod's own
 * namespace) on the Service's loopback address. Kept in one file per pod that is rewritten in place (its bind mount
 * holds the inode, so a rename would not reach the pod).
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** A Service as pods resolve it. */
export interface ServiceName {
  readonly namespace: string;
  readonly name: string;
  readonly address: string;
}

/** The hosts file text for a pod. */
export function hostsFile(
  podIP: string,
  hostname: string,
  namespace: string,
  services: readonly ServiceName[],
): string {
  const lines = [
    '# Kubernetes-managed hosts file (kubeoidc test node agent).',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `${podIP}\t${hostname}`,
  ];
  for (const service of [...services].sort((a, b) => a.address.localeCompare(b.address))) {
    const base = `${service.name}.${service.namespace}`;
    const names = [`${base}.svc.cluster.local`, `${base}.svc`, base];
    if (service.namespace === namespace) names.push(service.name);
    lines.push(`${service.address}\t${names.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Rewrites `path` in place when its content differs. */
export function writeInPlace(path: string, text: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) writeFileSync(path, text);
}
