import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../provider/config/config-error.ts';
import { defaults } from '../../provider/config/options.ts';
import { devClients, devFeatures } from '../../provider/config/dev-defaults.ts';
import { deepMerge } from '../../provider/config/merge.ts';
import type { ProviderConfig } from '../../provider/config/options.ts';
import { loadStaticClients, metadataContext } from '../../provider/clients/client-store.ts';
import { validateClientMetadata, type MetadataContext } from '../../provider/clients/metadata.ts';
import { hashClientSecret, verifyClientSecret } from '../../provider/clients/secret.ts';
import { hashPassword } from '../../provider/accounts/password.ts';

const context: MetadataContext = metadataContext(defaults);
/** The development default turns every feature on; its demo clients (device grant, JWT access tokens) need them. */
const devContext: MetadataContext = metadataContext({
  ...defaults,
  features: deepMerge(defaults.features, devFeatures('0'.repeat(64))) as ProviderConfig['features'],
});
const web = { client_id: 'app', client_secret: 'a-secret', redirect_uris: ['https://app.example/cb'] };

function problem(input: Record<string, unknown>, ctx: MetadataContext = context): { error: string; field: string } {
  try {
    validateClientMetadata(input, ctx);
  } catch (error) {
    const { error: code, field } = error as { error: string; field: string };
    return { error: code, field };
  }
  assert.fail('metadata was accepted');
}

describe('client metadata validation (OIDC Dynamic Registration §2)', () => {
  it('applies the registration defaults', () => {
    const { metadata, secret } = validateClientMetadata(web, context);
    assert.equal(secret, 'a-secret');
    assert.deepEqual(metadata.grant_types, ['authorization_code']);
    assert.deepEqual(metadata.response_types, ['code']);
    assert.equal(metadata.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(metadata.application_type, 'web');
    assert.equal(metadata.id_token_signed_response_alg, 'RS256');
    assert.equal(metadata.access_token_format, 'opaque');
    assert.equal(metadata.scope, defaults.scopes.join(' '));
    assert.equal('client_secret' in metadata, false);
  });

  it('accepts the development clients', () => {
    const clients = loadStaticClients(devClients, devContext);
    assert.equal(clients.get('demo-spa')?.isPublic, true);
    assert.equal(clients.get('demo')?.isPublic, false);
    assert.equal(JSON.stringify(clients.get('demo')).includes('demo-secret'), false);
  });

  for (const [uri, expected] of [
    ['https://app.example/cb#frag', 'redirect_uris[0]'],
    ['http://app.example/cb', 'redirect_uris[0]'],
    ['/relative', 'redirect_uris[0]'],
    ['com.example.app:/cb', 'redirect_uris[0]'],
    ['https://user:pw@app.example/cb', 'redirect_uris[0]'],
  ] as const) {
    it(`refuses web redirect URI ${uri}`, () => {
      assert.deepEqual(problem({ ...web, redirect_uris: [uri] }), { error: 'invalid_redirect_uri', field: expected });
    });
  }

  it('allows http on loopback, and private-use schemes for native clients only', () => {
    for (const uri of ['http://localhost:8080/cb', 'http://127.0.0.1/cb', 'http://[::1]:9/cb']) {
      validateClientMetadata({ ...web, redirect_uris: [uri] }, context);
    }
    const native = { ...web, application_type: 'native', redirect_uris: ['com.example.app:/cb'] };
    assert.deepEqual(validateClientMetadata(native, context).metadata.redirect_uris, ['com.example.app:/cb']);
    assert.equal(problem({ ...native, redirect_uris: ['myapp:/cb'] }).error, 'invalid_redirect_uri');
    assert.equal(problem({ ...native, redirect_uris: ['javascript:alert(1)'] }).error, 'invalid_redirect_uri');
  });

  it('checks post_logout_redirect_uris by the same rules', () => {
    assert.deepEqual(problem({ ...web, post_logout_redirect_uris: ['https://ok.example/', 'http://x.example/'] }), {
      error: 'invalid_redirect_uri',
      field: 'post_logout_redirect_uris[1]',
    });
  });

  it('keeps grant and response types consistent', () => {
    assert.equal(
      problem({ ...web, grant_types: ['client_credentials'], response_types: ['code'] }).field,
      'grant_types',
    );
    assert.equal(
      problem({ ...web, grant_types: ['authorization_code'], response_types: ['none'] }).field,
      'response_types',
    );
    assert.equal(problem({ ...web, grant_types: ['refresh_token'], response_types: [] }).field, 'grant_types');
    assert.equal(problem({ ...web, grant_types: ['implicit'] }).field, 'grant_types');
    assert.equal(problem({ ...web, response_types: ['id_token'] }).field, 'response_types');
    const service = validateClientMetadata(
      { client_id: 'svc', client_secret: 's', grant_types: ['client_credentials'] },
      context,
    );
    assert.deepEqual(service.metadata.response_types, []);
    assert.equal(problem({ client_id: 'x', redirect_uris: [] }).field, 'redirect_uris');
  });

  it('requires the material of the authentication method, and nothing else', () => {
    assert.equal(problem({ ...web, client_secret: undefined }).field, 'client_secret');
    assert.equal(problem({ ...web, token_endpoint_auth_method: 'none' }).field, 'client_secret');
    assert.equal(problem({ ...web, token_endpoint_auth_method: 'client_secret_jwt' }).field, 'client_secret');
    assert.equal(
      problem({ ...web, token_endpoint_auth_method: 'tls_client_auth' }).field,
      'token_endpoint_auth_method',
    );
    const pk = {
      client_id: 'pk',
      redirect_uris: ['https://a.example/cb'],
      token_endpoint_auth_method: 'private_key_jwt',
    };
    assert.equal(problem(pk).field, 'jwks');
    assert.equal(problem({ ...pk, jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] } }).field, 'jwks.keys[0]');
    assert.equal(
      problem({ ...pk, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] } }).field,
      'jwks.keys[0]',
    );
    assert.equal(problem({ ...pk, jwks_uri: 'http://keys.example/jwks' }).field, 'jwks_uri');
    assert.equal(problem({ ...pk, jwks_uri: 'https://k.example/', jwks: { keys: [] } }).field, 'jwks');
    assert.equal(
      problem({ ...pk, jwks_uri: 'https://k.example/', token_endpoint_auth_signing_alg: 'HS256' }).field,
      'token_endpoint_auth_signing_alg',
    );
    assert.equal(
      problem({ ...pk, jwks_uri: 'https://k.example/', token_endpoint_auth_signing_alg: 'none' }).field,
      'token_endpoint_auth_signing_alg',
    );
    assert.equal(
      problem({ client_id: 'p', token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] }).field,
      'grant_types',
    );
  });

  it('refuses unsupported scopes and ID token algorithms', () => {
    assert.equal(problem({ ...web, scope: 'openid admin' }).field, 'scope');
    assert.equal(problem({ ...web, id_token_signed_response_alg: 'none' }).field, 'id_token_signed_response_alg');
    assert.equal(problem({ ...web, id_token_signed_response_alg: 'HS256' }).field, 'id_token_signed_response_alg');
    assert.equal(problem({ ...web, access_token_format: 'jwt' }).field, 'access_token_format');
  });
});

