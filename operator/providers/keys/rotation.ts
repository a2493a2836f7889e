/**
 * Signing-key rotation as a pure state machine over the key file and a few timestamps.
 *
 * The provider rotates in two phases by reading its key file: a key listed in `keys` is published in the JWKS; a key
 * also listed in `active` signs. So a rotation, per period, is:
 *
 * 1. **Publish** — `rotationPeriod − propagationDelay` after the current keys started signing, add the next key of
 *    every algorithm. Relying parties that cache the JWKS learn it before anything is signed with it.
 * 2. **Promote** — `propagationDelay` later, the next keys sign; the old ones stop signing but stay published, and a
 *    new cookie key takes over signing cookies (the previous one still verifies).
 * 3. **Retire** — at the retirement time fixed when the old key stopped signing (`retireAt`, stored with the key),
 *    remove it. A later spec change does not move it. It is computed from the longest token or session lifetime in
 *    force at any time while the key signed (recorded per signing key, raised whenever the spec's is longer, never
 *    lowered: {@link recordLifetimes}), so shortening the lifetimes while a key signs does not shorten its retention.
 *
 * At every step the key that signs is in the JWKS. The clock is a parameter (`now`), fresh key material is passed
 * in, and no step does I/O: the reconciler plans a step, generates what it needs, applies it and records an Event.
 */
import type { KeyFile, PrivateJwk, SigningAlgorithm } from '../../../provider/keys/key-file.ts';

/** Timestamps (ms since the epoch) the file alone cannot tell. Kept in an annotation of the key Secret. */
export interface RotationState {
  /** When the current signing keys started signing. */
  activatedAt: number;
  /** Keys published but not yet signing. */
  pending?: { kids: string[]; publishedAt: number };
  /**
   * Keys that stopped signing and are still published: when they stopped, and when they leave the JWKS (fixed then:
   * `since` + the longest lifetime recorded while the key signed + the margins of the policy in force at that moment,
   * so a later spec change cannot shorten it).
   */
  retiring: { kid: string; since: number; retireAt: number }[];
  /**
   * Per signing key, the longest token or session lifetime (ms, without margins) in force at any time since it
   * started signing. A signing key without an entry (state written before this was recorded) counts as having signed
   * under the current policy's {@link RotationPolicy.longestLifetimeMs} only.
   */
  signing?: { kid: string; longestLifetimeMs: number }[];
}

/** The key file and its rotation state. */
export interface KeyRing {
  readonly file: KeyFile;
  readonly state: RotationState;
}

/** When keys rotate, from the OIDCProvider spec. */
export interface RotationPolicy {
  /** Algorithms that must have a signing key. */
  readonly algorithms: readonly SigningAlgorithm[];
  /** How long a key signs. */
  readonly rotationPeriodMs: number;
  /** How long the next key is published before it signs. */
  readonly propagationDelayMs: number;
  /**
   * How long a key stays published after it stopped signing: the retention rule of `policy.ts` (the longest time a
   * token it signed is still verified, plus margins for the Secret reaching the pods and for clock skew).
   */
  readonly retireAfterMs: number;
  /**
   * The longest token or session lifetime of the spec (ms): the part of {@link retireAfterMs} that is not margins. A
   * key that signed while a longer one was in force is retained longer by the difference.
   */
  readonly longestLifetimeMs: number;
}

/** The next thing to do. Each step is reported as a Kubernetes Event with `reason`. */
export type RotationStep =
  | { readonly type: 'Initialize'; readonly reason: 'KeysGenerated'; readonly algorithms: SigningAlgorithm[] }
  | { readonly type: 'AddAlgorithms'; readonly reason: 'KeysGenerated'; readonly algorithms: SigningAlgorithm[] }
  | { readonly type: 'Publish'; readonly reason: 'KeyPublished'; readonly algorithms: SigningAlgorithm[] }
  | {
      readonly type: 'Promote';
      readonly reason: 'KeyPromoted';
      readonly kids: string[];
      /** The keys that stop signing, and when each leaves the JWKS. */
      readonly retiring: Retirement[];
    }
  | { readonly type: 'Retire'; readonly reason: 'KeyRetired'; readonly kids: string[] }
  | {
      readonly type: 'DropAlgorithms';
      readonly reason: 'KeyRetired';
      readonly kids: string[];
      readonly retiring: Retirement[];
    };

/** A key that stops signing and when it leaves the JWKS. */
export interface Retirement {
  readonly kid: string;
  readonly retireAt: number;
}

