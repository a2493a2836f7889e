import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyFile } from '../../provider/keys/generate.ts';
import { Keystore } from '../../provider/keys/keystore.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/**
 * Discovery and JWKS are served from bytes serialised once per keystore (provider/http/cached-document.ts): same body,
 * strong ETag, 304 on a matching If-None-Match, rebuilt when the keys are reloaded. Other responses carry no ETag
 * (Express no longer hashes every body).
 */
describe('discovery and JWKS served from cached bytes', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({
      clients: [
        {
          client_id: 'machine',
          client_secret: 'machine-secret-0123456789abcdef',
          redirect_uris: [],
          grant_types: ['client_credentials'],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
    });
  });
  after(() => provider.stop());

  /** Counts how often the JWKS of this keystore is read (each serialisation reads it once). */
  function counted(keystore: Keystore): { keystore: Keystore; reads: () => number } {
    const { jwks } = keystore;
    let reads = 0;
    Object.defineProperty(keystore, 'jwks', {
      get() {
        reads += 1;
        return jwks;
      },
    });
    return { keystore, reads: () => reads };
  }

  it('serialises the JWKS once per keystore, with a strong ETag and 304 on If-None-Match', async () => {
    const first = counted(await Keystore.load(await generateKeyFile(['ES256'])));
    provider.keys.current = first.keystore;
    const responses = [];
    for (let i = 0; i < 5; i += 1) responses.push(await fetch(`${provider.issuer}/jwks`));
    assert.equal(first.reads(), 1, 'one serialisation for five requests');
    const etag = responses[0]?.headers.get('etag') ?? '';
    assert.match(etag, /^"[\w-]{27}"$/);
    for (const response of responses) {
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('etag'), etag);
      assert.equal(response.headers.get('content-type'), 'application/jwk-set+json; charset=utf-8');
      assert.equal(response.headers.get('cache-control'), 'public, max-age=300');
      const body = (await response.json()) as { keys: { kid: string; d?: string }[] };
      assert.deepEqual(
        body.keys.map((key) => key.kid),
        first.keystore.publishedKeyIds,
      );
      assert.equal(body.keys[0]?.d, undefined, 'no private member');
    }
    const notModified = await fetch(`${provider.issuer}/jwks`, { headers: { 'if-none-match': `W/${etag}, "x"` } });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers.get('etag'), etag);
    assert.equal(await notModified.text(), '');
    const head = await fetch(`${provider.issuer}/jwks`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');

    // A key reload (a new Keystore) gives a new document and a new tag; the old tag no longer matches.
    const second = counted(await Keystore.load(await generateKeyFile(['RS256'])));
    provider.keys.current = second.keystore;
    const reloaded = await fetch(`${provider.issuer}/jwks`, { headers: { 'if-none-match': etag } });
    assert.equal(reloaded.status, 200);
    assert.notEqual(reloaded.headers.get('etag'), etag);
    const body = (await reloaded.json()) as { keys: { kid: string }[] };
    assert.deepEqual(
      body.keys.map((key) => key.kid),
      second.keystore.publishedKeyIds,
    );
    assert.equal(second.reads(), 1);
  });

  it('serves discovery with an ETag and 304, and still answers cross-origin reads', async () => {
    const url = `${provider.issuer}/.well-known/openid-configuration`;
    const response = await fetch(url, { headers: { origin: 'https://rp.example' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const etag = response.headers.get('etag') ?? '';
    assert.match(etag, /^"[\w-]{27}"$/);
    const document = (await response.json()) as { issuer: string; jwks_uri: string };
    assert.equal(document.issuer, provider.issuer);
    assert.equal((await fetch(url, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await fetch(url, { headers: { 'if-none-match': '"other"' } })).status, 200);
  });

  it('adds no ETag to token responses (no-store)', async () => {
    const response = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('machine:machine-secret-0123456789abcdef').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('etag'), null);
  });
});
