/**
 * The chart's OIDCProvider carries `provider.spec.trustedProxies` to the operator, which renders it into the
 * provider's `trustedProxies` (test/operator/render/trusted-proxies.test.ts): the ingress case is configured from the
 * chart values. Skips, saying why, without the Go renderer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { helmRenderer, objectOf, renderChart } from '../support/helm-render.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kubeoidc-chart-trusted-proxies-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

it('provider.spec.trustedProxies reaches the OIDCProvider spec', (t) => {
  const renderer = helmRenderer();
  if (!renderer.ok) {
    t.skip(renderer.reason);
    return;
  }
  const values = join(scratch, 'values.json');
  const spec = { issuer: 'https://id.example.com', redis: { url: 'redis://r:6379' }, trustedProxies: ['10.42.0.0/16'] };
  writeFileSync(values, JSON.stringify({ provider: { enabled: true, spec } }));
  const release = renderChart(renderer.binary, { valuesFiles: [values] });
  assert.deepEqual(objectOf(release, 'OIDCProvider', 'kubeoidc')['spec'], spec);
});
