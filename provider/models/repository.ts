import type { EventName, ProviderEmitter } from '../events/events.ts';
import type { ConsumeCondition, ConsumeOutcome, RecordsOf, Storage } from '../storage/adapter.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import type { AnyModel, ModelName, ModelTypes } from './types.ts';

/**
 * The one way endpoint and grant code reaches stored models: a thin layer over the storage adapters that also emits
 * the `<model>.saved/.consumed/.destroyed` events of EVENTS.md, so every lifecycle event comes from one place and no
 * caller can forget one. It knows nothing of HTTP.
 */

/** Event-name prefix per model; models without lifecycle events in EVENTS.md (Grant, Client) map to undefined. */
const eventPrefix: Record<ModelName, string | undefined> = {
  AccessToken: 'access_token',
  AuthorizationCode: 'authorization_code',
  RefreshToken: 'refresh_token',
  ClientCredentials: 'client_credentials',
  DeviceCode: 'device_code',
  Session: 'session',
  Interaction: 'interaction',
  Grant: undefined,
  Client: undefined,
  PushedAuthorizationRequest: 'pushed_authorization_request',
  ReplayDetection: 'replay_detection',
  InitialAccessToken: 'initial_access_token',
  RegistrationAccessToken: 'registration_access_token',
};

type Lifecycle = 'saved' | 'consumed' | 'destroyed' | 'issued';

/** The EVENTS.md name for a model's lifecycle step, or undefined when EVENTS.md has none. */
export function lifecycleEvent(model: ModelName, step: Lifecycle): EventName | undefined {
  const prefix = eventPrefix[model];
  if (!prefix) return undefined;
  const name = `${prefix}.${step}`;
  return (knownLifecycleEvents as ReadonlySet<string>).has(name) ? (name as EventName) : undefined;
}

const knownLifecycleEvents: ReadonlySet<EventName> = new Set<EventName>([
  'access_token.saved',
  'access_token.destroyed',
  'access_token.issued',
  'authorization_code.saved',
  'authorization_code.consumed',
  'authorization_code.destroyed',
  'refresh_token.saved',
  'refresh_token.consumed',
  'refresh_token.destroyed',
  'client_credentials.saved',
  'client_credentials.destroyed',
  'client_credentials.issued',
  'device_code.saved',
  'device_code.consumed',
  'device_code.destroyed',
  'session.saved',
  'session.destroyed',
  'interaction.saved',
  'interaction.destroyed',
  'pushed_authorization_request.saved',
  'pushed_authorization_request.destroyed',
  'replay_detection.saved',
  'replay_detection.destroyed',
  'initial_access_token.saved',
  'initial_access_token.destroyed',
  'registration_access_token.saved',
  'registration_access_token.destroyed',
]);

/** Stores models and emits their lifecycle events. */
export class ModelRepository {
  readonly #storage: Storage;
  readonly #events: ProviderEmitter;
  readonly #clock: Clock;

  constructor(deps: { storage: Storage; events: ProviderEmitter; clock: Clock }) {
    this.#storage = deps.storage;
    this.#events = deps.events;
    this.#clock = deps.clock;
  }

