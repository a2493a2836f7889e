/**
 * Where each piece of state lives in Redis. Every key starts with the configured prefix and the model name, then a
 * fixed word saying what the key is, so an id can never be mistaken for an index key whatever characters it holds:
 *
 * | key | value | TTL |
 * | --- | --- | --- |
 * | `<prefix><Model>:rec:<id>` | the record as JSON | the record's `expiresIn` |
 * | `<prefix><Model>:grant:<grantId>` | set of ids of that model bound to the grant | ≥ its longest member's |
 * | `<prefix>Grant:client:<clientId>` | set of ids of the client's Grants | ≥ its longest member's |
 * | `<prefix><Model>:uid:<uid>` | id of the Session with that `uid` | the record's |
 * | `<prefix><Model>:ucode:<userCode>` | id of the DeviceCode with that `userCode` | the record's |
 *
 * On a Cluster every command and script touches exactly one key, so Redis Cluster may place keys in any slot: no hash
 * tag is needed and none is imposed (a `{…}` inside an id or a `keyPrefix` only changes which node holds the key). Only
 * on a single master, where keys have no slots, does a script (the record write) or `MGET` touch several keys.
 */
import type { ModelName } from '../../models/types.ts';

/** The keys of one model under one prefix. */
export interface ModelKeys {
  record(id: string): string;
  grant(grantId: string): string;
  client(clientId: string): string;
  uid(uid: string): string;
  userCode(userCode: string): string;
}

export function modelKeys(prefix: string, model: ModelName): ModelKeys {
  const base = `${prefix}${model}:`;
  return {
    record: (id) => `${base}rec:${id}`,
    grant: (grantId) => `${base}grant:${grantId}`,
    client: (clientId) => `${base}client:${clientId}`,
    uid: (uid) => `${base}uid:${uid}`,
    userCode: (userCode) => `${base}ucode:${userCode}`,
  };
}
