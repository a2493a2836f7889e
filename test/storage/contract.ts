/**
 * The storage contract: one suite every adapter (memory, Redis standalone/Sentinel/Cluster) runs, so they are
 * interchangeable (like Hono's shared `runTest`). A subject gives the storage under test, a way to open more
 * connections to the same store (for concurrent `consume`), and a way to let time pass as the store sees it.
 *
 * ```ts
 * runStorageContract('memory', async () => ({ storage, peer: async () => storage, elapse: async (ms) => clock.advance(ms) }));
 * ```
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { modelNames, type AccessToken, type ModelName, type ModelTypes } from '../../provider/models/types.ts';
import type { Storage } from '../../provider/storage/adapter.ts';

/** What an adapter's test file hands to the contract. */
export interface ContractSubject {
  /** The storage under test. */
  readonly storage: Storage;
  /** Another storage on the same backing store (a separate connection where the store has connections). */
  peer(): Promise<Storage>;
  /** Lets `ms` milliseconds pass as the store sees them (a manual clock, or real waiting for Redis). */
  elapse(ms: number): Promise<void>;
  /** Releases whatever the subject started (peers, servers). */
  close(): Promise<void>;
}

const base = (kind: ModelName, jti: string): { jti: string; kind: ModelName; iat: number; exp: number } => ({
  jti,
  kind,
  iat: 1_767_225_600,
  exp: 1_767_229_200,
});

/** A grant-bound access token record. */
export function accessToken(jti: string, grantId: string): AccessToken {
  return {
    ...base('AccessToken', jti),
    kind: 'AccessToken',
    accountId: 'alice',
    clientId: 'app',
    grantId,
    scope: 'openid',
    gty: 'authorization_code',
    format: 'opaque',
    amr: [],
  };
}

/** A minimal record of any model (enough fields for storage, which treats records as opaque JSON). */
export function recordOf<M extends ModelName>(
  model: M,
  jti: string,
  extra: Record<string, unknown> = {},
): ModelTypes[M] {
  return { ...base(model, jti), ...extra } as unknown as ModelTypes[M];
}

