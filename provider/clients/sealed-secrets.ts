import { InvalidClientMetadata } from '../errors/oidc-error.ts';
import { SecretBox, SecretBoxError } from '../keys/secret-box.ts';
import type { ModelName, ModelTypes } from '../models/types.ts';
import type { Adapter, RecordsOf, Storage } from '../storage/adapter.ts';

/**
 * Client records at rest never hold a secret in plaintext: a client_secret_jwt secret (an HMAC key, which cannot be
 * hashed) is sealed with the key file's `secretKeys` on every write of a Client record and opened on every read
 * (`keys/secret-box.ts`), below every caller — registration, the client store, management — so none can forget it.
 * Without `secretKeys` such a record is refused (`invalid_client_metadata`) rather than stored in plaintext. A record
 * written before encryption at rest (plaintext) is still read, and sealed the next time it is written. A sealed secret
 * whose key the key file no longer lists reads as absent: the client can no longer authenticate with it.
 */
export function sealClientSecrets(storage: Storage, secretBox: () => SecretBox | undefined): Storage {
  let sealed: Adapter<ModelTypes['Client']> | undefined;
  const adapter = <M extends ModelName>(model: M): Adapter<ModelTypes[M]> => {
    if (model !== 'Client') return storage.adapter(model);
    sealed ??= sealedClientAdapter(storage.adapter('Client'), secretBox);
    return sealed as unknown as Adapter<ModelTypes[M]>;
  };
  return {
    adapter,
    // A Client record must be opened on the way out: read through its adapter then.
    findEach: <const M extends readonly ModelName[]>(models: M, id: string): Promise<RecordsOf<M>> =>
      models.includes('Client')
        ? (Promise.all(models.map((model) => adapter(model).find(id))) as Promise<RecordsOf<M>>)
        : storage.findEach(models, id),
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}

type ClientRecord = ModelTypes['Client'];

function sealedClientAdapter(
  inner: Adapter<ClientRecord>,
  secretBox: () => SecretBox | undefined,
): Adapter<ClientRecord> {
  const seal = (record: ClientRecord): ClientRecord => {
    const secret = record.secretForJwt;
    if (secret === undefined || SecretBox.isSealed(secret)) return record;
    const box = secretBox();
    if (!box) {
      throw new InvalidClientMetadata(
        'client_secret_jwt is not available: the provider has no secretKeys in its key file to encrypt the secret with',
      );
    }
    return { ...record, secretForJwt: box.seal(secret, record.jti) };
  };
  const open = (record: ClientRecord | undefined): ClientRecord | undefined => {
    const secret = record?.secretForJwt;
    if (!record || secret === undefined || !SecretBox.isSealed(secret)) return record;
    const { secretForJwt: _sealed, ...rest } = record;
    const box = secretBox();
    if (!box) return rest;
    try {
      return { ...rest, secretForJwt: box.open(secret, record.jti) };
    } catch (error) {
      if (error instanceof SecretBoxError) return rest;
      throw error;
    }
  };
  return {
    upsert: (id, payload, expiresIn) => inner.upsert(id, seal(payload), expiresIn),
    insert: (id, payload, expiresIn) => inner.insert(id, seal(payload), expiresIn),
    find: async (id) => open(await inner.find(id)),
    findByUid: async (uid) => open(await inner.findByUid(uid)),
    findByUserCode: async (userCode) => open(await inner.findByUserCode(userCode)),
    consume: async (id) => open(await inner.consume(id)),
    consumeIf: async (id, condition) => {
      const result = await inner.consumeIf(id, condition);
      return result.outcome === 'absent'
        ? result
        : { outcome: result.outcome, record: open(result.record) ?? result.record };
    },
    destroy: async (id) => open(await inner.destroy(id)),
    revokeByGrantId: (grantId) => inner.revokeByGrantId(grantId),
    revokeByClientId: (clientId) => inner.revokeByClientId(clientId),
  };
}
