import type { Clock } from '../time/clock.ts';
import type { ModelName, ModelTypes } from '../models/types.ts';
import { clientIndexedModel, StorageFullError, type Adapter, type RecordsOf, type Storage } from './adapter.ts';

interface Entry {
  model: ModelName;
  /** JSON text, so callers never share mutable objects with the store (as with Redis). */
  json: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  grantId?: string;
  clientId?: string;
  uid?: string;
  userCode?: string;
}

/**
 * Models anyone can make the provider create without authenticating as an end-user or a confidential client: an
 * interaction per `/authorize` request, a pushed request or a device code per public-client call, a client (and its
 * registration access token) per open registration. Each may fill at most this share of `maxEntries`, so a flood of
 * them leaves room for sessions, grants, tokens and replay-detection records.
 */
export const floodableModels: ReadonlySet<ModelName> = new Set<ModelName>([
  'Interaction',
  'PushedAuthorizationRequest',
  'DeviceCode',
  'Client',
  'RegistrationAccessToken',
]);
export const FLOODABLE_SHARE = 0.1;

/**
 * In-process storage: the embedded default for `npm start`, tests and single-process use. Bounded: at most
 * `maxEntries` records, and at most {@link FLOODABLE_SHARE} of them of each {@link floodableModels} kind. A live record
 * is never evicted to make room — evicting the oldest would let a flood of anonymous requests push out sessions,
 * grants and replay-detection records (and so allow a `jti` replay). When a bound is reached, expired entries are
 * swept (at most once a second) and, if that frees nothing, the new record is refused with {@link StorageFullError}
 * (503 `temporarily_unavailable`); replacing an existing record always works. Operations are synchronous underneath,
 * so `consume` is trivially atomic within the process.
 */
