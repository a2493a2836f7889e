/**
 * Secrets an OIDCProvider references but does not own (`spec.redis.secretRef`, `spec.redis.passwordSecretRef`,
 * `spec.accountsSecretRef`): the pods read them once at start (environment variables, the accounts file), so a change
 * must roll the pods. The reconciler digests their content into a pod-template annotation, and records which Secrets
 * each provider references in a {@link SecretReferenceIndex}, through which the controller maps a Secret change back
 * to the providers that use it.
 */
import { createHmac } from 'node:crypto';
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider } from '../kube/crds.ts';

/** One referenced Secret key. */
export interface SecretKeyReference {
  readonly name: string;
  readonly key: string;
}

/** The Secret keys `provider` references, in a fixed order. Pure. */
export function referencedSecretKeys(provider: OIDCProvider): SecretKeyReference[] {
  const { redis, accountsSecretRef } = provider.spec;
  const refs: SecretKeyReference[] = [];
  if (redis.secretRef !== undefined) refs.push(redis.secretRef);
  if (redis.passwordSecretRef !== undefined) refs.push(redis.passwordSecretRef);
  if (accountsSecretRef !== undefined) {
    refs.push({ name: accountsSecretRef.name, key: accountsSecretRef.key ?? OIDC_PROVIDER_DEFAULTS.accountsKey });
  }
  return refs.map(({ name, key }) => ({ name, key }));
}

/**
 * Digest of the referenced values (base64 as the API serves them; undefined: the Secret or key is missing). Keyed
 * HMAC-SHA256 rather than a plain hash, with a per-provider secret (`hmacKey`), so that someone who can read the
 * Deployment cannot test guesses of a weak password against the annotation. Pure.
 */
export function referencedSecretsDigest(
  values: readonly { readonly ref: SecretKeyReference; readonly value: string | undefined }[],
  hmacKey: string,
): string {
  const hmac = createHmac('sha256', hmacKey);
  for (const { ref, value } of values) hmac.update(JSON.stringify([ref.name, ref.key, value ?? null]));
  return hmac.digest('hex');
}

/** Which Secrets (`namespace/name`) each provider (`namespace/name`) references: provider → Secrets, and back. */
export class SecretReferenceIndex {
  readonly #secretsOf = new Map<string, ReadonlySet<string>>();

  /** Records the Secrets `provider` references now (replacing what was recorded before). */
  set(provider: string, secrets: readonly string[]): void {
    if (secrets.length === 0) this.#secretsOf.delete(provider);
    else this.#secretsOf.set(provider, new Set(secrets));
  }

  /** Forgets `provider` (deleted). */
  delete(provider: string): void {
    this.#secretsOf.delete(provider);
  }

  /** The providers that reference `secret`. */
  providersOf(secret: string): string[] {
    return [...this.#secretsOf].filter(([, secrets]) => secrets.has(secret)).map(([provider]) => provider);
  }
}
