/**
 * Fixture builders for OIDCClient tests, after cert-manager's `gen.Certificate(name, mods…)`: a valid client with
 * every optional field left out, changed by small named modifiers.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import { API_VERSION, OIDC_CLIENT, type OIDCClient, type OIDCClientSpec } from '../../../operator/kube/crds.ts';
import type { RecordedRegistration } from '../../../operator/clients/recorded.ts';

/** Changes a client under construction. */
export type ClientMod = (client: OIDCClient) => void;

/** A valid OIDCClient `name` in `default` for provider `idp` (uid and generation as the server would set), then `mods`. */
export function oidcClient(name: string, ...mods: ClientMod[]): OIDCClient {
  const client: OIDCClient = {
    apiVersion: API_VERSION,
    kind: OIDC_CLIENT.kind,
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec: { providerRef: { name: 'idp' }, redirectUris: ['https://app.example.com/callback'] },
  };
  for (const mod of mods) mod(client);
  return client;
}

/** Merges `spec` fields into the spec. */
export const withSpec =
  (spec: Partial<OIDCClientSpec>): ClientMod =>
  (client) => {
    client.spec = { ...client.spec, ...spec };
  };

/** A machine client: client_credentials only, no redirect URIs. */
export const machine: ClientMod = (client) => {
  client.spec = { providerRef: client.spec.providerRef, grantTypes: ['client_credentials'], responseTypes: [] };
};

/** A registration as the operator would have recorded it for `client`. */
export function recordedFor(client: OIDCClient, changes: Partial<RecordedRegistration> = {}): RecordedRegistration {
  return {
    provider: client.spec.providerRef.name,
    requestedClientId: client.spec.clientId,
    metadataHash: 'hash',
    clientId: client.spec.clientId ?? 'generated-id',
    clientSecret: 'secret-value',
    registrationAccessToken: 'rat-value',
    registrationClientUri: 'https://idp.example.com/register/generated-id',
    ...changes,
  };
}
