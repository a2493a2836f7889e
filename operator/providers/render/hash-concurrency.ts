/**
 * `accounts.passwordHashConcurrency` of a provider pod from its CPU limit. The provider's own default counts the cores
 * it may run on, which a CPU limit does not reduce: a pod limited to 1 CPU on a 16-core node would hash 15 passwords at
 * once and be throttled as a whole, its event loop with it. With a limit of L CPUs, ⌈L⌉ − 1 hashes (at least 1) leave
 * the event loop its share. Without a CPU limit the provider's default applies. Pure.
 */
import type { ResourceRequirements } from '../../kube/crds.ts';

/** CPUs of a Kubernetes CPU quantity (`2`, `1.5`, `500m`, 2); undefined when it is not one. */
export function cpuCores(quantity: string | number): number | undefined {
  if (typeof quantity === 'number') return quantity > 0 ? quantity : undefined;
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity.trim());
  if (!match) return undefined;
  const value = Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
  return value > 0 ? value : undefined;
}

/** The hash concurrency for a pod with `resources`, or undefined (no CPU limit: the provider's default). */
export function hashConcurrencyFor(resources: ResourceRequirements | undefined): number | undefined {
  const limit = resources?.limits?.cpu;
  if (limit === undefined) return undefined;
  const cores = cpuCores(limit);
  return cores === undefined ? undefined : Math.max(1, Math.ceil(cores) - 1);
}
