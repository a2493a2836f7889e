/**
 * Renders the Helm chart without the helm binary (neither Debian nor npm has it): `test/support/helm-render/main.go`
 * implements what `helm template` does for this chart (values coalescing, .Release/.Chart/.Capabilities, sprig,
 * include, tpl, required, toYaml …) and is built with Debian's Go and sprig in GOPATH mode into kubeoidc's cache
 * (`${KUBEOIDC_CACHE:-~/.cache/kubeoidc}/helm-render/<hash of the source>`), once.
 *
 * ```ts
 * const renderer = helmRenderer();           // { ok: false, reason } when go or the Go packages are missing
 * if (!renderer.ok) t.skip(renderer.reason);
 * const release = renderChart(renderer.binary, { valuesFiles: [...] });
 * ```
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { kubeoidcCacheDir } from './kube-binaries.ts';

/** The chart's folder. */
export const CHART_DIR = fileURLToPath(new URL('../../charts/kubeoidc/', import.meta.url));
const SOURCE_DIR = fileURLToPath(new URL('./helm-render/', import.meta.url));

/** A rendered Kubernetes object (only what every object has is typed). */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** What `helm template` would print, by template. */
export interface RenderedRelease {
  /** Rendered text by template name (`kubeoidc/templates/deployment.yaml`). */
  manifests: Record<string, string>;
  /** Every non-empty YAML document of every template, parsed (YAML 1.1, as kubectl and Helm read them). */
  objects: RenderedObject[];
  /** The rendered NOTES.txt. */
  notes: string;
}

/** The renderer binary, or why it cannot be had here. */
export type HelmRenderer = { ok: true; binary: string } | { ok: false; reason: string };

let cached: HelmRenderer | undefined;

/** Builds the renderer once per source version (≈ 5 s cold, then cached on disk); never throws. */
export function helmRenderer(): HelmRenderer {
  cached ??= buildRenderer();
  return cached;
}

function buildRenderer(): HelmRenderer {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) return { ok: false, reason: 'go not installed: apt-get install golang-go (see .ci/run)' };
  const hasher = createHash('sha256');
  for (const file of readdirSync(SOURCE_DIR)
    .filter((name) => name.endsWith('.go'))
    .sort()) {
    hasher.update(file).update(readFileSync(join(SOURCE_DIR, file)));
  }
  const hash = hasher.update(go.stdout).digest('hex').slice(0, 16);
  const dir = join(kubeoidcCacheDir(process.env), 'helm-render');
  const binary = join(dir, `helm-render-${hash}`);
  if (existsSync(binary)) return { ok: true, binary };
  mkdirSync(dir, { recursive: true });
  // Build to a private name, then rename: test files run in parallel and may build at the same time.
  const partial = `${binary}.${process.pid}.tmp`;
  const build = spawnSync('go', ['build', '-o', partial, '.'], {
    cwd: SOURCE_DIR,
    encoding: 'utf8',
    env: {
      ...process.env,
      GOPATH: `${join(dir, 'gopath')}:/usr/share/gocode`,
      GO111MODULE: 'off',
      GOCACHE: join(dir, 'gocache'),
      GOFLAGS: '',
    },
  });
  if (build.status !== 0) {
    const missing = /cannot find package/.test(build.stderr);
    return {
      ok: false,
      reason: missing
        ? `Go packages for the chart renderer missing: apt-get install golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev (${build.stderr.trim().split('\n')[0] ?? ''})`
        : `building test/support/helm-render failed: ${build.stderr.trim()}`,
    };
  }
  renameSync(partial, binary);
  return { ok: true, binary };
}

/** Options of {@link renderChart}. */
export interface RenderOptions {
  /** Values files, applied in order over the chart's values.yaml (like `helm template -f a -f b`). */
  readonly valuesFiles?: readonly string[];
  readonly releaseName?: string;
  readonly namespace?: string;
  /** Another copy of the chart (default {@link CHART_DIR}). */
  readonly chartDir?: string;
}

/** Renders the chart; throws with the renderer's message when a template fails (e.g. `required`). */
export function renderChart(binary: string, options: RenderOptions = {}): RenderedRelease {
  const args = [
    '-chart',
    options.chartDir ?? CHART_DIR,
    '-name',
    options.releaseName ?? 'kubeoidc',
    '-namespace',
    options.namespace ?? 'kubeoidc',
  ];
  for (const file of options.valuesFiles ?? []) args.push('-f', file);
  let output: string;
  try {
    output = execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`chart rendering failed: ${stderr.trim()}`, { cause: error });
  }
  const rendered = JSON.parse(output) as { manifests: Record<string, string>; notes: string };
  const objects: RenderedObject[] = [];
  for (const [template, text] of Object.entries(rendered.manifests).sort(([a], [b]) => a.localeCompare(b))) {
    for (const document of parseAllDocuments(text, { version: '1.1' })) {
      if (document.errors.length > 0)
        throw new Error(`${template}: invalid YAML: ${document.errors[0]?.message ?? ''}`);
      const value: unknown = document.toJS();
      if (value === null || value === undefined) continue;
      objects.push(value as RenderedObject);
    }
  }
  return { manifests: rendered.manifests, objects, notes: rendered.notes };
}

/** The one object of a kind (and name, when given); throws when there is not exactly one. */
export function objectOf(release: RenderedRelease, kind: string, name?: string): RenderedObject {
  const found = release.objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}
