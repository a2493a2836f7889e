/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does it: a candidate takes the
 * Lease when it is free or its holder has not renewed it for `leaseDuration` (measured on the candidate's own clock
 * from when it last saw the Lease change, so clock skew between replicas does not matter); the leader renews every
 * `retryPeriod` and steps down when it could not renew for `renewDeadline`. Writes use the Lease's resourceVersion,
 * so of two candidates exactly one wins. On a graceful stop the leader releases the Lease so a successor need not
 * wait out the lease.
 *
 * Fencing: the renew deadline is a timer, not a check after a request returns. It runs from the moment the last
 * successful renewal was *sent* (the `renewTime` it wrote, so no later than any other candidate starts counting the
 * lease), every election request is aborted at that deadline, and when it fires the leader steps down at once, even
 * with a renewal still hanging. As `leaseDuration > renewDeadline`, the leader has stopped before another candidate
 * can see the Lease expire; the operator aborts the leader's writes in `onStoppedLeading`.
 */
import { isConflict, isNotFound, type KubeClient } from '../kube/client.ts';
import { resourcePath } from '../kube/resources.ts';
import type { Clock } from '../time.ts';
import { DEFAULT_LEASE_TIMING, validateLeaseTiming, type LeaseTiming } from './lease-timing.ts';

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
  /** Called synchronously when leadership ends (renew deadline passed, Lease taken, or stop): fence here. */
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
  /** When the last successful acquire or renewal was sent (the `renewTime` it wrote). */
  #lastRenew = 0;
  /** Steps down at `#lastRenew + renewDeadline` whatever the election requests are doing. */
  #deadlineTimer: NodeJS.Timeout | undefined;
  /** Aborts the election request in flight (at the deadline, or on stop). */
  #inFlight: AbortController | undefined;

  /** Throws when the timing breaks `leaseDuration > renewDeadline > retryPeriod` ({@link validateLeaseTiming}). */
  constructor(options: LeaderElectionOptions) {
    this.#o = options;
    this.#timing = options.timing ?? DEFAULT_LEASE_TIMING;
    validateLeaseTiming(this.#timing);
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
    this.#inFlight?.abort();
    if (this.#leading) {
      // Stop acting as leader before releasing: once released, another candidate may take over at once.
      this.#setLeading(false);
      if (release) await this.#release().catch((error: unknown) => this.#o.onError?.(error));
    }
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    const started = this.#o.clock.now();
    // A leader's attempt ends at its renew deadline; a candidate's after one renew deadline too (it has nothing to
    // lose, but a hanging request must not stall the campaign).
    const budget = this.#leading
      ? this.#lastRenew + this.#timing.renewDeadlineMs - started
      : this.#timing.renewDeadlineMs;
    const attempt = new AbortController();
    this.#inFlight = attempt;
    let ok = false;
    try {
      ok = await this.#tryAcquireOrRenew(
        started,
        AbortSignal.any([attempt.signal, AbortSignal.timeout(Math.max(budget, 1))]),
      );
    } catch (error) {
      if (!this.#stopped()) this.#o.onError?.(error);
    } finally {
      this.#inFlight = undefined;
    }
    if (this.#stopped()) return;
    const now = this.#o.clock.now();
    if (ok && now - started < this.#timing.renewDeadlineMs) {
      this.#lastRenew = started;
      this.#armDeadline(now);
      this.#setLeading(true);
    } else if (this.#leading && now - this.#lastRenew >= this.#timing.renewDeadlineMs) {
      this.#stepDown();
    }
    this.#timer = setTimeout(() => void this.#tick(), this.#timing.retryPeriodMs);
  }

  /** (Re)starts the fencing timer: leadership ends at `#lastRenew + renewDeadline` unless a renewal succeeds first. */
  #armDeadline(now: number): void {
    if (this.#deadlineTimer !== undefined) clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(
      () => {
        this.#deadlineTimer = undefined;
        if (this.#leading) this.#stepDown();
      },
      Math.max(this.#lastRenew + this.#timing.renewDeadlineMs - now, 0),
    );
  }

  /** Could not renew within the deadline: stop leading now and cut the renewal that may still hang. */
  #stepDown(): void {
    this.#o.onError?.(
      new Error(`could not renew the Lease within the renew deadline (${this.#timing.renewDeadlineMs} ms)`),
    );
    this.#inFlight?.abort();
    this.#setLeading(false);
  }

  /** Re-reads the flag after an await (stop() may have run meanwhile). */
  #stopped(): boolean {
    return !this.#running;
  }

  #setLeading(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    if (!leading && this.#deadlineTimer !== undefined) {
      clearTimeout(this.#deadlineTimer);
      this.#deadlineTimer = undefined;
    }
    if (leading) this.#o.onStartedLeading();
    else this.#o.onStoppedLeading();
  }

  #path(name?: string): string {
    return resourcePath({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: this.#o.namespace, name });
  }

  async #tryAcquireOrRenew(now: number, signal: AbortSignal): Promise<boolean> {
    const { client, identity, namespace, name } = this.#o;
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.#timing.leaseDurationMs / 1000),
      renewTime: microTime(now),
    };
    let lease: Lease;
    try {
      lease = await client.request<Lease>('GET', this.#path(name), { signal });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const created: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
      };
      return this.#write(() => client.request('POST', this.#path(), { body: created, signal }));
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
    return this.#write(() => client.request('PUT', this.#path(name), { body: next, signal }));
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