describe('static clients from configuration', () => {
  it('names the bad option clients[i].field', () => {
    const bad = [devClients[0], { ...devClients[1], redirect_uris: ['http://evil.example/cb'] }];
    assert.throws(
      () => loadStaticClients(bad, devContext),
      (error: unknown) => error instanceof ConfigError && error.option === 'clients[1].redirect_uris[0]',
    );
    assert.throws(
      () => loadStaticClients([{ ...web, redirect_uri: 'x' } as never], context),
      (error: unknown) => error instanceof ConfigError && error.option === 'clients[0].redirect_uri',
    );
    assert.throws(
      () => loadStaticClients([web, web], context),
      (error: unknown) => error instanceof ConfigError && error.option === 'clients[1].client_id',
    );
  });

  it('keeps only a hash of secrets used by basic/post, and the HMAC key for client_secret_jwt', async () => {
    const jwtSecret = 'x'.repeat(32);
    const clients = loadStaticClients(
      [web, { ...web, client_id: 'jwt', client_secret: jwtSecret, token_endpoint_auth_method: 'client_secret_jwt' }],
      context,
    );
    const basic = clients.get('app')!;
    assert.equal(await basic.verifySecret('a-secret'), true);
    assert.equal(await basic.verifySecret('a-secreT'), false);
    assert.equal(basic.jwtSecret(), undefined);
    assert.equal(JSON.stringify(basic.toRecord(0, 1)).includes('a-secret'), false);
    const jwt = clients.get('jwt')!;
    assert.equal(jwt.jwtSecret(), jwtSecret);
    assert.equal(await jwt.verifySecret(jwtSecret), false, 'a client_secret_jwt client never sends its secret');
  });
});

describe('client secret hashes', () => {
  it('verifies salted SHA-256 and scrypt hashes, and never a malformed one', async () => {
    const hash = hashClientSecret('s3cret');
    assert.notEqual(hash, hashClientSecret('s3cret'), 'salted');
    assert.equal(await verifyClientSecret('s3cret', hash), true);
    assert.equal(await verifyClientSecret('s3cret ', hash), false);
    assert.equal(await verifyClientSecret('s3cret', hash.slice(0, -1)), false);
    const scrypt = await hashPassword('s3cret', { N: 1024, r: 8, p: 1 });
    assert.equal(await verifyClientSecret('s3cret', scrypt), true);
    assert.equal(await verifyClientSecret('other', scrypt), false);
  });
});
