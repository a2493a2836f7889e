/**
 * Submitting kubeoidc custom resources to a test control plane the way a user's `kubectl` does, with the API
 * server's verdict returned rather than thrown.
 */
import type { ControlPlane } from './control-plane.ts';
import { manifestText, runKubectl, type KubectlResult, type Manifest } from './kubectl.ts';

/** How much of kubectl's checking to use. */
export type Validation =
  /** Only the API server decides (`--validate=false`): schema types, patterns, enums, bounds, required fields. */
  | 'server'
  /** kubectl's default (`--validate=strict`); against a 1.20 server it also rejects unknown fields client-side. */
  | 'kubectl';

/**
 * `kubectl create --dry-run=server` of the manifest: the API server validates and defaults the objects but stores
 * nothing. Returns kubectl's result; on success stdout is the defaulted objects as JSON.
 */
export function dryRunCreate(
  cp: ControlPlane,
  manifest: Manifest,
  validation: Validation = 'server',
): Promise<KubectlResult> {
  const validate = validation === 'server' ? '--validate=false' : '--validate=strict';
  return runKubectl(cp, ['create', '--dry-run=server', validate, '-o', 'json', '-f', '-'], {
    input: manifestText(manifest),
  });
}
