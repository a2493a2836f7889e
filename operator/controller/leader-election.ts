/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does it: a candidate takes the
 * Lease when it is free or its holder has not renewed it for `leaseDuration` (measured on the candidate's own clock
 * from when it last saw the Lease change, so clock skew between replicas does not matter); the leader renews every
 * `retryPeriod` and steps down when it could not renew for `renewDeadline`. Writes use the Lease's resourceVersion,
 * so of two candidates exactly one wins. On a graceful stop the leader releases the Lease so a successor need not
 * wait out the lease.
 */
import { isConflict, isNotFound, type KubeClient } from '../kube/client.ts';
import { resourcePath } from '../kube/resources.ts';
import type { Clock } from '../time.ts';

/** Timing of the election (defaults 15 s / 10 s / 2 s, as client-go's). */
export interface LeaseTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** The defaults of controller-runtime and client-go. */
export const DEFAULT_LEASE_TIMING: LeaseTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** Options of {@link LeaderElector}. */
export interface LeaderElectionOptions {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly namespace: string;
  readonly name: string;
  /** This candidate's identity (unique per replica). */
  readonly identity: string;
  readonly timing?: LeaseTiming;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly onError?: (error: unknown) => void;
}

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

const microTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

/** Runs for one candidate until {@link stop}. */
export class LeaderElector {
  readonly #o: LeaderElectionOptions;
  readonly #timing: LeaseTiming;
  #leading = false;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #observed: { record: string; at: number } | undefined;
  #lastRenew = 0;

  constructor(options: LeaderElectionOptions) {
    this.#o = options;
    this.#timing = options.timing ?? DEFAULT_LEASE_TIMING;
  }

  /** Whether this candidate currently leads. */
  get isLeader(): boolean {
    return this.#leading;
  }

  /** Starts campaigning (and, once leading, renewing). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#tick();
  }

  /** Stops; a leader releases the Lease first (unless `release` is false) and then reports it stopped leading. */
  async stop(release = true): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#leading) {
      if (release) await this.#release().catch((error: unknown) => this.#o.onError?.(error));
      this.#setLeading(false);
    }
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    let ok = false;
    try {
      ok = await this.#tryAcquireOrRenew();
    } catch (error) {
      this.#o.onError?.(error);
    }
    if (this.#stopped()) return;
    const now = this.#o.clock.now();
    if (ok) {
      this.#lastRenew = now;
      this.#setLeading(true);
    } else if (this.#leading && now - this.#lastRenew >= this.#timing.renewDeadlineMs) {
      this.#setLeading(false);
    }
    this.#timer = setTimeout(() => void this.#tick(), this.#timing.retryPeriodMs);
  }

  /** Re-reads the flag after an await (stop() may have run meanwhile). */
  #stopped(): boolean {
    return !this.#running;
  }

  #setLeading(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    if (leading) this.#o.onStartedLeading();
    else this.#o.onStoppedLeading();
  }

  #path(name?: string): string {
    return resourcePath({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: this.#o.namespace, name });
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { client, clock, identity, namespace, name } = this.#o;
    const now = clock.now();
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.#timing.leaseDurationMs / 1000),
      renewTime: microTime(now),
    };
    let lease: Lease;
    try {
      lease = await client.request<Lease>('GET', this.#path(name));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const created: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
      };
      return this.#write(() => client.request('POST', this.#path(), { body: created }));
    }
    const holder = lease.spec.holderIdentity ?? '';
    const record = `${holder}|${lease.spec.renewTime ?? ''}|${lease.metadata.resourceVersion ?? ''}`;
    if (this.#observed?.record !== record) this.#observed = { record, at: now };
    const expired = now >= this.#observed.at + (lease.spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== identity && !expired) return false;
    const acquiring = holder !== identity;
    const next: Lease = {
      ...lease,
      spec: {
        ...lease.spec,
        ...spec,
        ...(acquiring ? { acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } : {}),
      },
    };
    return this.#write(() => client.request('PUT', this.#path(name), { body: next }));
  }

  /** A write that lost the race (conflict) means another candidate won: not an error. */
  async #write(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  async #release(): Promise<void> {
    const lease = await this.#o.client.request<Lease>('GET', this.#path(this.#o.name));
    if (lease.spec.holderIdentity !== this.#o.identity) return;
    const released: Lease = {
      ...lease,
      spec: { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(this.#o.clock.now()) },
    };
    await this.#o.client.request('PUT', this.#path(this.#o.name), { body: released });
  }
}
