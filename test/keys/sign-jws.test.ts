import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateKeyFile } from '../../provider/keys/generate.ts';
import { signingAlgorithms } from '../../provider/keys/key-file.ts';
import { Keystore } from '../../provider/keys/keystore.ts';
import { signCompactJws } from '../../provider/keys/sign-jws.ts';

/**
 * The provider's own JWS (ID, JWT access and logout tokens) signed with Node's one-shot `crypto.sign`: for every
 * algorithm the compact JWS verifies against the published JWKS with jose — i.e. the encoding each algorithm needs
 * (PSS salt length, ES256's R‖S instead of DER, EdDSA without digest) is right — and carries the header and payload
 * given.
 */

describe('compact JWS signing', () => {
  it('verifies against the published JWKS for every algorithm', async () => {
    const keystore = await Keystore.load(await generateKeyFile(signingAlgorithms));
    const jwks = createLocalJWKSet(keystore.jwks);
    for (const alg of signingAlgorithms) {
      const key = keystore.signingKey(alg);
      assert.ok(key, alg);
      const payload = { iss: 'https://op.example', sub: 'alice', aud: 'rp', iat: 1000, exp: 2000, name: 'Ålice ✓' };
      const jws = await signCompactJws(payload, key, 'at+jwt');
      assert.deepEqual(decodeProtectedHeader(jws), { alg, kid: key.kid, typ: 'at+jwt' }, alg);
      const verified = await jwtVerify(jws, jwks, {
        algorithms: [alg],
        typ: 'at+jwt',
        currentDate: new Date(1500_000),
      });
      assert.deepEqual(verified.payload, payload, alg);
    }
  });

  it('a signature made for other bytes does not verify (the signature covers header and payload)', async () => {
    const keystore = await Keystore.load(await generateKeyFile(['RS256']));
    const key = keystore.signingKey('RS256');
    assert.ok(key);
    const [header, , signature] = (await signCompactJws({ sub: 'alice' }, key, 'JWT')).split('.');
    const forged = `${header}.${Buffer.from('{"sub":"mallory"}').toString('base64url')}.${signature}`;
    const verifying = keystore.verificationKey(key.kid);
    assert.ok(verifying);
    await assert.rejects(compactVerify(forged, verifying.key), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('the protected header follows the key and the typ (never mixed up between calls)', async () => {
    const keystore = await Keystore.load(await generateKeyFile(['RS256', 'ES256']));
    for (const alg of ['RS256', 'ES256'] as const) {
      const key = keystore.signingKey(alg);
      assert.ok(key, alg);
      for (const typ of ['JWT', 'at+jwt', 'JWT', 'logout+jwt', 'at+jwt']) {
        const jws = await signCompactJws({ sub: 'alice' }, key, typ);
        assert.deepEqual(decodeProtectedHeader(jws), { alg, kid: key.kid, typ });
      }
    }
  });
});
