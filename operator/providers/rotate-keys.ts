/**
 * Brings the key ring up to date at `now`: records the policy's lifetimes with the keys that sign (so a key's
 * retention covers the longest lifetime in force while it signed), runs every rotation step that is due, generating
 * key material through the injected {@link KeySource}. Returns the new ring and the steps taken (the reconciler reports each as an Event once
 * the Secret is written).
 */
import type { PrivateJwk } from '../../provider/keys/key-file.ts';
import type { KeySource } from './keys/key-source.ts';
import {
  applyRotation,
  keysNeeded,
  planRotation,
  recordLifetimes,
  type KeyRing,
  type RotationPolicy,
  type RotationStep,
} from './keys/rotation.ts';

/** At most this many steps per reconcile (a ring far behind schedule catches up over several reconciles). */
const MAX_STEPS = 8;

/** The ring after every due step, and those steps. */
export async function rotateKeys(
  ring: KeyRing | undefined,
  policy: RotationPolicy,
  now: number,
  source: KeySource,
): Promise<{ ring: KeyRing; steps: RotationStep[] }> {
  const steps: RotationStep[] = [];
  const recorded = (value: KeyRing | undefined) => (value === undefined ? undefined : recordLifetimes(value, policy));
  let current = recorded(ring);
  for (
    let step = planRotation(current, policy, now);
    step !== undefined && steps.length < MAX_STEPS;
    step = planRotation(current, policy, now)
  ) {
    const needed = keysNeeded(step);
    const signing: PrivateJwk[] = await Promise.all(needed.algorithms.map((alg) => source.signingKey(alg)));
    current = applyRotation(
      current,
      step,
      needed.cookieKey ? { signing, cookieKey: source.cookieKey() } : { signing },
      now,
    );
    // Keys that start signing now are recorded with the lifetimes in force now.
    current = recorded(current);
    steps.push(step);
  }
  if (current === undefined) throw new Error('no key ring after rotation');
  // The key that encrypts client_secret_jwt secrets at rest is not rotated with the signing keys (secrets sealed
  // with it live as long as their clients): one is added once, to new and to older key files alike.
  if (!current.file.secretKeys?.length) {
    current = { ...current, file: { ...current.file, secretKeys: [source.secretKey()] } };
  }
  return { ring: current, steps };
}

/** A one-line, secret-free description of a step for its Event. */
export function describeStep(step: RotationStep, ring: KeyRing): string {
  switch (step.type) {
    case 'Initialize':
    case 'AddAlgorithms':
      return `generated signing keys for ${step.algorithms.join(', ')}`;
    case 'Publish': {
      const pending = ring.state.pending?.kids ?? [];
      return `published next signing key(s) ${pending.join(', ')} for ${step.algorithms.join(', ')}`;
    }
    case 'Promote':
      return `key(s) ${step.kids.join(', ')} now sign; previous keys stay published until retired`;
    case 'Retire':
    case 'DropAlgorithms':
      return `key(s) ${step.kids.join(', ')} ${step.type === 'Retire' ? 'removed from the JWKS' : 'no longer sign'}`;
  }
}
