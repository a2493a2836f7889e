import type { Clock } from '../../time/clock.ts';
import type { ModelRepository } from '../../models/repository.ts';
import type { OutboundPolicy } from '../../outbound/policy.ts';
import type { ClientStore } from '../client-store.ts';

/** The parts of an HTTP request client authentication looks at (no express objects: usable from any endpoint). */
export interface ClientAuthRequest {
  /** The `Authorization` header, if any. */
  authorization?: string | undefined;
  /** Form parameters of the body (single values). */
  body: Readonly<Partial<Record<string, string>>>;
  /** Absolute URL of the endpoint being called: a valid `aud` of client assertions. */
  endpointUrl: string;
}

/** What client authentication needs from the provider. */
export interface ClientAuthDeps {
  clients: ClientStore;
  /** Records seen assertion `jti`s (ReplayDetection) and emits `replay_detection.saved`. */
  models: ModelRepository;
  clock: Clock;
  issuer: string;
  /** Absolute URL of the token endpoint: a valid `aud` of client assertions at every endpoint. */
  tokenEndpointUrl: string;
  /** `clientAuthentication.strictSecretMethod`: hold clients to the registered one of basic/post. */
  strictSecretMethod: boolean;
  /** Longest accepted lifetime of a client assertion (s): `clientAuthentication.assertionMaxLifetime`. */
  assertionMaxLifetime: number;
  /** Where a client's `jwks_uri` may be fetched from; without it nothing internal is reachable. */
  outbound?: OutboundPolicy | undefined;
}