  /**
   * Saves (creates or replaces) a record until its `exp`, then emits `<model>.saved`. Structured (JWT) access and
   * client-credentials tokens are not stored — they are verified by signature, never looked up (RFC 9068) — and emit
   * `.issued` instead, as EVENTS.md reserves `.saved` for opaque ones.
   */
  async save<T extends AnyModel>(record: T): Promise<T> {
    const structured = 'format' in record && record.format === 'jwt';
    if (!structured) {
      const expiresIn = Math.max(1, record.exp - epochSeconds(this.#clock));
      await this.#storage.adapter(record.kind).upsert(record.jti, record, expiresIn);
    }
    this.#emit(record.kind, structured ? 'issued' : 'saved', record);
    return record;
  }

  /**
   * Saves a record only when none with its id is live, atomically across replicas, and emits `<model>.saved` then.
   * Resolves false (emitting nothing) when one existed: the caller has seen this id before.
   */
  async saveOnce(record: AnyModel): Promise<boolean> {
    const expiresIn = Math.max(1, record.exp - epochSeconds(this.#clock));
    if (!(await this.#storage.adapter(record.kind).insert(record.jti, record, expiresIn))) return false;
    this.#emit(record.kind, 'saved', record);
    return true;
  }

  /**
   * Saves a bookkeeping record only when none with its id is live, atomically across replicas, and emits nothing: it
   * is no model of EVENTS.md's lifecycle (the device flow's polling-interval marks, kept as ReplayDetection records
   * for their atomic insert and TTL). Resolves false when one existed.
   */
  async markOnce(record: AnyModel): Promise<boolean> {
    const expiresIn = Math.max(1, record.exp - epochSeconds(this.#clock));
    return this.#storage.adapter(record.kind).insert(record.jti, record, expiresIn);
  }

  /** The record, or undefined when absent or expired. */
  find<M extends ModelName>(model: M, id: string): Promise<ModelTypes[M] | undefined> {
    return this.#storage.adapter(model).find(id);
  }

  /** The record with this id in each of `models`, in that order, read together (one storage round trip). */
  findEach<const M extends readonly ModelName[]>(models: M, id: string): Promise<RecordsOf<M>> {
    return this.#storage.findEach(models, id);
  }

  /** A Session by its stable `uid`. */
  findSessionByUid(uid: string): Promise<ModelTypes['Session'] | undefined> {
    return this.#storage.adapter('Session').findByUid(uid);
  }

  /** A DeviceCode by its user code. */
  findDeviceCodeByUserCode(userCode: string): Promise<ModelTypes['DeviceCode'] | undefined> {
    return this.#storage.adapter('DeviceCode').findByUserCode(userCode);
  }

  /**
   * Atomically marks a record consumed. Resolves the consumed record (with `consumed` set) for the one caller that won
   * and emits `<model>.consumed`; resolves undefined when it was absent or already consumed (a replay).
   */
  async consume<M extends ModelName>(model: M, id: string): Promise<ModelTypes[M] | undefined> {
    const record = await this.#storage.adapter(model).consume(id);
    if (record) this.#emit(model, 'consumed', record);
    return record;
  }

  /**
   * Atomically marks a record consumed if it is `condition.clientId`'s, issued since `condition.issuedSince` and
   * unexpired (`Adapter.consumeIf`): a presented token checked and consumed in one storage operation, no read first.
   * Emits `<model>.consumed` for the one caller that won.
   */
  async consumeIf<M extends ModelName>(
    model: M,
    id: string,
    condition: ConsumeCondition,
  ): Promise<ConsumeOutcome<ModelTypes[M]>> {
    const result = await this.#storage.adapter(model).consumeIf(id, condition);
    if (result.outcome === 'won') this.#emit(model, 'consumed', result.record);
    return result;
  }

  /**
   * Destroys a record and emits `<model>.destroyed` with it. Accepts the record itself (no extra read) or its id (read
   * first so the event carries the record; an absent id emits nothing).
   */
  async destroy<M extends ModelName>(model: M, recordOrId: ModelTypes[M] | string): Promise<void> {
    const byId = typeof recordOrId === 'string';
    const removed = await this.#storage.adapter(model).destroy(byId ? recordOrId : recordOrId.jti);
    const record = byId ? removed : recordOrId;
    if (record) this.#emit(model, 'destroyed', record);
  }

  /**
   * Removes a record and resolves it as stored, for exactly one of any number of concurrent callers (on every replica):
   * the others, and any caller of an absent or expired id, get undefined. Emits `<model>.destroyed` for the one that
   * took it. For records that may be used once, read and removed by the same storage operation.
   */
  async take<M extends ModelName>(model: M, id: string): Promise<ModelTypes[M] | undefined> {
    const record = await this.#storage.adapter(model).destroy(id);
    if (record) this.#emit(model, 'destroyed', record);
    return record;
  }

  /** Removes every record of this model issued from a grant (no per-record events; callers emit `grant.revoked`). */
  revokeByGrantId(model: ModelName, grantId: string): Promise<void> {
    return this.#storage.adapter(model).revokeByGrantId(grantId);
  }

  /**
   * Removes every Grant of a client and resolves their ids (no per-record events; callers revoke what was issued from
   * them and emit `grant.revoked`).
   */
  revokeGrantsOfClient(clientId: string): Promise<string[]> {
    return this.#storage.adapter('Grant').revokeByClientId(clientId);
  }

  #emit(model: ModelName, step: Lifecycle, record: AnyModel): void {
    const name = lifecycleEvent(model, step);
    if (!name) return;
    // The event table types each listener's argument by model; the name was derived from the record's own kind.
    (this.#events.emitSafely as (event: EventName, ...args: unknown[]) => void).call(this.#events, name, record);
  }
}
