import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT, exportSPKI, importJWK, type CryptoKey } from 'jose';
import {
  basicAuth,
  basicSecret,
  jwtSecret,
  pkce,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';

const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('client authentication at the token endpoint', () => {
  let provider: BackChannelProvider;
  let tokenUrl: string;
  before(async () => {
    provider = await startBackChannelProvider();
    tokenUrl = `${provider.issuer}/token`;
  });
  after(() => provider.stop());

  /** A fresh code of `clientId` and the parameters to redeem it. */
  async function codeParams(clientId: string): Promise<Record<string, string>> {
    const { code } = await seedCode(provider, { clientId });
    return { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
  }

  function assertion(clientId: string, claims: Record<string, unknown> = {}, lifetime = 60): SignJWT {
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetime);
  }

  const hmacKey = new TextEncoder().encode(jwtSecret);
  const withAssertion = (jwt: string) => ({ client_assertion_type: assertionType, client_assertion: jwt });

  function expectInvalidClient(
    response: { status: number; headers: Headers; body: Record<string, unknown> },
    basic = false,
  ): void {
    assert.equal(response.status, 401, JSON.stringify(response.body));
    assert.equal(response.body.error, 'invalid_client');
    const challenge = response.headers.get('www-authenticate');
    if (basic) assert.match(String(challenge), /^Basic realm="/);
    else assert.equal(challenge, null);
  }

  describe('client_secret_basic', () => {
    it('accepts form-urlencoded id and secret (RFC 6749 §2.3.1), even with ":" "+" "%" and non-ASCII', async () => {
      const response = await tokenRequest(provider, await codeParams('basic'), {
        authorization: basicAuth('basic', basicSecret),
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    });

    it('refuses a wrong secret with 401 and a Basic challenge', async () => {
      const params = await codeParams('basic');
      expectInvalidClient(await tokenRequest(provider, params, { authorization: basicAuth('basic', 'nope') }), true);
      expectInvalidClient(
        await tokenRequest(provider, params, { authorization: basicAuth('unknown', basicSecret) }),
        true,
      );
      // Not form-urlencoded: "%" followed by non-hex is not decodable, so the header is malformed.
      const raw = `Basic ${Buffer.from(`basic:${basicSecret}`).toString('base64')}`;
      const malformed = await tokenRequest(provider, params, { authorization: raw });
      assert.deepEqual([malformed.status, malformed.body.error], [400, 'invalid_request']);
      // "+" decodes to a space, so an unencoded "+" in a secret is a different secret.
      const plus = `Basic ${Buffer.from(`basic:${encodeURIComponent(basicSecret).replace('%2B', '+')}`).toString('base64')}`;
      expectInvalidClient(await tokenRequest(provider, params, { authorization: plus }), true);
      assert.equal(
        (await tokenRequest(provider, params, { authorization: basicAuth('basic', basicSecret) })).status,
        200,
      );
    });

    it('refuses Basic for a client registered for a method other than the two shared-secret ones', async () => {
      // client_secret_jwt never lets its secret travel: Basic with it is refused (basic ↔ post: secret-methods.test.ts).
      const params = await codeParams('jwt');
      expectInvalidClient(await tokenRequest(provider, params, { authorization: basicAuth('jwt', jwtSecret) }), true);
    });

    it('refuses malformed headers and two methods at once as invalid_request', async () => {
      const params = await codeParams('basic');
      const garbage = await tokenRequest(provider, params, { authorization: 'Basic !!!' });
      assert.deepEqual([garbage.status, garbage.body.error], [400, 'invalid_request']);
      const both = await tokenRequest(
        provider,
        { ...params, client_id: 'basic', client_secret: basicSecret },
        { authorization: basicAuth('basic', basicSecret) },
      );
      assert.deepEqual([both.status, both.body.error], [400, 'invalid_request']);
      const mismatch = await tokenRequest(
        provider,
        { ...params, client_id: 'post' },
        { authorization: basicAuth('basic', basicSecret) },
      );
      assert.equal(mismatch.body.error, 'invalid_request');
    });
  });

  describe('client_secret_post', () => {
    it('accepts client_id and client_secret in the body, refuses a wrong secret without a Basic challenge', async () => {
      const params = await codeParams('post');
      expectInvalidClient(await tokenRequest(provider, { ...params, client_id: 'post', client_secret: 'wrong' }));
      const ok = await tokenRequest(provider, { ...params, client_id: 'post', client_secret: 'post-secret' });
      assert.equal(ok.status, 200);
      expectInvalidClient(
        await tokenRequest(provider, { ...(await codeParams('jwt')), client_id: 'jwt', client_secret: jwtSecret }),
      );
    });
  });

  describe('client_secret_jwt', () => {
    it('accepts an HS256 assertion MACed with the secret, to the token endpoint or the issuer', async () => {
      for (const audience of [tokenUrl, provider.issuer]) {
        const jwt = await assertion('jwt').setAudience(audience).setProtectedHeader({ alg: 'HS256' }).sign(hmacKey);
        const response = await tokenRequest(provider, { ...(await codeParams('jwt')), ...withAssertion(jwt) });
        assert.equal(response.status, 200, JSON.stringify(response.body));
      }
    });

    it('refuses a wrong secret, another audience, an expired assertion, alg none, and the secret sent as such', async () => {
      const params = await codeParams('jwt');
      const wrongKey = new TextEncoder().encode('x'.repeat(48));
      const cases = [
        await assertion('jwt').setProtectedHeader({ alg: 'HS256' }).sign(wrongKey),
        await assertion('jwt')
          .setAudience('https://elsewhere.example')
          .setProtectedHeader({ alg: 'HS256' })
          .sign(hmacKey),
        await assertion('jwt', {}, -60).setProtectedHeader({ alg: 'HS256' }).sign(hmacKey),
        new UnsecuredJWT({ jti: randomUUID() })
          .setIssuer('jwt')
          .setSubject('jwt')
          .setAudience(tokenUrl)
          .setExpirationTime('1m')
          .encode(),
        await new SignJWT({})
          .setIssuer('jwt')
          .setSubject('jwt')
          .setAudience(tokenUrl)
          .setExpirationTime('1m')
          .setProtectedHeader({ alg: 'HS256' })
          .sign(hmacKey),
      ];
      for (const jwt of cases) expectInvalidClient(await tokenRequest(provider, { ...params, ...withAssertion(jwt) }));
      expectInvalidClient(await tokenRequest(provider, { ...params, client_id: 'jwt', client_secret: jwtSecret }));
    });
  });

  describe('private_key_jwt', () => {
    const sign = (claims: Record<string, unknown> = {}) =>
      assertion('pkjwt', claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'client-key-1' })
        .sign(provider.clientKey.privateKey);

    it('accepts an assertion signed with the registered key, once per jti', async () => {
      const jwt = await sign();
      provider.seen.length = 0;
      const first = await tokenRequest(provider, { ...(await codeParams('pkjwt')), ...withAssertion(jwt) });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const saved = provider.seen.find((event) => event.name === 'replay_detection.saved');
      assert.ok(saved, 'replay_detection.saved');
      const record = saved.args[0] as { kind: string; exp: number };
      assert.equal(record.kind, 'ReplayDetection');
      assert.ok(record.exp >= Math.floor(Date.now() / 1000) + 60, 'kept at least until the assertion expires');

      const replay = await tokenRequest(provider, { ...(await codeParams('pkjwt')), ...withAssertion(jwt) });
      expectInvalidClient(replay);
      assert.match(String(replay.body.error_description), /jti/);
    });

    it('refuses alg none and HS256 "signed" with the public key', async () => {
      const params = await codeParams('pkjwt');
      const unsigned = new UnsecuredJWT({ jti: randomUUID() })
        .setIssuer('pkjwt')
        .setSubject('pkjwt')
        .setAudience(tokenUrl)
        .setExpirationTime('1m')
        .encode();
      expectInvalidClient(await tokenRequest(provider, { ...params, ...withAssertion(unsigned) }));

      const publicKey = (await importJWK(provider.clientKey.publicJwk, 'ES256')) as CryptoKey;
      const pem = await exportSPKI(publicKey);
      const confusions = [
        new TextEncoder().encode(pem),
        new TextEncoder().encode(JSON.stringify(provider.clientKey.publicJwk)),
        Buffer.from(String(provider.clientKey.publicJwk.x), 'base64url'),
      ];
      for (const key of confusions) {
        const forged = await assertion('pkjwt').setProtectedHeader({ alg: 'HS256', kid: 'client-key-1' }).sign(key);
        const response = await tokenRequest(provider, { ...params, ...withAssertion(forged) });
        expectInvalidClient(response);
        assert.match(String(response.body.error_description), /alg/);
      }
    });

    it('refuses another key, a wrong issuer, a missing assertion type and a client_id that is not the subject', async () => {
      const params = await codeParams('pkjwt');
      const { privateKey } = await import('jose').then(({ generateKeyPair }) => generateKeyPair('ES256'));
      const otherKey = await assertion('pkjwt').setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
      expectInvalidClient(await tokenRequest(provider, { ...params, ...withAssertion(otherKey) }));
      const wrongIssuer = await assertion('pkjwt')
        .setIssuer('someone')
        .setProtectedHeader({ alg: 'ES256' })
        .sign(provider.clientKey.privateKey);
      expectInvalidClient(await tokenRequest(provider, { ...params, ...withAssertion(wrongIssuer) }));
      const jwt = await sign();
      const noType = await tokenRequest(provider, { ...params, client_assertion: jwt });
      assert.equal(noType.body.error, 'invalid_request');
      expectInvalidClient(await tokenRequest(provider, { ...params, ...withAssertion(jwt), client_id: 'jwt' }));
    });
  });

  describe('none', () => {
    it('lets a public client redeem its PKCE code with only client_id', async () => {
      const { verifier, challenge } = pkce();
      const { code } = await seedCode(provider, { clientId: 'public', codeChallenge: challenge });
      const response = await tokenRequest(provider, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: 'public',
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    });

    it('refuses a confidential client that sends no credentials, and a request that names no client', async () => {
      expectInvalidClient(await tokenRequest(provider, { ...(await codeParams('basic')), client_id: 'basic' }));
      expectInvalidClient(await tokenRequest(provider, await codeParams('basic')));
      expectInvalidClient(
        await tokenRequest(provider, { ...(await codeParams('public')), client_id: 'public', client_secret: 'x' }),
      );
    });
  });

  it('emits grant.error with the handled error for every failure', async () => {
    provider.seen.length = 0;
    await tokenRequest(provider, await codeParams('basic'), { authorization: basicAuth('basic', 'nope') });
    const event = provider.seen.find((seen) => seen.name === 'grant.error');
    assert.ok(event);
    assert.equal((event.args[1] as { error: string }).error, 'invalid_client');
    assert.equal(
      provider.seen.some((seen) => seen.name === 'server_error'),
      false,
    );
  });

  it('names the registered client a failed authentication claimed to be (never an unknown id), whatever the method', async () => {
    const claimed = async (body: Record<string, string>, headers: Record<string, string> = {}) => {
      provider.seen.length = 0;
      await tokenRequest(provider, body, headers);
      const event = provider.seen.find((seen) => seen.name === 'grant.error');
      return (event?.args[1] as { claimedClientId?: string } | undefined)?.claimedClientId;
    };
    assert.equal(await claimed(await codeParams('basic'), { authorization: basicAuth('basic', 'nope') }), 'basic');
    assert.equal(await claimed({ ...(await codeParams('post')), client_id: 'post', client_secret: 'nope' }), 'post');
    const forged = await assertion('jwt').setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('wrong'));
    assert.equal(await claimed({ ...(await codeParams('jwt')), ...withAssertion(forged) }), 'jwt');
    assert.equal(await claimed(await codeParams('basic'), { authorization: basicAuth('nobody', 'nope') }), undefined);
  });
});
