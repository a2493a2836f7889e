import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientMetadata, metadataHash, usesClientSecret } from '../../../operator/clients/metadata.ts';
import { machine, oidcClient, withSpec } from './fixtures.ts';

const jwk = { kty: 'EC' as const, crv: 'P-256' as const, x: 'x', y: 'y', kid: 'k' };

describe('OIDCClient spec → registration metadata', () => {
  const cases: { name: string; client: ReturnType<typeof oidcClient>; expected: Record<string, unknown> }[] = [
    {
      name: 'minimal web client: CRD defaults filled in, response_types left to the provider',
      client: oidcClient('web'),
      expected: {
        redirect_uris: ['https://app.example.com/callback'],
        grant_types: ['authorization_code'],
        scope: 'openid',
        token_endpoint_auth_method: 'client_secret_basic',
        access_token_format: 'opaque',
      },
    },
    {
      name: 'every field mapped to its RFC 7591 / OIDC registration name',
      client: oidcClient(
        'full',
        withSpec({
          clientId: 'full-app',
          clientName: 'Full app',
          postLogoutRedirectUris: ['https://app.example.com/bye'],
          grantTypes: ['authorization_code', 'refresh_token'],
          responseTypes: ['code'],
          scopes: ['openid', 'profile', 'offline_access'],
          tokenEndpointAuthMethod: 'private_key_jwt',
          jwks: { keys: [jwk] },
          backchannelLogoutUri: 'https://app.example.com/bcl',
          accessTokenFormat: 'jwt',
          idTokenSignedResponseAlg: 'ES256',
          lifetimes: { accessToken: 600, refreshToken: 86400, idToken: 300 },
        }),
      ),
      expected: {
        client_id: 'full-app',
        client_name: 'Full app',
        redirect_uris: ['https://app.example.com/callback'],
        post_logout_redirect_uris: ['https://app.example.com/bye'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid profile offline_access',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
        backchannel_logout_uri: 'https://app.example.com/bcl',
        access_token_format: 'jwt',
        id_token_signed_response_alg: 'ES256',
        access_token_lifetime: 600,
        refresh_token_lifetime: 86400,
        id_token_lifetime: 300,
      },
    },
    {
      name: 'machine client with jwksUri',
      client: oidcClient('m', machine, withSpec({ jwksUri: 'https://m.example.com/jwks' })),
      expected: {
        grant_types: ['client_credentials'],
        response_types: [],
        scope: 'openid',
        token_endpoint_auth_method: 'client_secret_basic',
        jwks_uri: 'https://m.example.com/jwks',
        access_token_format: 'opaque',
      },
    },
  ];
  for (const { name, client, expected } of cases) {
    it(name, () => {
      assert.deepEqual(clientMetadata(client.spec), expected);
    });
  }

  it('never carries a credential', () => {
    const metadata = clientMetadata(oidcClient('web', withSpec({ clientId: 'x' })).spec);
    for (const name of ['client_secret', 'registration_access_token']) assert.ok(!(name in metadata));
  });
});

describe('metadataHash', () => {
  it('is the same for the same metadata in any member order, different when a value changes', () => {
    assert.equal(
      metadataHash({ a: 1, b: [1, 2], c: { y: 1, x: 2 } }),
      metadataHash({ c: { x: 2, y: 1 }, b: [1, 2], a: 1 }),
    );
    assert.notEqual(metadataHash({ a: [1, 2] }), metadataHash({ a: [2, 1] }));
    const spec = oidcClient('web').spec;
    assert.equal(metadataHash(clientMetadata(spec)), metadataHash(clientMetadata(structuredClone(spec))));
    assert.notEqual(
      metadataHash(clientMetadata(spec)),
      metadataHash(clientMetadata({ ...spec, redirectUris: ['https://app.example.com/other'] })),
    );
  });
});

describe('usesClientSecret', () => {
  const table = [
    [undefined, true],
    ['client_secret_basic', true],
    ['client_secret_post', true],
    ['client_secret_jwt', true],
    ['private_key_jwt', false],
    ['none', false],
  ] as const;
  for (const [method, expected] of table) {
    it(`${method ?? '(default)'} → ${String(expected)}`, () => {
      assert.equal(usesClientSecret(oidcClient('c', withSpec({ tokenEndpointAuthMethod: method })).spec), expected);
    });
  }
});
