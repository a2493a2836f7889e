/**
 * charts/kubeoidc/crds/ holds byte-identical copies of crds/ (Helm installs a chart's crds/ before its templates and
 * never templates them): `node scripts/sync-chart-crds.ts` refreshes them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHART_CRDS_DIR, SOURCE_DIR, crdDifferences, yamlFiles } from '../../scripts/sync-chart-crds.ts';

describe('chart CRDs', () => {
  it('are the files of crds/, byte for byte (run node scripts/sync-chart-crds.ts)', () => {
    assert.deepEqual(crdDifferences(), []);
    assert.deepEqual(yamlFiles(CHART_CRDS_DIR), yamlFiles(SOURCE_DIR));
    assert.ok(yamlFiles(CHART_CRDS_DIR).length >= 2);
  });
});