export class MemoryStorage implements Storage {
  readonly #entries = new Map<string, Entry>();
  readonly #byGrant = new Map<string, Set<string>>();
  readonly #byClient = new Map<string, Set<string>>();
  readonly #byUid = new Map<string, string>();
  readonly #byUserCode = new Map<string, string>();
  readonly #perModel = new Map<ModelName, number>();
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #maxFloodable: number;
  readonly #sweeper: NodeJS.Timeout;
  /** Clock time of the last sweep: a full store sweeps at most once a second, not on every insert. */
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: { clock: Clock; maxEntries: number; sweepIntervalMs?: number }) {
    this.#clock = options.clock;
    this.#maxEntries = options.maxEntries;
    this.#maxFloodable = Math.max(1, Math.floor(options.maxEntries * FLOODABLE_SHARE));
    this.#sweeper = setInterval(() => {
      this.sweep();
    }, options.sweepIntervalMs ?? 30_000);
    this.#sweeper.unref();
  }

  /** Number of live entries (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Removes every expired entry. */
  sweep(): void {
    const now = this.#clock.now();
    this.#lastSweep = now;
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#remove(key);
  }

  findEach<const M extends readonly ModelName[]>(models: M, id: string): Promise<RecordsOf<M>> {
    return Promise.all(models.map((model) => this.adapter(model).find(id))) as Promise<RecordsOf<M>>;
  }

  adapter<M extends ModelName>(model: M): Adapter<ModelTypes[M]> {
    const key = (id: string): string => `${model}:${id}`;
    const live = (storeKey: string | undefined): Entry | undefined => {
      if (storeKey === undefined) return undefined;
      const entry = this.#entries.get(storeKey);
      if (entry && entry.expiresAt <= this.#clock.now()) {
        this.#remove(storeKey);
        return undefined;
      }
      return entry;
    };
    const read = (storeKey: string | undefined): ModelTypes[M] | undefined => {
      const entry = live(storeKey);
      return entry ? (JSON.parse(entry.json) as ModelTypes[M]) : undefined;
    };
    const write = (id: string, payload: ModelTypes[M], expiresIn: number): void => {
      const storeKey = key(id);
      if (!this.#entries.has(storeKey)) this.#makeRoom(model);
      this.#remove(storeKey);
      const record = payload as Partial<{ grantId: string; clientId: string; uid: string; userCode: string }>;
      const entry: Entry = { model, json: JSON.stringify(payload), expiresAt: this.#clock.now() + expiresIn * 1000 };
      if (record.grantId) entry.grantId = `${model}:${record.grantId}`;
      if (record.clientId && model === clientIndexedModel) entry.clientId = `${model}:${record.clientId}`;
      if (record.uid) entry.uid = `${model}:${record.uid}`;
      if (record.userCode) entry.userCode = `${model}:${record.userCode}`;
      this.#insert(storeKey, entry);
    };
    const removeAll = (index: Map<string, Set<string>>, indexKey: string): string[] => {
      const removed: string[] = [];
      for (const storeKey of [...(index.get(indexKey) ?? [])]) {
        this.#remove(storeKey);
        removed.push(storeKey.slice(model.length + 1));
      }
      return removed;
    };
    return {
      // async: a full store rejects the promise rather than throwing at the call.
      upsert: async (id, payload, expiresIn) => {
        write(id, payload, expiresIn);
        return Promise.resolve();
      },
      // Synchronous check-and-write: nothing can interleave within the process.
      insert: async (id, payload, expiresIn) => {
        if (live(key(id))) return Promise.resolve(false);
        write(id, payload, expiresIn);
        return Promise.resolve(true);
      },
      find: (id) => Promise.resolve(read(key(id))),
      findByUid: (uid) => Promise.resolve(read(this.#byUid.get(`${model}:${uid}`))),
      findByUserCode: (userCode) => Promise.resolve(read(this.#byUserCode.get(`${model}:${userCode}`))),
      consume: (id) => {
        const entry = live(key(id));
        if (!entry) return Promise.resolve(undefined);
        const record = JSON.parse(entry.json) as ModelTypes[M] & { consumed?: number };
        if (record.consumed !== undefined) return Promise.resolve(undefined);
        record.consumed = Math.floor(this.#clock.now() / 1000);
        entry.json = JSON.stringify(record);
        // A fresh copy: the caller may mutate what it gets without changing the store.
        return Promise.resolve(JSON.parse(entry.json) as ModelTypes[M]);
      },
      consumeIf: (id, { clientId, issuedSince, now, equal = {} }) => {
        const entry = live(key(id));
        if (!entry) return Promise.resolve({ outcome: 'absent' });
        const record = JSON.parse(entry.json) as ModelTypes[M] & { clientId?: unknown; iat?: unknown; exp?: unknown };
        const { clientId: owner, iat, exp } = record;
        // The same checks, in the same order, as the Redis script (CONSUME_IF).
        const refused =
          owner !== clientId ||
          typeof exp !== 'number' ||
          exp <= now ||
          (issuedSince !== undefined && (typeof iat !== 'number' || iat < issuedSince));
        if (refused) return Promise.resolve({ outcome: 'refused', record });
        if ((record as { consumed?: unknown }).consumed !== undefined)
          return Promise.resolve({ outcome: 'used', record });
        const fields = record as unknown as Record<string, unknown>;
        if (Object.entries(equal).some(([field, value]) => fields[field] !== value)) {
          return Promise.resolve({ outcome: 'refused', record });
        }
        (record as { consumed?: number }).consumed = now;
        entry.json = JSON.stringify(record);
        return Promise.resolve({ outcome: 'won', record: JSON.parse(entry.json) as ModelTypes[M] });
      },
      destroy: (id) => {
        const record = read(key(id));
        this.#remove(key(id));
        return Promise.resolve(record);
      },
      revokeByGrantId: (grantId) => {
        removeAll(this.#byGrant, `${model}:${grantId}`);
        return Promise.resolve();
      },
      revokeByClientId: (clientId) => Promise.resolve(removeAll(this.#byClient, `${model}:${clientId}`)),
    };
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.#sweeper);
    return Promise.resolve();
  }

  /** Ensures one more record of `model` fits, sweeping expired entries if needed; throws when it does not. */
  #makeRoom(model: ModelName): void {
    const full = (): string | undefined => {
      if (this.#entries.size >= this.#maxEntries) return `storage is full (${String(this.#maxEntries)} entries)`;
      if (floodableModels.has(model) && (this.#perModel.get(model) ?? 0) >= this.#maxFloodable) {
        return `storage holds its maximum of ${String(this.#maxFloodable)} ${model} entries`;
      }
      return undefined;
    };
    if (full() === undefined) return;
    // A full sweep is O(entries): doing it on every insert into a full store would make each upsert scan the whole
    // map. Once a second is enough to reclaim expired entries.
    if (this.#clock.now() - this.#lastSweep >= 1000) this.sweep();
    const reason = full();
    if (reason !== undefined) throw new StorageFullError(reason);
  }

  #insert(storeKey: string, entry: Entry): void {
    this.#entries.set(storeKey, entry);
    this.#perModel.set(entry.model, (this.#perModel.get(entry.model) ?? 0) + 1);
    if (entry.grantId) addTo(this.#byGrant, entry.grantId, storeKey);
    if (entry.clientId) addTo(this.#byClient, entry.clientId, storeKey);
    if (entry.uid) this.#byUid.set(entry.uid, storeKey);
    if (entry.userCode) this.#byUserCode.set(entry.userCode, storeKey);
  }

  #remove(storeKey: string): void {
    const entry = this.#entries.get(storeKey);
    if (!entry) return;
    this.#entries.delete(storeKey);
    this.#perModel.set(entry.model, (this.#perModel.get(entry.model) ?? 1) - 1);
    if (entry.grantId) removeFrom(this.#byGrant, entry.grantId, storeKey);
    if (entry.clientId) removeFrom(this.#byClient, entry.clientId, storeKey);
    if (entry.uid && this.#byUid.get(entry.uid) === storeKey) this.#byUid.delete(entry.uid);
    if (entry.userCode && this.#byUserCode.get(entry.userCode) === storeKey) this.#byUserCode.delete(entry.userCode);
  }
}

function addTo(index: Map<string, Set<string>>, indexKey: string, storeKey: string): void {
  const set = index.get(indexKey) ?? new Set<string>();
  set.add(storeKey);
  index.set(indexKey, set);
}

function removeFrom(index: Map<string, Set<string>>, indexKey: string, storeKey: string): void {
  const set = index.get(indexKey);
  set?.delete(storeKey);
  if (set?.size === 0) index.delete(indexKey);
}
