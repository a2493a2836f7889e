/**
 * `helm install` for the story, as Helm does it: the chart's `crds/` first (without the CEL rules a 1.20 API server
 * does not know, `crd-compat.ts`), then every rendered template except hooks; `helm test` creates the test hooks.
 * Rendered by test/support/helm-render.ts (no helm binary is available here).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ControlPlane } from '../../support/control-plane.ts';
import { stripUnsupported } from '../../support/crd-compat.ts';
import { CHART_DIR, renderChart, type RenderedObject, type RenderedRelease } from '../../support/helm-render.ts';
import { applyManifest, kubectl } from '../../support/kubectl.ts';

export const VALUES_FILE = fileURLToPath(new URL('./values.yaml', import.meta.url));

/** Whether an object is a Helm hook (created by `helm test` or around install, not by the install itself). */
export function isHook(object: RenderedObject): boolean {
  return object.metadata.annotations?.['helm.sh/hook'] !== undefined;
}

/** Renders the chart for the story's release. */
export function renderStoryRelease(binary: string, releaseName: string, namespace: string): RenderedRelease {
  return renderChart(binary, { releaseName, namespace, valuesFiles: [VALUES_FILE] });
}

/** Installs the chart's CRDs and waits until they are Established. */
export async function installChartCrds(cp: ControlPlane): Promise<string[]> {
  const dir = join(CHART_DIR, 'crds');
  const crds = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => parse(readFileSync(join(dir, name), 'utf8')) as RenderedObject);
  await applyManifest(cp, crds.map(stripUnsupported));
  const names = crds.map((crd) => crd.metadata.name);
  await kubectl(cp, 'wait', '--for=condition=Established', '--timeout=120s', ...names.map((n) => `crd/${n}`));
  return names;
}

/** The release's objects as `helm install` creates them (no hooks), into `namespace` (created here). */
export async function installRelease(cp: ControlPlane, release: RenderedRelease, namespace: string): Promise<void> {
  await kubectl(cp, 'create', 'namespace', namespace);
  // The Prometheus Operator kinds are off by default; every object rendered here is a core or built-in kind.
  await applyManifest(
    cp,
    release.objects.filter((object) => !isHook(object)),
  );
}