/** New key material a step needs: one signing key per algorithm it names, a cookie key for Initialize/Promote. */
export interface FreshKeys {
  readonly signing: readonly PrivateJwk[];
  readonly cookieKey?: string;
}

function activeKeys(file: KeyFile): PrivateJwk[] {
  const active = file.active ?? [];
  return file.keys.filter((key) => active.includes(key.kid));
}

/** The signing keys that `promoted` replace (same algorithm). */
function replacedBy(file: KeyFile, promoted: readonly string[]): PrivateJwk[] {
  const algorithms = file.keys.filter((key) => promoted.includes(key.kid)).map((key) => key.alg);
  return activeKeys(file).filter((key) => algorithms.includes(key.alg));
}

/** The longest lifetime recorded for signing key `kid`, never below the policy's current one. */
function longestLifetime(state: RotationState, kid: string, policy: RotationPolicy): number {
  const recorded = state.signing?.find((entry) => entry.kid === kid)?.longestLifetimeMs ?? 0;
  return Math.max(recorded, policy.longestLifetimeMs);
}

/**
 * When `kid`, which stops signing at `now`, leaves the JWKS: the policy's retention, lengthened by how much longer the
 * longest lifetime recorded while the key signed is than the policy's current one.
 */
function retirement(state: RotationState, kid: string, policy: RotationPolicy, now: number): Retirement {
  const extra = longestLifetime(state, kid, policy) - policy.longestLifetimeMs;
  return { kid, retireAt: now + policy.retireAfterMs + extra };
}

/**
 * The ring with, for every signing key, the longest lifetime recorded while it signed raised to the policy's current
 * one (never lowered), and entries of keys that no longer sign dropped. Returns `ring` itself when nothing changes.
 * Run on every reconcile, so that a lifetime lengthened in the spec while a key signs lengthens its retention even if
 * it is shortened again before the key retires.
 */
export function recordLifetimes(ring: KeyRing, policy: RotationPolicy): KeyRing {
  const signing = (ring.file.active ?? []).map((kid) => ({
    kid,
    longestLifetimeMs: longestLifetime(ring.state, kid, policy),
  }));
  const before = ring.state.signing ?? [];
  const same =
    before.length === signing.length &&
    signing.every(
      (entry, index) => before[index]?.kid === entry.kid && before[index].longestLifetimeMs === entry.longestLifetimeMs,
    );
  return same ? ring : { ...ring, state: { ...ring.state, signing } };
}

/** The step due at `now`, or undefined when nothing is due. */
export function planRotation(ring: KeyRing | undefined, policy: RotationPolicy, now: number): RotationStep | undefined {
  if (ring === undefined || ring.file.keys.length === 0) {
    return { type: 'Initialize', reason: 'KeysGenerated', algorithms: [...policy.algorithms] };
  }
  const { file, state } = ring;
  const signing = activeKeys(file);
  const missing = policy.algorithms.filter((alg) => !signing.some((key) => key.alg === alg));
  if (missing.length > 0 && state.pending === undefined) {
    return { type: 'AddAlgorithms', reason: 'KeysGenerated', algorithms: missing };
  }
  const dropped = signing.filter((key) => !policy.algorithms.includes(key.alg)).map((key) => key.kid);
  if (dropped.length > 0) {
    return {
      type: 'DropAlgorithms',
      reason: 'KeyRetired',
      kids: dropped,
      retiring: dropped.map((kid) => retirement(state, kid, policy, now)),
    };
  }
  const retired = state.retiring.filter((entry) => now >= entry.retireAt).map((entry) => entry.kid);
  if (retired.length > 0) return { type: 'Retire', reason: 'KeyRetired', kids: retired };
  if (state.pending !== undefined) {
    if (now >= state.pending.publishedAt + policy.propagationDelayMs) {
      return {
        type: 'Promote',
        reason: 'KeyPromoted',
        kids: [...state.pending.kids],
        retiring: replacedBy(file, state.pending.kids).map((key) => retirement(state, key.kid, policy, now)),
      };
    }
    return undefined;
  }
  if (now >= publishDue(state, policy)) {
    return { type: 'Publish', reason: 'KeyPublished', algorithms: [...policy.algorithms] };
  }
  return undefined;
}

function publishDue(state: RotationState, policy: RotationPolicy): number {
  return state.activatedAt + policy.rotationPeriodMs - policy.propagationDelayMs;
}

