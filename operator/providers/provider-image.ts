/**
 * The image provider pods run. An OIDCProvider may name its own (`spec.image`, `spec.imagePullPolicy`); otherwise the
 * operator's configuration decides — the chart sets it from its `image` values, so the operator and the providers run
 * the image the user built and pushed — and only an operator started without one falls back to
 * {@link DEFAULT_PROVIDER_IMAGE}. The CRD declares no default for these fields on purpose: a default filled in by the
 * API server would hide the operator's.
 */
import type { OIDCProvider, OIDCProviderSpec } from '../kube/crds.ts';

/** An image and its pull policy. */
export interface ProviderImage {
  readonly image: string;
  readonly pullPolicy: NonNullable<OIDCProviderSpec['imagePullPolicy']>;
}

/** Used when neither the OIDCProvider nor the operator's configuration names an image (the chart always does). */
export const DEFAULT_PROVIDER_IMAGE: ProviderImage = {
  image: 'ghcr.io/kubeoidc/kubeoidc:0.1.0',
  pullPolicy: 'IfNotPresent',
};

const PULL_POLICIES: readonly string[] = ['Always', 'IfNotPresent', 'Never'];

/**
 * The operator's provider image from its settings (`KUBEOIDC_OPERATOR_PROVIDER_IMAGE`,
 * `KUBEOIDC_OPERATOR_PROVIDER_IMAGE_PULL_POLICY`); unset or empty ones keep {@link DEFAULT_PROVIDER_IMAGE}'s. Throws
 * on a pull policy Kubernetes does not know or an image reference with whitespace.
 */
export function providerImageSetting(image: string | undefined, pullPolicy: string | undefined): ProviderImage {
  if (image !== undefined && /\s/.test(image)) {
    throw new Error(`KUBEOIDC_OPERATOR_PROVIDER_IMAGE: "${image}" is not an image reference`);
  }
  if (pullPolicy !== undefined && pullPolicy !== '' && !PULL_POLICIES.includes(pullPolicy)) {
    throw new Error(
      `KUBEOIDC_OPERATOR_PROVIDER_IMAGE_PULL_POLICY: "${pullPolicy}" is not one of ${PULL_POLICIES.join(', ')}`,
    );
  }
  return {
    image: image === undefined || image === '' ? DEFAULT_PROVIDER_IMAGE.image : image,
    pullPolicy:
      pullPolicy === undefined || pullPolicy === ''
        ? DEFAULT_PROVIDER_IMAGE.pullPolicy
        : (pullPolicy as ProviderImage['pullPolicy']),
  };
}

/**
 * `provider` with its image and pull policy decided: the spec's own, else the operator's. The operator's pull policy
 * goes with the operator's image only: an image the spec names is pulled `IfNotPresent` unless the spec says otherwise.
 */
export function withProviderImage(provider: OIDCProvider, operatorImage: ProviderImage): OIDCProvider {
  const { spec } = provider;
  const own = spec.image !== undefined;
  const image = spec.image ?? operatorImage.image;
  const pullPolicy = spec.imagePullPolicy ?? (own ? DEFAULT_PROVIDER_IMAGE.pullPolicy : operatorImage.pullPolicy);
  return { ...provider, spec: { ...spec, image, imagePullPolicy: pullPolicy } };
}
