/**
 * Which secret a registered client keeps (RFC 7591 §3.2.1: the provider issues `client_secret`, never the client).
 * Secrets carry at least 256 random bits; a client_secret_jwt key is long enough for HS512 (RFC 7518 §3.2). An update
 * keeps the current secret whenever the new authentication method can use the stored material — a hash serves
 * client_secret_basic/post, the key itself serves client_secret_jwt — and issues a new one only when it cannot, so the
 * operator's Secret stays valid across updates (it never rotates a secret on its own).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { secretAuthMethods, type ClientMetadata } from '../clients/client.ts';
import { secretMaterial } from '../clients/client-store.ts';
import { generateClientSecret, verifyClientSecret } from '../clients/secret.ts';
import type { ClientSecretMaterial } from '../clients/client.ts';
import type { ClientRecord } from '../models/types.ts';

/** The material to store and, when one was issued now, the plaintext secret to return once. */
export interface SecretDecision {
  material: ClientSecretMaterial;
  issued?: string;
}

function newSecret(method: ClientMetadata['token_endpoint_auth_method']): string {
  // 384 bits (64 characters) for client_secret_jwt, so that HS512 (64-byte key minimum) works too.
  return method === 'client_secret_jwt' ? randomBytes(48).toString('base64url') : generateClientSecret();
}

/** The secret of a client being registered. */
export function secretForNewClient(metadata: ClientMetadata): SecretDecision {
  const method = metadata.token_endpoint_auth_method;
  if (!secretAuthMethods.has(method)) return { material: {} };
  const issued = newSecret(method);
  return { material: secretMaterial(method, issued), issued };
}

/** The secret of a client being updated, given its stored record. */
export function secretForUpdate(metadata: ClientMetadata, current: ClientRecord): SecretDecision {
  const method = metadata.token_endpoint_auth_method;
  if (!secretAuthMethods.has(method)) return { material: {} };
  if (method === 'client_secret_jwt') {
    const bits = Number((metadata.token_endpoint_auth_signing_alg ?? 'HS256').slice(2));
    const key = current.secretForJwt;
    if (key && Buffer.byteLength(key, 'utf8') * 8 >= bits) return { material: { jwtSecret: key } };
  } else if (current.secretHash) {
    return { material: { secretHash: current.secretHash } };
  }
  const issued = newSecret(method);
  return { material: secretMaterial(method, issued), issued };
}

/** Whether a `client_secret` presented in an update equals the client's current one (constant time). */
export async function matchesCurrentSecret(candidate: string, current: ClientRecord): Promise<boolean> {
  if (current.secretHash) return verifyClientSecret(candidate, current.secretHash);
  if (current.secretForJwt) {
    const a = Buffer.from(candidate, 'utf8');
    const b = Buffer.from(current.secretForJwt, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }
  return false;
}