/** Runs the contract against the subject `setup` creates. */
export function runStorageContract(name: string, setup: () => Promise<ContractSubject>): void {
  describe(`storage contract: ${name}`, () => {
    let subject: ContractSubject | undefined;
    let storage: Storage;
    const id = (label: string): string => `${label}-${randomUUID()}`;
    const elapse = (ms: number): Promise<void> => (subject ? subject.elapse(ms) : Promise.resolve());
    const peer = (): Promise<Storage> => (subject ? subject.peer() : Promise.reject(new Error('no subject')));
    before(async () => {
      subject = await setup();
      storage = subject.storage;
    });
    after(async () => {
      await subject?.close();
    });

    it('upserts, finds, replaces, and answers undefined for absent ids', async () => {
      const tokens = storage.adapter('AccessToken');
      const jti = id('at');
      assert.equal(await tokens.find(jti), undefined);
      await tokens.upsert(jti, accessToken(jti, 'g1'), 60);
      assert.deepEqual(await tokens.find(jti), accessToken(jti, 'g1'));
      await tokens.upsert(jti, { ...accessToken(jti, 'g1'), scope: 'openid profile' }, 60);
      assert.equal((await tokens.find(jti))?.scope, 'openid profile');
    });

    it('expires records after their TTL, indexes included', async () => {
      const sessions = storage.adapter('Session');
      const jti = id('sess');
      const uid = id('uid');
      await sessions.upsert(jti, recordOf('Session', jti, { uid, authorizations: {} }), 1);
      await sessions.upsert(
        `${jti}-long`,
        recordOf('Session', `${jti}-long`, { uid: `${uid}-long`, authorizations: {} }),
        60,
      );
      assert.ok(await sessions.find(jti));
      await elapse(1_100);
      assert.equal(await sessions.find(jti), undefined);
      assert.equal(await sessions.findByUid(uid), undefined);
      assert.equal(await sessions.consume(jti), undefined);
      assert.ok(await sessions.find(`${jti}-long`), 'the longer-lived record is still there');
    });

    it('finds a Session by uid, and not by a uid it no longer has', async () => {
      const sessions = storage.adapter('Session');
      const jti = id('sess');
      const uid = id('uid');
      await sessions.upsert(jti, recordOf('Session', jti, { uid, authorizations: {} }), 60);
      assert.equal((await sessions.findByUid(uid))?.jti, jti);
      assert.equal(await sessions.findByUid(id('other')), undefined);
      const newUid = id('uid');
      await sessions.upsert(jti, recordOf('Session', jti, { uid: newUid, authorizations: {} }), 60);
      assert.equal(await sessions.findByUid(uid), undefined);
      assert.equal((await sessions.findByUid(newUid))?.jti, jti);
      await sessions.destroy(jti);
      assert.equal(await sessions.findByUid(newUid), undefined);
    });

    it('reads one id as several models together (findEach), in the order asked', async () => {
      const jti = id('each');
      const token = accessToken(jti, 'g-each');
      await storage.adapter('AccessToken').upsert(jti, token, 60);
      await storage.adapter('RefreshToken').upsert(jti, recordOf('RefreshToken', jti, { grantId: 'g-each' }), 60);
      const [access, clientCredentials, refresh] = await storage.findEach(
        ['AccessToken', 'ClientCredentials', 'RefreshToken'],
        jti,
      );
      assert.deepEqual(access, token);
      assert.equal(clientCredentials, undefined);
      assert.equal(refresh?.kind, 'RefreshToken');
      assert.deepEqual(await storage.findEach(['RefreshToken', 'AccessToken'], id('absent')), [undefined, undefined]);
      const odd = `{${id('odd')}}:*\n`;
      await storage.adapter('ClientCredentials').upsert(odd, recordOf('ClientCredentials', odd), 60);
      assert.equal((await storage.findEach(['AccessToken', 'ClientCredentials'], odd))[1]?.jti, odd);
    });

    it('finds a DeviceCode by user code', async () => {
      const codes = storage.adapter('DeviceCode');
      const jti = id('dc');
      const userCode = `WDJB-${randomUUID().slice(0, 4).toUpperCase()}`;
      await codes.upsert(
        jti,
        recordOf('DeviceCode', jti, { clientId: 'tv', userCode, params: { scope: 'openid' } }),
        60,
      );
      assert.equal((await codes.findByUserCode(userCode))?.jti, jti);
      assert.equal(await codes.findByUserCode('NOPE-NOPE'), undefined);
      // Index keys are per model: a Session adapter does not see device user codes.
      assert.equal(await storage.adapter('Session').findByUserCode(userCode), undefined);
      await codes.destroy(jti);
      assert.equal(await codes.findByUserCode(userCode), undefined);
    });

    it('consumes once: sets `consumed`, keeps the rest and the TTL, answers the consumed record; missing ids are undefined', async () => {
      const codes = storage.adapter('AuthorizationCode');
      const jti = id('code');
      const record = recordOf('AuthorizationCode', jti, { grantId: 'g', amr: [], claims: '{"a":[]}', n: 12345678901 });
      await codes.upsert(jti, record, 2);
      const consumed = await codes.consume(jti);
      const found = await codes.find(jti);
      assert.equal(typeof found?.consumed, 'number');
      assert.deepEqual(consumed, found, 'consume answers the record as stored after it');
      assert.deepEqual({ ...found, consumed: undefined }, { ...record, consumed: undefined });
      assert.equal(await codes.consume(jti), undefined);
      assert.equal(await codes.consume(id('missing')), undefined);
      await elapse(2_100);
      assert.equal(await codes.find(jti), undefined, 'consume kept the original expiry');
    });

    it('consumeIf checks client, registration, expiry, then fields before it marks; answers absent, refused, used, won distinctly', async () => {
      const tokens = storage.adapter('RefreshToken');
      const jti = id('rt-if');
      // iat 1_767_225_600, exp 1_767_229_200 (base); `now` is the caller's, so expiry is tested without waiting.
      const record = recordOf('RefreshToken', jti, { clientId: 'app', grantId: 'g', amr: [], n: 12345678901 });
      const now = 1_767_226_000;
      await tokens.upsert(jti, record, 2);
      const when = { clientId: 'app', now };
      assert.deepEqual(await tokens.consumeIf(id('missing'), when), { outcome: 'absent' });
      const refusals = [
        { clientId: 'other', now },
        { clientId: 'app', now: 1_767_229_200 },
        { clientId: 'app', issuedSince: 1_767_225_601, now },
      ];
      for (const condition of refusals) {
        assert.deepEqual(
          await tokens.consumeIf(jti, condition),
          { outcome: 'refused', record },
          JSON.stringify(condition),
        );
      }
      const code = { clientId: 'app', now, equal: { jti, n: 'x' } };
      assert.deepEqual(await tokens.consumeIf(jti, code), { outcome: 'refused', record }, 'a field differs');
      assert.deepEqual(await tokens.find(jti), record, 'a refusal leaves the record unused');
      const won = await tokens.consumeIf(jti, { clientId: 'app', issuedSince: 1_767_225_600, now, equal: { jti } });
      assert.deepEqual(won, { outcome: 'won', record: { ...record, consumed: now } });
      assert.deepEqual(await tokens.find(jti), { ...record, consumed: now }, 'stored as answered');
      assert.deepEqual(await tokens.consumeIf(jti, when), { outcome: 'used', record: { ...record, consumed: now } });
      assert.deepEqual(
        await tokens.consumeIf(jti, code),
        { outcome: 'used', record: { ...record, consumed: now } },
        '"used" comes before the field checks: a replay is a replay whatever it presents',
      );
      assert.deepEqual(
        await tokens.consumeIf(jti, { clientId: 'other', now }),
        { outcome: 'refused', record: { ...record, consumed: now } },
        'another client learns nothing of use: refused before "used"',
      );
      assert.equal((await tokens.consume(jti)) ?? 'not again', 'not again', 'consume agrees it is used');
      await elapse(2_100);
      assert.deepEqual(await tokens.consumeIf(jti, when), { outcome: 'absent' }, 'consumeIf kept the original expiry');
      const peers = await Promise.all(Array.from({ length: 20 }, () => peer()));
      try {
        const raced = id('race-if');
        await tokens.upsert(raced, recordOf('RefreshToken', raced, { clientId: 'app', grantId: 'g' }), 60);
        const results = await Promise.all(peers.map((other) => other.adapter('RefreshToken').consumeIf(raced, when)));
        const outcomes = results.map((result) => result.outcome);
        assert.equal(outcomes.filter((outcome) => outcome === 'won').length, 1, outcomes.join(','));
        assert.equal(outcomes.filter((outcome) => outcome === 'used').length, 19, outcomes.join(','));
      } finally {
        await Promise.all(peers.filter((other) => other !== storage).map((other) => other.close()));
      }
    });

    it('inserts only when absent: exactly one of 20 concurrent inserts of one id wins; expiry frees the id', async () => {
      const replays = storage.adapter('ReplayDetection');
      const first = id('jti');
      assert.equal(await replays.insert(first, recordOf('ReplayDetection', first), 1), true);
      assert.equal(await replays.insert(first, recordOf('ReplayDetection', first, { again: true }), 60), false);
      const kept = await replays.find(first);
      assert.ok(kept && !('again' in kept), 'the first record stays');
      await elapse(1_100);
      assert.equal(await replays.insert(first, recordOf('ReplayDetection', first), 60), true, 'expired ids are free');
      const peers = await Promise.all(Array.from({ length: 20 }, () => peer()));
      try {
        const jti = id('race-insert');
        const results = await Promise.all(
          peers.map((other) => other.adapter('ReplayDetection').insert(jti, recordOf('ReplayDetection', jti), 60)),
        );
        assert.equal(results.filter(Boolean).length, 1, results.join(','));
      } finally {
        await Promise.all(peers.filter((other) => other !== storage).map((other) => other.close()));
      }
    });

    it('destroy answers the removed record to exactly one of 20 concurrent callers; absent and expired ids answer undefined', async () => {
      const interactions = storage.adapter('Interaction');
      const kept = id('take');
      const record = recordOf('Interaction', kept, { clientId: 'app', params: { scope: 'openid' } });
      await interactions.upsert(kept, record, 60);
      assert.deepEqual(await interactions.destroy(kept), record);
      assert.equal(await interactions.find(kept), undefined);
      assert.equal(await interactions.destroy(kept), undefined, 'already removed');
      assert.equal(await interactions.destroy(id('missing')), undefined);
      const expiring = id('take-expired');
      await interactions.upsert(expiring, recordOf('Interaction', expiring), 1);
      await elapse(1_100);
      assert.equal(await interactions.destroy(expiring), undefined, 'expired');
      const peers = await Promise.all(Array.from({ length: 20 }, () => peer()));
      try {
        const raced = id('race-take');
        await interactions.upsert(raced, recordOf('Interaction', raced), 60);
        const results = await Promise.all(peers.map((other) => other.adapter('Interaction').destroy(raced)));
        assert.equal(results.filter(Boolean).length, 1, results.map((result) => (result ? 'took' : '-')).join(','));
      } finally {
        await Promise.all(peers.filter((other) => other !== storage).map((other) => other.close()));
      }
    });

    it('lets exactly one of 20 concurrent consumers from separate connections win', async () => {
      const peers = await Promise.all(Array.from({ length: 20 }, () => peer()));
      try {
        for (let round = 0; round < 3; round++) {
          const jti = id('race');
          await storage.adapter('RefreshToken').upsert(jti, recordOf('RefreshToken', jti, { grantId: 'g' }), 60);
          const results = await Promise.all(peers.map((peer) => peer.adapter('RefreshToken').consume(jti)));
          assert.equal(
            results.filter(Boolean).length,
            1,
            `round ${round}: ${results.map((result) => (result ? 'won' : 'lost')).join(',')}`,
          );
        }
      } finally {
        await Promise.all(peers.filter((peer) => peer !== storage).map((peer) => peer.close()));
      }
    });

    it('destroys records; destroying an absent id is fine', async () => {
      const grants = storage.adapter('Grant');
      const jti = id('grant');
      await grants.upsert(jti, recordOf('Grant', jti, { scopes: [], claims: [], resources: {} }), 60);
      await grants.destroy(jti);
      assert.equal(await grants.find(jti), undefined);
      await grants.destroy(jti);
      await grants.destroy(id('never'));
    });

    it("revokes by grant id only that grant's records of that model", async () => {
      const [g1, g2] = [id('g1'), id('g2')];
      const tokens = storage.adapter('AccessToken');
      const refresh = storage.adapter('RefreshToken');
      const a = [id('a'), id('a'), id('a')];
      for (const jti of a) await tokens.upsert(jti, accessToken(jti, g1), 60);
      const other = id('a');
      await tokens.upsert(other, accessToken(other, g2), 60);
      const rt = id('rt');
      await refresh.upsert(rt, recordOf('RefreshToken', rt, { grantId: g1 }), 60);
      // A record moved to another grant is not removed with its old grant.
      const moved = id('a');
      await tokens.upsert(moved, accessToken(moved, g1), 60);
      await tokens.upsert(moved, accessToken(moved, g2), 60);

      await tokens.revokeByGrantId(g1);
      for (const jti of a) assert.equal(await tokens.find(jti), undefined);
      assert.ok(await tokens.find(other), 'other grant kept');
      assert.ok(await tokens.find(moved), 'record now bound to another grant kept');
      assert.ok(await refresh.find(rt), 'other model kept');
      await tokens.revokeByGrantId(g1); // idempotent
      await tokens.revokeByGrantId(id('unknown'));
      await refresh.revokeByGrantId(g1);
      assert.equal(await refresh.find(rt), undefined);
    });

    it("revokes by client id that client's grants only, and answers their ids", async () => {
      const [c1, c2] = [id('c1'), id('c2')];
      const grants = storage.adapter('Grant');
      const grant = (jti: string, clientId: string) =>
        recordOf('Grant', jti, { accountId: 'alice', clientId, scopes: ['openid'], claims: [], resources: {} });
      const mine = [id('g'), id('g')];
      for (const jti of mine) await grants.upsert(jti, grant(jti, c1), 60);
      const theirs = id('g');
      await grants.upsert(theirs, grant(theirs, c2), 60);
      // A grant id reused by another client since is not removed with the first client.
      const moved = id('g');
      await grants.upsert(moved, grant(moved, c1), 60);
      await grants.upsert(moved, grant(moved, c2), 60);

      assert.deepEqual((await grants.revokeByClientId(c1)).sort(), [...mine].sort());
      for (const jti of mine) assert.equal(await grants.find(jti), undefined);
      assert.ok(await grants.find(theirs), 'other client kept');
      assert.ok(await grants.find(moved), 'grant now of another client kept');
      assert.deepEqual(await grants.revokeByClientId(c1), []); // idempotent
      assert.deepEqual(await storage.adapter('AccessToken').revokeByClientId(c2), [], 'only Grant is indexed');
      assert.deepEqual((await grants.revokeByClientId(c2)).sort(), [theirs, moved].sort());
    });

    it('hands out copies: mutating a given or found object does not change the store', async () => {
      const tokens = storage.adapter('AccessToken');
      const jti = id('at');
      const payload = accessToken(jti, 'g');
      await tokens.upsert(jti, payload, 60);
      payload.scope = 'changed';
      const found = await tokens.find(jti);
      assert.ok(found);
      assert.equal(found.scope, 'openid');
      found.scope = 'mutated';
      found.amr?.push('pwd');
      assert.deepEqual(await tokens.find(jti), accessToken(jti, 'g'));
    });

    it('stores every model, each in its own namespace', async () => {
      const jti = id('same');
      for (const model of modelNames) await storage.adapter(model).upsert(jti, recordOf(model, jti), 60);
      for (const model of modelNames) assert.equal((await storage.adapter(model).find(jti))?.kind, model);
      await storage.adapter('Client').destroy(jti);
      assert.equal(await storage.adapter('Client').find(jti), undefined);
      assert.equal((await storage.adapter('Grant').find(jti))?.kind, 'Grant');
    });

    it('keeps large payloads intact', async () => {
      const clients = storage.adapter('Client');
      const jti = id('big');
      const metadata = {
        blob: 'x'.repeat(1_000_000),
        unicode: '✓ žluťoučký 🚀',
        list: Array.from({ length: 5000 }, (_, i) => i),
      };
      await clients.upsert(jti, recordOf('Client', jti, { metadata }), 60);
      assert.deepEqual((await clients.find(jti))?.metadata, metadata);
    });

    it('accepts ids with odd characters', async () => {
      const odd = [
        'a:b:c',
        '{tag}',
        'x}{y',
        'sp ace',
        'new\nline',
        '*?[]',
        'ünï©ødé🚀',
        '../..',
        '%00',
        'A'.repeat(512),
      ];
      const tokens = storage.adapter('AccessToken');
      const grantId = `{${id('grant')}}:*`;
      for (const jti of odd) await tokens.upsert(jti, accessToken(jti, grantId), 60);
      for (const jti of odd) assert.equal((await tokens.find(jti))?.jti, jti);
      assert.equal((await tokens.consume(odd[1] ?? ''))?.jti, odd[1]);
      await tokens.revokeByGrantId(grantId);
      for (const jti of odd) assert.equal(await tokens.find(jti), undefined);
    });

    it('answers ping', async () => {
      await storage.ping();
    });
  });
}
