import type { ModelName, ModelTypes } from '../models/types.ts';

/**
 * Storage of one model. Every implementation (memory, Redis) passes the same contract suite
 * (`test/storage/contract.ts`). Records expire after `expiresIn` seconds; nothing is kept without a TTL.
 */
export interface Adapter<T> {
  /** Creates or replaces the record with this id, expiring in `expiresIn` seconds (≥ 1). */
  upsert(id: string, payload: T, expiresIn: number): Promise<void>;
  /**
   * Creates the record only when no live record has this id, atomically: of concurrent inserts of one id exactly one
   * resolves true. Used where "seen before?" must hold across replicas (replay detection).
   */
  insert(id: string, payload: T, expiresIn: number): Promise<boolean>;
  /** The record, or undefined when absent or expired. */
  find(id: string): Promise<T | undefined>;
  /** Session by its `uid` (Session only). */
  findByUid(uid: string): Promise<T | undefined>;
  /** Device code by its `userCode` (DeviceCode only). */
  findByUserCode(userCode: string): Promise<T | undefined>;
  /**
   * Marks the record consumed (sets `consumed` to now, in seconds) atomically. Resolves the record as consumed (with
   * `consumed` set) for the one caller that consumed it, undefined when it was already consumed or does not exist:
   * of two concurrent calls exactly one wins. The winner gets the record with the same operation, no second read.
   */
  consume(id: string): Promise<T | undefined>;
  /**
   * `consume` that first checks what the caller would have read the record for, in the same atomic operation: the
   * record is marked only when it is `condition.clientId`'s, issued since `condition.issuedSince`, unexpired at
   * `condition.now` and, once found unused, carries the `condition.equal` fields. Answers what it found — absent, refused (a condition failed: nothing changed), already consumed
   * (nothing changed), or consumed now by this caller — with the record where there is one, so a presented token needs
   * no read before its consume. Of concurrent calls at most one answers `won`.
   */
  consumeIf(id: string, condition: ConsumeCondition): Promise<ConsumeOutcome<T>>;
  /**
   * Removes the record; absent ids are fine. Resolves the record as it was for the one caller that removed it (of
   * concurrent destroys of one id exactly one gets it, with the same operation), undefined when it was absent or
   * expired: a record that must be used once (an interaction being resumed) is taken by destroying it.
   */
  destroy(id: string): Promise<T | undefined>;
  /** Removes every record of this model carrying this `grantId`. */
  revokeByGrantId(grantId: string): Promise<void>;
  /**
   * Removes every Grant of this client (Grant only: the one model indexed by `clientId`) and resolves the removed
   * ids, so the caller can revoke what was issued from them. Used when a client is deleted (RFC 7592 §2.3).
   */
  revokeByClientId(clientId: string): Promise<string[]>;
}

/** What {@link Adapter.consumeIf} requires of a record before it marks it consumed. */
export interface ConsumeCondition {
  /** The record's `clientId` must be this. */
  clientId: string;
  /** Its `iat` (s) must be at least this: issued to the client's current registration. Undefined: any. */
  issuedSince?: number | undefined;
  /** Its `exp` (s) must be after this; also the `consumed` time written. */
  now: number;
  /**
   * Fields that must hold exactly these strings (a code's `redirectUri`, `codeChallenge`), checked after `consumed`:
   * a used record is answered `used` whatever was presented with it, as a read-then-check caller would see it.
   */
  equal?: Readonly<Record<string, string>> | undefined;
}

/** The answer of {@link Adapter.consumeIf}. */
export type ConsumeOutcome<T> = { outcome: 'absent' } | { outcome: 'refused' | 'used' | 'won'; record: T };

/** One record per model of `M` (a tuple of model names), undefined where absent. */
export type RecordsOf<M extends readonly ModelName[]> = { [K in keyof M]: ModelTypes[M[K]] | undefined };

/** All adapters of one store, plus its lifecycle. */
export interface Storage {
  adapter<M extends ModelName>(model: M): Adapter<ModelTypes[M]>;
  /**
   * The record with this id in each of `models`, in that order, read together: one round trip, and on a single Redis
   * master one command (`MGET`). For an id that may name a record of several kinds (a presented token).
   */
  findEach<const M extends readonly ModelName[]>(models: M, id: string): Promise<RecordsOf<M>>;
  /** Resolves when the store answers (readiness); rejects otherwise. */
  ping(): Promise<void>;
  /** Closes connections and timers. */
  close(): Promise<void>;
}

/** Thrown by adapters when the backing store cannot be reached; rendered as 503 `temporarily_unavailable`. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * Thrown by the memory store when a new record would exceed its bounds (`storage.maxEntries`, or the share of one kind
 * that anyone can create without authenticating). Live records are never evicted to make room: the new one is refused
 * and the request answered 503 `temporarily_unavailable`.
 */
export class StorageFullError extends StorageUnavailableError {
  constructor(message: string) {
    super(message);
    this.name = 'StorageFullError';
  }
}

/** The model whose records storage indexes by `clientId` (`revokeByClientId`). */
export const clientIndexedModel: ModelName = 'Grant';
