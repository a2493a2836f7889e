/** Which Secrets an OIDCProvider references, the index back from a Secret to its providers, and the keyed digest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  referencedSecretKeys,
  referencedSecretsDigest,
  SecretReferenceIndex,
} from '../../operator/providers/secret-references.ts';
import { oidcProvider, withSpec } from './fixtures.ts';

describe('referenced Secrets', () => {
  it('lists the Redis URL, the Redis password and the accounts Secret (default key) the spec references', () => {
    assert.deepEqual(referencedSecretKeys(oidcProvider('idp')), []);
    const provider = oidcProvider(
      'idp',
      withSpec({
        redis: { cluster: { nodes: ['r:6379'] }, passwordSecretRef: { name: 'redis', key: 'password' } },
        accountsSecretRef: { name: 'users' },
      }),
    );
    assert.deepEqual(referencedSecretKeys(provider), [
      { name: 'redis', key: 'password' },
      { name: 'users', key: 'accounts.yaml' },
    ]);
  });

  it('maps a Secret back to every provider that references it, and forgets deleted providers', () => {
    const index = new SecretReferenceIndex();
    index.set('a/one', ['a/redis', 'a/users']);
    index.set('a/two', ['a/redis']);
    assert.deepEqual(index.providersOf('a/redis'), ['a/one', 'a/two']);
    assert.deepEqual(index.providersOf('b/redis'), [], 'namespaces are part of the key');
    index.set('a/one', ['a/users']);
    assert.deepEqual(index.providersOf('a/redis'), ['a/two']);
    index.delete('a/two');
    assert.deepEqual(index.providersOf('a/redis'), []);
  });

  it('digests the values with a key: the value, its name and the key change it; the plain hash is not it', () => {
    const ref = { name: 'redis', key: 'url' };
    const digest = referencedSecretsDigest([{ ref, value: 'c2VjcmV0' }], 'k'.repeat(43));
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.equal(referencedSecretsDigest([{ ref, value: 'c2VjcmV0' }], 'k'.repeat(43)), digest);
    assert.notEqual(referencedSecretsDigest([{ ref, value: 'b3RoZXI=' }], 'k'.repeat(43)), digest);
    assert.notEqual(referencedSecretsDigest([{ ref, value: undefined }], 'k'.repeat(43)), digest);
    assert.notEqual(referencedSecretsDigest([{ ref, value: 'c2VjcmV0' }], 'j'.repeat(43)), digest);
  });
});
