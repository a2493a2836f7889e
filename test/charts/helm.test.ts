/**
 * Where the real helm binary exists: `helm lint` (which also validates values.schema.json) and `helm template`
 * render the same objects as the test renderer (test/support/helm-render). helm is in neither Debian's archive nor
 * npm, so on these machines the tests skip and say so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, helmRenderer, renderChart, type RenderedObject } from '../support/helm-render.ts';

const FULL_VALUES = fileURLToPath(new URL('./values-full.yaml', import.meta.url));
const helmVersion = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' });
const HELM_MISSING =
  helmVersion.status === 0 ? undefined : 'helm not installed: neither Debian nor the npm registry provides it';

function helm(...args: string[]): string {
  const result = spawnSync('helm', args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `helm ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const ids = (objects: readonly RenderedObject[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

describe('the real helm binary', () => {
  it('helm lint passes with the default and the full values', (t) => {
    if (HELM_MISSING) {
      t.skip(HELM_MISSING);
      return;
    }
    helm('lint', CHART_DIR, '--strict');
    helm('lint', CHART_DIR, '--strict', '-f', FULL_VALUES);
  });

  it('helm template renders the same objects as the test renderer', (t) => {
    if (HELM_MISSING) {
      t.skip(HELM_MISSING);
      return;
    }
    const renderer = helmRenderer();
    if (!renderer.ok) {
      t.skip(renderer.reason);
      return;
    }
    const text = helm('template', 'kubeoidc', CHART_DIR, '-n', 'kubeoidc', '-f', FULL_VALUES);
    const objects = parseAllDocuments(text)
      .map((d) => d.toJS() as RenderedObject | null)
      .filter((o): o is RenderedObject => o !== null);
    const ours = renderChart(renderer.binary, { valuesFiles: [FULL_VALUES] });
    assert.deepEqual(ids(objects), ids(ours.objects));
  });
});
