/**
 * The image a user needs: kubeoidc publishes none, so the chart's `image` values name the one the user built. The
 * operator runs it and hands it on to every OIDCProvider without `spec.image` (env KUBEOIDC_OPERATOR_PROVIDER_IMAGE
 * and _PULL_POLICY of the operator Deployment); the helm test Pod runs it too; NOTES.txt names it, and warns while
 * the repository is still the placeholder nobody publishes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { helmRenderer, objectOf, renderChart, type RenderedRelease } from '../support/helm-render.ts';

interface Container {
  image: string;
  imagePullPolicy?: string;
  env?: { name: string; value?: string }[];
}

const scratch = mkdtempSync(join(tmpdir(), 'kubeoidc-chart-image-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function render(t: TestContext, values?: object): RenderedRelease | undefined {
  const renderer = helmRenderer();
  if (!renderer.ok) {
    t.skip(renderer.reason);
    return undefined;
  }
  const valuesFiles: string[] = [];
  if (values !== undefined) {
    const file = join(scratch, `values-${String(Math.random()).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(values));
    valuesFiles.push(file);
  }
  return renderChart(renderer.binary, { valuesFiles });
}

function operatorContainer(release: RenderedRelease): Container {
  const deployment = objectOf(release, 'Deployment', 'kubeoidc-operator') as unknown as {
    spec: { template: { spec: { containers: Container[] } } };
  };
  const container = deployment.spec.template.spec.containers[0];
  assert.ok(container);
  return container;
}

const envOf = (container: Container): Record<string, string | undefined> =>
  Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));

const testPodImage = (release: RenderedRelease): string | undefined =>
  (objectOf(release, 'Pod') as unknown as { spec: { containers: Container[] } }).spec.containers[0]?.image;

describe('chart image values', () => {
  it('hand the image the user built to the operator, the providers and the helm test', (t) => {
    const release = render(t, {
      image: { repository: 'registry.example.com/platform/kubeoidc', tag: 'dev-1', pullPolicy: 'Never' },
    });
    if (!release) return;
    const container = operatorContainer(release);
    assert.equal(container.image, 'registry.example.com/platform/kubeoidc:dev-1');
    assert.equal(container.imagePullPolicy, 'Never');
    const env = envOf(container);
    assert.equal(env['KUBEOIDC_OPERATOR_PROVIDER_IMAGE'], 'registry.example.com/platform/kubeoidc:dev-1');
    assert.equal(env['KUBEOIDC_OPERATOR_PROVIDER_IMAGE_PULL_POLICY'], 'Never');
    assert.equal(testPodImage(release), 'registry.example.com/platform/kubeoidc:dev-1');
    assert.match(release.notes, /Image: registry\.example\.com\/platform\/kubeoidc:dev-1 \(pull policy Never\)/);
    assert.match(release.notes, /every OIDCProvider that does not name its own \(spec\.image\)/);
    assert.doesNotMatch(release.notes, /WARNING: image\.repository/);
  });

  it('pass a pinned digest on to the providers too', (t) => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const release = render(t, { image: { repository: 'registry.example.com/kubeoidc', digest } });
    if (!release) return;
    const env = envOf(operatorContainer(release));
    assert.equal(env['KUBEOIDC_OPERATOR_PROVIDER_IMAGE'], `registry.example.com/kubeoidc@${digest}`);
    assert.equal(env['KUBEOIDC_OPERATOR_PROVIDER_IMAGE_PULL_POLICY'], 'IfNotPresent');
  });

  it('warn at install while the repository is the unpublished placeholder, saying how to build and set it', (t) => {
    const release = render(t);
    if (!release) return;
    assert.equal(
      envOf(operatorContainer(release))['KUBEOIDC_OPERATOR_PROVIDER_IMAGE'],
      'ghcr.io/kubeoidc/kubeoidc:0.1.0',
    );
    assert.match(release.notes, /WARNING: image\.repository is the chart's placeholder, ghcr\.io\/kubeoidc\/kubeoidc/);
    assert.match(release.notes, /ImagePullBackOff/);
    assert.match(release.notes, /docker build -t <registry>\/kubeoidc:0\.1\.0 \./);
    assert.match(release.notes, /--set image\.repository=<registry>\/kubeoidc/);
  });
});
