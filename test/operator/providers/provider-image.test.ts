/**
 * Which image provider pods run: the OIDCProvider's own, else the operator's configured image (the chart's), else
 * the built-in default; the operator's pull policy goes with the operator's image only; bad settings fail at start.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OIDCProvider } from '../../../operator/kube/crds.ts';
import {
  DEFAULT_PROVIDER_IMAGE,
  providerImageSetting,
  withProviderImage,
} from '../../../operator/providers/provider-image.ts';
import { renderDeployment } from '../../../operator/providers/render/deployment.ts';

const base: OIDCProvider = {
  apiVersion: 'kubeoidc.dev/v1alpha1',
  kind: 'OIDCProvider',
  metadata: { name: 'idp', namespace: 'team', uid: 'u-1' },
  spec: { issuer: 'https://id.example.com', redis: { url: 'redis://redis:6379' } },
};
const operatorImage = { image: 'registry.example.com/kubeoidc:0.1.0', pullPolicy: 'Never' } as const;

function containerOf(provider: OIDCProvider): { image?: string; imagePullPolicy?: string } {
  const container = renderDeployment(provider, 'checksum').spec?.template.spec?.containers[0];
  assert.ok(container);
  return container;
}

describe('withProviderImage', () => {
  it("gives a provider without spec.image the operator's image and pull policy", () => {
    const container = containerOf(withProviderImage(base, operatorImage));
    assert.equal(container.image, 'registry.example.com/kubeoidc:0.1.0');
    assert.equal(container.imagePullPolicy, 'Never');
  });

  it("keeps a provider's own image, pulled IfNotPresent unless its spec says otherwise", () => {
    const own = { ...base, spec: { ...base.spec, image: 'other.example.com/kubeoidc:9' } };
    const ownContainer = containerOf(withProviderImage(own, operatorImage));
    assert.equal(ownContainer.image, 'other.example.com/kubeoidc:9');
    assert.equal(ownContainer.imagePullPolicy, 'IfNotPresent');
    const always = { ...own, spec: { ...own.spec, imagePullPolicy: 'Always' as const } };
    assert.equal(containerOf(withProviderImage(always, operatorImage)).imagePullPolicy, 'Always');
    const policyOnly = { ...base, spec: { ...base.spec, imagePullPolicy: 'Always' as const } };
    const container = containerOf(withProviderImage(policyOnly, operatorImage));
    assert.equal(container.image, operatorImage.image);
    assert.equal(container.imagePullPolicy, 'Always');
  });

  it('does not change the provider it is given', () => {
    withProviderImage(base, operatorImage);
    assert.equal(base.spec.image, undefined);
  });
});

describe('providerImageSetting', () => {
  it('reads the image and pull policy, empty or unset meaning the default', () => {
    assert.deepEqual(providerImageSetting('r.example/k:1', 'Always'), { image: 'r.example/k:1', pullPolicy: 'Always' });
    assert.deepEqual(providerImageSetting(undefined, undefined), DEFAULT_PROVIDER_IMAGE);
    assert.deepEqual(providerImageSetting('', ''), DEFAULT_PROVIDER_IMAGE);
  });

  it('rejects an unknown pull policy and an image reference with whitespace, naming the variable', () => {
    assert.throws(
      () => providerImageSetting('r/k:1', 'Sometimes'),
      /KUBEOIDC_OPERATOR_PROVIDER_IMAGE_PULL_POLICY: "Sometimes" is not one of Always, IfNotPresent, Never/,
    );
    assert.throws(
      () => providerImageSetting('r/k 1', undefined),
      /KUBEOIDC_OPERATOR_PROVIDER_IMAGE: "r\/k 1" is not an image reference/,
    );
  });
});
