import type { Router } from 'express';
import type { ProviderConfig } from '../config/options.ts';
import type { Keystore } from '../keys/keystore.ts';
import type { DocumentHandler } from './cached-document.ts';
import type { FormRoute } from './form-route.ts';

/** A document whose GET and HEAD one handler answers at these paths (relative to the issuer), without Express. */
export interface StaticDocument {
  readonly paths: readonly string[];
  readonly serve: DocumentHandler;
}

/**
 * One endpoint (or a family of routes) of the provider. The app mounts every endpoint from one table (`app.ts`), and
 * discovery is the union of what the mounted endpoints declare, so nothing is advertised that is not served.
 */
export interface Endpoint {
  /** Short name, for logs and tests. */
  readonly name: string;
  /** Registers its routes. */
  mount(router: Router): void;
  /**
   * GET/HEAD documents (discovery, JWKS) that the lean front (`lean-front.ts`) answers ahead of Express with the same
   * handler as the endpoint's own Express route; every other method and path still goes through Express.
   */
  readonly documents?: readonly StaticDocument[];
  /**
   * Form POST routes (token, introspection, revocation), mounted by the endpoint with `mountFormRoute`, whose plain
   * requests the lean front answers with the same `handle` and `onError` (`form-front.ts`).
   */
  readonly forms?: readonly FormRoute[];
  /** Discovery metadata it contributes (OIDC Discovery / RFC 8414 names). */
  metadata?(config: ProviderConfig, keystore: Keystore): Record<string, unknown>;
}
