/**
 * The machine's `kubectl` against a test control plane, for tests that do what users do.
 *
 * The binary is `$KUBECTL`, else `kubectl` from `KUBEBUILDER_ASSETS`, else `kubectl` on PATH.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { ControlPlane } from './control-plane.ts';
import { isExecutableFile } from './kube-binaries.ts';

/** Outcome of one kubectl run. */
export interface KubectlResult {
  /** Exit code (non-zero when kubectl reported an error). */
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runKubectl}. */
export interface KubectlOptions {
  /** Written to kubectl's stdin (for `-f -`). */
  input?: string;
}

function kubectlBinary(): string {
  const fromEnv = process.env['KUBECTL'];
  if (fromEnv) return fromEnv;
  const assets = process.env['KUBEBUILDER_ASSETS'];
  if (assets && isExecutableFile(join(assets, 'kubectl'))) return join(assets, 'kubectl');
  return 'kubectl';
}

/** Runs kubectl with the control plane's kubeconfig and returns what happened, failing or not. */
export function runKubectl(
  cp: ControlPlane,
  args: readonly string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      kubectlBinary(),
      // A cache per control plane: kubectl's default (~/.kube/cache, keyed by host:port) would serve one test
      // server's discovery to a later server that reuses the port.
      ['--kubeconfig', cp.kubeconfigPath, '--cache-dir', join(dirname(cp.kubeconfigPath), 'kubectl-cache'), ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          // Not an exit status: kubectl could not be started (or timed out).
          reject(new Error(`kubectl ${args.join(' ')}: ${error.message}`));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs kubectl and returns its stdout; throws with kubectl's stderr when it exits non-zero. */
export async function kubectl(cp: ControlPlane, ...args: string[]): Promise<string> {
  const result = await runKubectl(cp, args);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** A manifest as YAML text (may hold several documents), one object, or a list of objects. */
export type Manifest = string | object | readonly object[];

/**
 * The text kubectl reads for a manifest: YAML text as it is; objects as a stream of JSON objects, which kubectl
 * reads like multi-document YAML. Why JSON: kubectl parses YAML 1.1, where a bare `y`, `n`, `yes`, `on`, `off`… is
 * a boolean, while a YAML 1.2 serialiser leaves those strings unquoted (an EC key's member `y` turned into `true`).
 * JSON quotes every string.
 */
export function manifestText(manifest: Manifest): string {
  if (typeof manifest === 'string') return manifest;
  const objects: readonly object[] = Array.isArray(manifest) ? manifest : [manifest];
  return objects.map((object) => JSON.stringify(object)).join('\n');
}

/**
 * `kubectl apply -f -` with the manifest; extra flags (e.g. `--server-side`, `--dry-run=server`) follow. Returns the
 * result without throwing, so tests can assert on rejections; use {@link applyManifest} when it must succeed.
 */
export function tryApplyManifest(cp: ControlPlane, manifest: Manifest, ...flags: string[]): Promise<KubectlResult> {
  return runKubectl(cp, ['apply', '-f', '-', ...flags], { input: manifestText(manifest) });
}

/** `kubectl apply -f -`; throws with kubectl's stderr when it fails. Returns kubectl's stdout. */
export async function applyManifest(cp: ControlPlane, manifest: Manifest, ...flags: string[]): Promise<string> {
  const result = await tryApplyManifest(cp, manifest, ...flags);
  if (result.code !== 0) throw new Error(`kubectl apply exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}
