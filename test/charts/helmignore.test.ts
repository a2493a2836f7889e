/**
 * The chart as Helm loads it: `.helmignore` leaves out the chart's own promtool tests (top-level `tests/`) but not
 * the `helm test` hook Pod in `templates/tests/`. The renderer applies `.helmignore` with Helm's rules, shown here on
 * a copy of the chart whose unanchored `tests/` rule (the old one) drops the hook Pod as Helm does.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHART_DIR, helmRenderer, renderChart, type RenderedRelease } from '../support/helm-render.ts';

const hookPods = (release: RenderedRelease) =>
  release.objects.filter((o) => o.kind === 'Pod' && o.metadata.annotations?.['helm.sh/hook'] === 'test');

describe('.helmignore', () => {
  it('keeps the helm test hook Pod in the chart', (t) => {
    const renderer = helmRenderer();
    if (!renderer.ok) {
      t.skip(renderer.reason);
      return;
    }
    const release = renderChart(renderer.binary);
    assert.deepEqual(
      hookPods(release).map((pod) => pod.metadata.name),
      ['kubeoidc-operator-test-readyz'],
    );
    assert.ok('kubeoidc/templates/tests/test-readyz.yaml' in release.manifests);
  });

  it('anchors its rule for the promtool tests at the chart root', () => {
    const rules = readFileSync(join(CHART_DIR, '.helmignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    assert.ok(rules.includes('/tests/'), `rules: ${rules.join(', ')}`);
    assert.ok(!rules.includes('tests/'), 'an unanchored tests/ also matches templates/tests/');
  });

  it('is applied by the renderer with Helm rules: an unanchored tests/ drops templates/tests/', (t) => {
    const renderer = helmRenderer();
    if (!renderer.ok) {
      t.skip(renderer.reason);
      return;
    }
    const copy = mkdtempSync(join(tmpdir(), 'kubeoidc-chart-'));
    try {
      cpSync(CHART_DIR, copy, { recursive: true });
      writeFileSync(join(copy, '.helmignore'), 'tests/\n');
      const release = renderChart(renderer.binary, { chartDir: copy });
      assert.deepEqual(hookPods(release), []);
      assert.ok(
        release.objects.some((o) => o.kind === 'Deployment'),
        'the rest of the chart still renders',
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