/** When the next step falls due (ms), for status and for requeueing; undefined when nothing is scheduled. */
export function nextRotationAt(ring: KeyRing, policy: RotationPolicy): number {
  const { state } = ring;
  const due = [
    state.pending === undefined ? publishDue(state, policy) : state.pending.publishedAt + policy.propagationDelayMs,
    ...state.retiring.map((entry) => entry.retireAt),
  ];
  return Math.min(...due);
}

/** Which algorithms need a fresh signing key for `step`, and whether it needs a fresh cookie key. */
export function keysNeeded(step: RotationStep): { algorithms: SigningAlgorithm[]; cookieKey: boolean } {
  switch (step.type) {
    case 'Initialize':
      return { algorithms: step.algorithms, cookieKey: true };
    case 'AddAlgorithms':
    case 'Publish':
      return { algorithms: step.algorithms, cookieKey: false };
    case 'Promote':
      return { algorithms: [], cookieKey: true };
    case 'Retire':
    case 'DropAlgorithms':
      return { algorithms: [], cookieKey: false };
  }
}

function requireCookieKey(fresh: FreshKeys): string {
  if (fresh.cookieKey === undefined) throw new Error('rotation step needs a fresh cookie key');
  return fresh.cookieKey;
}

/** The key ring after `step` at `now`, using `fresh` key material. */
export function applyRotation(ring: KeyRing | undefined, step: RotationStep, fresh: FreshKeys, now: number): KeyRing {
  const newKids = fresh.signing.map((key) => key.kid);
  switch (step.type) {
    case 'Initialize':
      return {
        file: { keys: [...fresh.signing], active: newKids, cookieKeys: [requireCookieKey(fresh)] },
        state: { activatedAt: now, retiring: [] },
      };
    case 'AddAlgorithms': {
      // Nothing signs for these algorithms yet, so the new keys sign at once; there is no old key to protect.
      const base = ring ?? applyRotation(undefined, { ...step, type: 'Initialize' }, fresh, now);
      return {
        file: {
          ...base.file,
          keys: [...base.file.keys, ...fresh.signing],
          active: [...(base.file.active ?? []), ...newKids],
        },
        state: base.state,
      };
    }
    case 'Publish': {
      const base = mustHave(ring);
      return {
        file: { ...base.file, keys: [...base.file.keys, ...fresh.signing] },
        state: { ...base.state, pending: { kids: newKids, publishedAt: now } },
      };
    }
    case 'Promote': {
      const base = mustHave(ring);
      const promoted = base.file.keys.filter((key) => step.kids.includes(key.kid));
      const replaced = replacedBy(base.file, step.kids);
      const kept = (base.file.active ?? []).filter((kid) => !replaced.some((key) => key.kid === kid));
      return {
        file: {
          ...base.file,
          active: [...kept, ...promoted.map((key) => key.kid)],
          // The new cookie key signs; the previous one keeps verifying live sessions until the next promotion.
          cookieKeys: [requireCookieKey(fresh), ...base.file.cookieKeys.slice(0, 1)],
        },
        state: {
          activatedAt: now,
          retiring: [...base.state.retiring, ...retiringSince(step.retiring, now)],
          ...withoutSigning(
            base.state,
            replaced.map((key) => key.kid),
          ),
        },
      };
    }
    case 'Retire': {
      const base = mustHave(ring);
      return {
        file: { ...base.file, keys: base.file.keys.filter((key) => !step.kids.includes(key.kid)) },
        state: { ...base.state, retiring: base.state.retiring.filter((entry) => !step.kids.includes(entry.kid)) },
      };
    }
    case 'DropAlgorithms': {
      const base = mustHave(ring);
      return {
        file: { ...base.file, active: (base.file.active ?? []).filter((kid) => !step.kids.includes(kid)) },
        state: {
          ...base.state,
          retiring: [...base.state.retiring, ...retiringSince(step.retiring, now)],
          ...withoutSigning(base.state, step.kids),
        },
      };
    }
  }
}

function retiringSince(retiring: readonly Retirement[], since: number): RotationState['retiring'] {
  return retiring.map(({ kid, retireAt }) => ({ kid, since, retireAt }));
}

/** The `signing` record of `state` without the keys that stopped signing. */
function withoutSigning(state: RotationState, stopped: readonly string[]): Pick<RotationState, 'signing'> {
  if (state.signing === undefined) return {};
  return { signing: state.signing.filter((entry) => !stopped.includes(entry.kid)) };
}

function mustHave(ring: KeyRing | undefined): KeyRing {
  if (ring === undefined) throw new Error('rotation step needs an existing key ring');
  return ring;
}
