import type { Clock } from '../time/clock.ts';
import type { ModelName, ModelTypes } from '../models/types.ts';
import type { Adapter, Storage } from './adapter.ts';

interface Entry {
  /** JSON text, so callers never share mutable objects with the store (as with Redis). */
  json: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  grantId?: string;
  uid?: string;
  userCode?: string;
}

/**
 * In-process storage: the embedded default for `npm start`, tests and single-process use. Bounded: expired entries
 * are swept periodically and lazily, and past `maxEntries` the oldest entries are evicted. Operations are synchronous
 * underneath, so `consume` is trivially atomic within the process.
 */
export class MemoryStorage implements Storage {
  readonly #entries = new Map<string, Entry>();
  readonly #byGrant = new Map<string, Set<string>>();
  readonly #byUid = new Map<string, string>();
  readonly #byUserCode = new Map<string, string>();
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #sweeper: NodeJS.Timeout;
  /** Clock time of the last sweep: a full store sweeps at most once a second, not on every insert. */
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: { clock: Clock; maxEntries: number; sweepIntervalMs?: number }) {
    this.#clock = options.clock;
    this.#maxEntries = options.maxEntries;
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
      this.#remove(storeKey);
      const record = payload as Partial<{ grantId: string; uid: string; userCode: string }>;
      const entry: Entry = { json: JSON.stringify(payload), expiresAt: this.#clock.now() + expiresIn * 1000 };
      if (record.grantId) entry.grantId = `${model}:${record.grantId}`;
      if (record.uid) entry.uid = `${model}:${record.uid}`;
      if (record.userCode) entry.userCode = `${model}:${record.userCode}`;
      this.#insert(storeKey, entry);
    };
    return {
      upsert: (id, payload, expiresIn) => {
        write(id, payload, expiresIn);
        return Promise.resolve();
      },
      // Synchronous check-and-write: nothing can interleave within the process.
      insert: (id, payload, expiresIn) => {
        if (live(key(id))) return Promise.resolve(false);
        write(id, payload, expiresIn);
        return Promise.resolve(true);
      },
      find: (id) => Promise.resolve(read(key(id))),
      findByUid: (uid) => Promise.resolve(read(this.#byUid.get(`${model}:${uid}`))),
      findByUserCode: (userCode) => Promise.resolve(read(this.#byUserCode.get(`${model}:${userCode}`))),
      consume: (id) => {
        const entry = live(key(id));
        if (!entry) return Promise.resolve(false);
        const record = JSON.parse(entry.json) as { consumed?: number };
        if (record.consumed !== undefined) return Promise.resolve(false);
        record.consumed = Math.floor(this.#clock.now() / 1000);
        entry.json = JSON.stringify(record);
        return Promise.resolve(true);
      },
      destroy: (id) => {
        this.#remove(key(id));
        return Promise.resolve();
      },
      revokeByGrantId: (grantId) => {
        for (const storeKey of [...(this.#byGrant.get(`${model}:${grantId}`) ?? [])]) this.#remove(storeKey);
        return Promise.resolve();
      },
    };
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.#sweeper);
    return Promise.resolve();
  }

  #insert(storeKey: string, entry: Entry): void {
    // A full sweep is O(entries): doing it on every insert of a store full of live entries made each upsert scan
    // the whole map. Once a second is enough to reclaim expired entries before live ones are evicted.
    if (this.#entries.size >= this.#maxEntries && this.#clock.now() - this.#lastSweep >= 1000) this.sweep();
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#remove(oldest.value);
    }
    this.#entries.set(storeKey, entry);
    if (entry.grantId) {
      const set = this.#byGrant.get(entry.grantId) ?? new Set<string>();
      set.add(storeKey);
      this.#byGrant.set(entry.grantId, set);
    }
    if (entry.uid) this.#byUid.set(entry.uid, storeKey);
    if (entry.userCode) this.#byUserCode.set(entry.userCode, storeKey);
  }

  #remove(storeKey: string): void {
    const entry = this.#entries.get(storeKey);
    if (!entry) return;
    this.#entries.delete(storeKey);
    if (entry.grantId) {
      const set = this.#byGrant.get(entry.grantId);
      set?.delete(storeKey);
      if (set?.size === 0) this.#byGrant.delete(entry.grantId);
    }
    if (entry.uid && this.#byUid.get(entry.uid) === storeKey) this.#byUid.delete(entry.uid);
    if (entry.userCode && this.#byUserCode.get(entry.userCode) === storeKey) this.#byUserCode.delete(entry.userCode);
  }
}
