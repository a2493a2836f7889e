import type { ProviderConfig } from '../../config/options.ts';
import { endpointUrl, paths } from '../../http/paths.ts';
import type { ModelRepository } from '../../models/repository.ts';
import { outboundPolicyOf } from '../../outbound/of-config.ts';
import type { OutboundPolicy } from '../../outbound/policy.ts';
import type { Clock } from '../../time/clock.ts';
import type { ClientStore } from '../client-store.ts';
import { authenticateClient, type AuthenticatedClient } from './authenticate.ts';

/** What an endpoint that authenticates clients has at hand. */
export interface EndpointClientAuthDeps {
  clients: ClientStore;
  models: ModelRepository;
  clock: Clock;
  issuer: string;
  /** `clientAuthentication.strictSecretMethod` of the configuration. */
  strictSecretMethod: boolean;
  /** `clientAuthentication.assertionMaxLifetime` (s). */
  assertionMaxLifetime: number;
  /** Where a client's `jwks_uri` may be fetched from (`outboundPolicyOf(config)`); default: nothing internal. */
  outbound?: OutboundPolicy | undefined;
}

/** The configuration's part of `EndpointClientAuthDeps`: build it once per endpoint, never per request. */
export function clientAuthSettings(
  config: ProviderConfig,
): Pick<EndpointClientAuthDeps, 'issuer' | 'strictSecretMethod' | 'assertionMaxLifetime' | 'outbound'> {
  return {
    issuer: config.issuer,
    strictSecretMethod: config.clientAuthentication.strictSecretMethod,
    assertionMaxLifetime: config.clientAuthentication.assertionMaxLifetime,
    outbound: outboundPolicyOf(config),
  };
}

/**
 * Client authentication at one of the provider's endpoints (token, PAR, device authorization, introspection,
 * revocation): the endpoint's own URL and the token endpoint's are the accepted `aud` of client assertions.
 */
export function authenticateAt(
  path: string,
  request: { authorization: string | undefined; body: Readonly<Partial<Record<string, string>>> },
  deps: EndpointClientAuthDeps,
): Promise<AuthenticatedClient> {
  return authenticateClient(
    { ...request, endpointUrl: endpointUrl(deps.issuer, path) },
    { ...deps, tokenEndpointUrl: endpointUrl(deps.issuer, paths.token) },
  );
}
