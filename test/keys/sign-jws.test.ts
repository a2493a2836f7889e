import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateKeyFile } from '../../provider/keys/generate.ts';
import { signingAlgorithms } from '../../provider/keys/key-file.ts';
import { Keystore } from '../../provider/keys/keystore.ts';
import { signCompactJws } from '../../provider/keys/sign-jws.ts';

const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));

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

  it('signs on the event loop in a process limited to one CPU, and the JWS verifies the same', async (t) => {
    if (taskset === undefined) {
      t.skip('taskset is not installed');
      return;
    }
    const keyFile = await generateKeyFile(['RS256', 'ES256']);
    const keystore = await Keystore.load(keyFile);
    // A child pinned to one core (as the bench pins the provider) signs one token per algorithm.
    const script = `
      import { Keystore } from './provider/keys/keystore.ts';
      import { signCompactJws, signsInline } from './provider/keys/sign-jws.ts';
      const keystore = await Keystore.load(JSON.parse(process.argv[1]));
      const tokens = [];
      for (const alg of ['RS256', 'ES256']) tokens.push(await signCompactJws({ sub: 'alice', n: 1 }, keystore.signingKey(alg), 'JWT'));
      process.stdout.write(JSON.stringify({ signsInline, tokens }));`;
    const { stdout } = await promisify(execFile)(
      taskset,
      ['-c', '0', process.execPath, '--input-type=module', '-e', script, JSON.stringify(keyFile)],
      { cwd: new URL('../..', import.meta.url) },
    );
    const child = JSON.parse(stdout) as { signsInline: boolean; tokens: string[] };
    assert.equal(child.signsInline, true, 'one CPU: inline');
    const jwks = createLocalJWKSet(keystore.jwks);
    for (const token of child.tokens) {
      const verified = await jwtVerify(token, jwks, { typ: 'JWT' });
      assert.deepEqual(verified.payload, { sub: 'alice', n: 1 });
    }
  });
});
