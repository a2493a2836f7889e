/**
 * Checks of a client's own JWK Set (`jwks` metadata) for private_key_jwt: public asymmetric keys only. A symmetric
 * (`oct`) key or a private member would let the assertion check confuse key types (HS256 signed with a public key) or
 * mean the client handed over its private key.
 */

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const asymmetricKeyTypes = new Set(['RSA', 'EC', 'OKP']);

/** The first problem of a `jwks` value (with where: `.keys[0]`), or undefined when it is usable. */
export function checkJwks(jwks: unknown): { at: string; problem: string } | undefined {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    return { at: '', problem: 'must be a JWK Set: {"keys": [...]}' };
  }
  const keys = (jwks as { keys: unknown[] }).keys;
  if (keys.length === 0) return { at: '.keys', problem: 'must contain at least one key' };
  for (const [index, key] of keys.entries()) {
    const at = `.keys[${index}]`;
    if (typeof key !== 'object' || key === null) return { at, problem: 'must be a JWK object' };
    const jwk = key as Record<string, unknown>;
    if (typeof jwk.kty !== 'string' || !asymmetricKeyTypes.has(jwk.kty)) {
      return { at, problem: 'must be a public RSA, EC or OKP key' };
    }
    const member = privateMembers.find((name) => name in jwk);
    if (member) return { at, problem: `must not contain the private member "${member}"` };
    if (jwk.use !== undefined && jwk.use !== 'sig') return { at, problem: 'must have use "sig" when use is set' };
  }
  return undefined;
}
