/**
 * What is wrong with an OIDCClient spec, in the words of the CRD's CEL rules (`crds/oidcclients.kubeoidc.dev.yaml`).
 * API servers before 1.25 ignore those rules, so the operator checks them itself: the cross-field rules on the spec
 * alone, and the immutability rules (providerRef, clientId) against what the client was registered with — the
 * registration Secret remembers it, because the operator never sees the old object of an update — and the names and
 * label values the client's Secrets need (`names.ts`). Pure.
 */
import { OIDC_CLIENT_DEFAULTS, type OIDCClient } from '../kube/crds.ts';
import { clientNameProblems } from './names.ts';
import type { RegistrationIntent } from './recorded.ts';
import { registrationSecretName } from './render.ts';

/** Every problem of `client`'s spec (empty when valid), given the registration recorded (or intended) for it. */
export function clientSpecProblems(client: OIDCClient, recorded: RegistrationIntent | undefined): string[] {
  const { spec } = client;
  const problems: string[] = clientNameProblems(client);
  const grants: readonly string[] = spec.grantTypes ?? OIDC_CLIENT_DEFAULTS.grantTypes;
  const method = spec.tokenEndpointAuthMethod ?? OIDC_CLIENT_DEFAULTS.tokenEndpointAuthMethod;

  if (recorded !== undefined) {
    if (recorded.provider !== spec.providerRef.name) {
      problems.push(`providerRef is immutable (registered at ${recorded.provider})`);
    }
    if ((recorded.requestedClientId === undefined) !== (spec.clientId === undefined)) {
      problems.push('clientId cannot be added or removed after creation');
    } else if (recorded.requestedClientId !== spec.clientId) {
      problems.push('clientId is immutable');
    }
  }
  if (method === 'private_key_jwt' && spec.jwks === undefined && spec.jwksUri === undefined) {
    problems.push('private_key_jwt needs jwks or jwksUri');
  }
  if (spec.jwks !== undefined && spec.jwksUri !== undefined) problems.push('jwks and jwksUri are mutually exclusive');
  if (grants.includes('authorization_code') && (spec.redirectUris ?? []).length === 0) {
    problems.push('the authorization_code grant needs at least one redirectUri');
  }
  if (grants.includes('client_credentials') && method === 'none') {
    problems.push('the client_credentials grant needs a confidential client (tokenEndpointAuthMethod other than none)');
  }
  if (
    grants.includes('refresh_token') &&
    !grants.includes('authorization_code') &&
    !grants.includes('urn:ietf:params:oauth:grant-type:device_code')
  ) {
    problems.push('the refresh_token grant needs the authorization_code or device_code grant');
  }
  if ((spec.responseTypes ?? []).includes('code') && !grants.includes('authorization_code')) {
    problems.push('response type code needs the authorization_code grant');
  }
  if (spec.secret?.name === registrationSecretName(client)) {
    problems.push(`secret.name ${spec.secret.name} is the operator's registration Secret`);
  }
  return problems;
}
