/**
 * A Redis adapter for panva's oidc-provider (the benchmark peer), so the peer keeps its state where kubeoidc keeps
 * its own: one Redis per server, one round trip per operation where the adapter interface allows it. The interface
 * is oidc-provider's (`upsert`, `find`, `findByUid`, `findByUserCode`, `consume`, `destroy`, `revokeByGrantId`); the
 * layout follows the shape of its documented example adapter, written afresh:
 *
 * - `<prefix><Model>:<id>`: the record as JSON (`SET … EX`); models that can be consumed keep it in a hash
 *   (`payload`, `consumed`) so `consume` is one `HSET` that keeps the key's expiry;
 * - `<prefix>grant:<grantId>`: a list of the keys bound to a grant, for `revokeByGrantId`;
 * - `<prefix><Model>:uid:<uid>` and `<prefix><Model>:userCode:<code>`: the id of the Session / DeviceCode they name.
 *
 * Writes of one `upsert` go in one MULTI (one round trip). Bench code only: kubeoidc never imports oidc-provider.
 */
import type { Redis } from 'ioredis';

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string };

/** Models oidc-provider consumes (`consume`): stored as hashes so the flag is one field write. */
const consumable = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** Models bound to a grant, removed together by `revokeByGrantId`. */
const grantable = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/** Sets `consumed` only on a live record (a bare `HSET` would recreate an expired one without a TTL). */
const consumeScript = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'consumed', ARGV[1]) end`;

function consumeIfPresent(client: Redis, recordKey: string, at: number): Promise<unknown> {
  const scripted = client as Redis & { benchConsume?: (key: string, at: number) => Promise<unknown> };
  if (!scripted.benchConsume) client.defineCommand('benchConsume', { numberOfKeys: 1, lua: consumeScript });
  return (scripted as Required<typeof scripted>).benchConsume(recordKey, at);
}

/** Builds the adapter class oidc-provider instantiates once per model name, over one shared client. */
export function redisAdapter(client: Redis, prefix = 'oidc:') {
  const key = (model: string, id: string): string => `${prefix}${model}:${id}`;

  return class RedisAdapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const recordKey = key(this.model, id);
      const multi = client.multi();
      if (consumable.has(this.model)) {
        multi.del(recordKey);
        multi.hset(recordKey, 'payload', JSON.stringify(payload));
        if (expiresIn) multi.expire(recordKey, expiresIn);
      } else if (expiresIn) {
        multi.set(recordKey, JSON.stringify(payload), 'EX', expiresIn);
      } else {
        multi.set(recordKey, JSON.stringify(payload));
      }
      if (grantable.has(this.model) && payload.grantId) {
        const grantKey = `${prefix}grant:${payload.grantId}`;
        multi.rpush(grantKey, recordKey);
        // The grant's list lives as long as its longest member; never shortened.
        if (expiresIn) multi.expire(grantKey, expiresIn, 'GT');
        multi.expire(grantKey, expiresIn ?? 14 * 24 * 3600, 'NX');
      }
      for (const index of [
        payload.userCode && key(this.model, `userCode:${payload.userCode}`),
        payload.uid && key(this.model, `uid:${payload.uid}`),
      ]) {
        if (!index) continue;
        if (expiresIn) multi.set(index, id, 'EX', expiresIn);
        else multi.set(index, id);
      }
      await multi.exec();
    }

    async find(id: string): Promise<Payload | undefined> {
      const recordKey = key(this.model, id);
      if (consumable.has(this.model)) {
        const { payload, consumed } = await client.hgetall(recordKey);
        if (!payload) return undefined;
        const record = JSON.parse(payload) as Payload;
        return consumed ? { ...record, consumed: Number(consumed) } : record;
      }
      const text = await client.get(recordKey);
      return text ? (JSON.parse(text) as Payload) : undefined;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const id = await client.get(key(this.model, `uid:${uid}`));
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const id = await client.get(key(this.model, `userCode:${userCode}`));
      return id ? this.find(id) : undefined;
    }

    async consume(id: string): Promise<void> {
      await consumeIfPresent(client, key(this.model, id), Math.floor(Date.now() / 1000));
    }

    async destroy(id: string): Promise<void> {
      await client.del(key(this.model, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const grantKey = `${prefix}grant:${grantId}`;
      const keys = await client.lrange(grantKey, 0, -1);
      await client.del(...keys, grantKey);
    }
  };
}
