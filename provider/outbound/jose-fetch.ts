import type { FetchImplementation } from 'jose';
import type { OutboundPolicy } from './policy.ts';
import { outboundRequest } from './request.ts';

/** Largest JWK Set accepted from a client's `jwks_uri` (bytes): a few dozen keys fit easily. */
export const maxJwksBytes = 64 * 1024;

/**
 * jose's `customFetch` for `createRemoteJWKSet`: the client's `jwks_uri` is fetched under the outbound policy (no
 * internal addresses, no redirects, bounded size), within jose's own timeout (its abort signal) and ours.
 */
export function policedJwksFetch(policy: OutboundPolicy, timeoutMs: number): FetchImplementation {
  return async (url, options) => {
    const response = await outboundRequest(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json, application/jwk-set+json' },
        timeoutMs,
        maxBytes: maxJwksBytes,
        signal: options.signal,
      },
      policy,
    );
    return new Response(new Uint8Array(response.body), { status: response.status, headers: response.headers });
  };
}
