import type { Router } from 'express';
import type { ProviderConfig } from '../config/options.ts';
import type { Keystore } from '../keys/keystore.ts';

/**
 * One endpoint (or a family of routes) of the provider. The app mounts every endpoint from one table (`app.ts`), and
 * discovery is the union of what the mounted endpoints declare, so nothing is advertised that is not served.
 */
export interface Endpoint {
  /** Short name, for logs and tests. */
  readonly name: string;
  /** Registers its routes. */
  mount(router: Router): void;
  /** Discovery metadata it contributes (OIDC Discovery / RFC 8414 names). */
  metadata?(config: ProviderConfig, keystore: Keystore): Record<string, unknown>;
}
