/**
 * One model's records in Redis (key layout in `keys.ts`). A record is never stored without the grant index that lets
 * `revokeByGrantId` find it: on a single master one script writes both; on a Cluster the index goes first, the record
 * last, so if Redis fails half way an index may name a record that does not exist (harmless: readers check the
 * record). Reads through an index verify that the record
 * still carries the indexed value, since an index entry can outlive or predate its record.
 */
import type { ModelName, ModelTypes } from '../../models/types.ts';
import type { Clock } from '../../time/clock.ts';
import { epochSeconds } from '../../time/clock.ts';
import { clientIndexedModel, type Adapter, type ConsumeOutcome } from '../adapter.ts';
import type { RedisClient } from './connect.ts';
import { guarded } from './errors.ts';
import { modelKeys } from './keys.ts';

/** The fields storage indexes, when a record has them. */
interface Indexed {
  grantId?: unknown;
  clientId?: unknown;
  uid?: unknown;
  userCode?: unknown;
}

export function redisAdapter<M extends ModelName>(
  client: RedisClient,
  prefix: string,
  model: M,
  clock: Clock,
): Adapter<ModelTypes[M]> {
  type T = ModelTypes[M];
  const keys = modelKeys(prefix, model);
  const byClient = model === clientIndexedModel;
  const parse = (json: string | null): T | undefined => (json === null ? undefined : (JSON.parse(json) as T));
  const find = async (id: string): Promise<T | undefined> => parse(await guarded(() => client.get(keys.record(id))));
  const findBy = async (indexKey: string, field: 'uid' | 'userCode', value: string): Promise<T | undefined> => {
    const id = await guarded(() => client.get(indexKey));
    if (id === null) return undefined;
    const record = await find(id);
    return record && (record as Indexed)[field] === value ? record : undefined;
  };

  /**
   * On a single master (standalone, Sentinel) one script writes the indexes and the record together, atomically: one
   * round trip. On a Cluster the index keys live in other slots than the record, so the indexes go first (in
   * parallel) and the record last. With `onlyIfAbsent` the record is written with NX; on a Cluster, indexes written
   * for an id that already had a record point at that same id, which readers verify anyway.
   */
  const write = async (id: string, payload: T, expiresIn: number, onlyIfAbsent: boolean): Promise<boolean> => {
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw new RangeError(`expiresIn must be > 0, got ${expiresIn}`);
    const ttlMs = Math.ceil(expiresIn * 1000);
    const json = JSON.stringify(payload);
    const { grantId, clientId, uid, userCode } = payload as Indexed;
    const sets: string[] = [];
    const strings: string[] = [];
    if (typeof grantId === 'string' && grantId) sets.push(keys.grant(grantId));
    if (byClient && typeof clientId === 'string' && clientId) sets.push(keys.client(clientId));
    if (typeof uid === 'string' && uid) strings.push(keys.uid(uid));
    if (typeof userCode === 'string' && userCode) strings.push(keys.userCode(userCode));
    const indexKeys = [...sets, ...strings];
    return guarded(async () => {
      if (indexKeys.length > 0 && !client.isCluster) {
        const kinds = [...sets.map(() => 'set'), ...strings.map(() => 'str')];
        const args = [json, ttlMs, onlyIfAbsent ? 'NX' : '', id, ...kinds];
        return (await client.kubeoidcWrite(1 + indexKeys.length, keys.record(id), ...indexKeys, ...args)) === 1;
      }
      // A record without indexes (client-credentials tokens, PAR, interactions…) is one plain SET anywhere.
      await Promise.all([
        ...sets.map((key) => client.kubeoidcAddToSet(key, id, ttlMs)),
        ...strings.map((key) => client.set(key, id, 'PX', ttlMs)),
      ]);
      const reply = onlyIfAbsent
        ? await client.set(keys.record(id), json, 'PX', ttlMs, 'NX')
        : await client.set(keys.record(id), json, 'PX', ttlMs);
      return reply === 'OK';
    });
  };

  /**
   * Deletes the records an index set lists that still carry `field` = `value`, in batches (SSCAN) so a set with very
   * many members never means one huge reply or burst of scripts; resolves the ids deleted.
   */
  const revokeIndexed = async (setKey: string, field: 'grantId' | 'clientId', value: string): Promise<string[]> => {
    const removed: string[] = [];
    let cursor = '0';
    do {
      const [next, ids] = await guarded(() => client.sscan(setKey, cursor, 'COUNT', 200));
      cursor = next;
      if (ids.length === 0) continue;
      const deleted = await guarded(() =>
        Promise.all(ids.map((id) => client.kubeoidcDeleteIfField(keys.record(id), field, value))),
      );
      ids.forEach((id, index) => {
        if (deleted[index] === 1) removed.push(id);
      });
      // Remove only the ids handled here: a record bound to this value meanwhile keeps its index entry.
      await guarded(() => client.srem(setKey, ...ids));
    } while (cursor !== '0');
    return removed;
  };

  return {
    async upsert(id, payload, expiresIn) {
      await write(id, payload, expiresIn, false);
    },

    insert: (id, payload, expiresIn) => write(id, payload, expiresIn, true),

    find,
    findByUid: (uid) => findBy(keys.uid(uid), 'uid', uid),
    findByUserCode: (userCode) => findBy(keys.userCode(userCode), 'userCode', userCode),

    async consume(id) {
      return parse(await guarded(() => client.kubeoidcConsume(keys.record(id), epochSeconds(clock))));
    },

    async consumeIf(id, { clientId, issuedSince, now, equal = {} }) {
      const pairs = Object.entries(equal).flat();
      const reply = await guarded(() =>
        client.kubeoidcConsumeIf(keys.record(id), now, clientId, issuedSince ?? '', ...pairs),
      );
      if (reply === null) return { outcome: 'absent' };
      const [outcome, json] = reply;
      return { outcome: outcome as Exclude<ConsumeOutcome<T>['outcome'], 'absent'>, record: JSON.parse(json) as T };
    },

    async destroy(id) {
      const json = await guarded(() => client.getdel(keys.record(id)));
      if (json === null) return undefined;
      // Parsed once: the record resolved is the one whose index fields are read here.
      const record = JSON.parse(json) as T;
      // The record is gone; what follows only tidies indexes that would otherwise wait for their TTL.
      const { grantId, clientId, uid, userCode } = record as Indexed;
      const tidy: (() => Promise<unknown>)[] = [];
      if (typeof grantId === 'string' && grantId) tidy.push(() => client.srem(keys.grant(grantId), id));
      if (byClient && typeof clientId === 'string' && clientId) tidy.push(() => client.srem(keys.client(clientId), id));
      if (typeof uid === 'string' && uid) tidy.push(() => client.kubeoidcDeleteIfEquals(keys.uid(uid), id));
      if (typeof userCode === 'string' && userCode) {
        tidy.push(() => client.kubeoidcDeleteIfEquals(keys.userCode(userCode), id));
      }
      if (tidy.length > 0) await guarded(() => Promise.all(tidy.map((run) => run())));
      return record;
    },

    async revokeByGrantId(grantId) {
      await revokeIndexed(keys.grant(grantId), 'grantId', grantId);
    },

    async revokeByClientId(clientId) {
      return byClient ? revokeIndexed(keys.client(clientId), 'clientId', clientId) : [];
    },
  };
}
