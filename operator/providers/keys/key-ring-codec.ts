/**
 * Reading and writing a {@link KeyRing} from and to the key Secret: the key file in `keys.json`, the rotation
 * timestamps in one annotation (RFC 3339). Pure.
 *
 * Reading tells three cases apart, because they call for opposite actions: no Secret (generate keys), a Secret whose
 * key file cannot be read (touch nothing: regenerating would invalidate every token; report it), and a ring.
 */
import { createPrivateKey } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { keyFileProblem, type KeyFile } from '../../../provider/keys/key-file.ts';
import { MOUNTS } from '../render/provider-config.ts';
import type { KeyRing, RotationState } from './rotation.ts';

/** Annotation of the key Secret holding the {@link RotationState}. */
export const ROTATION_ANNOTATION = 'kubeoidc.dev/key-rotation';

interface StoredState {
  activatedAt: string;
  pending?: { kids: string[]; publishedAt: string };
  /** `retireAt` is absent in annotations written before retirement times were recorded. */
  retiring: { kid: string; since: string; retireAt?: string }[];
  /**
   * Per signing key, the longest token or session lifetime (seconds) in force while it signed. Absent in annotations
   * written before it was recorded: the keys then count as having signed under the current lifetimes only.
   */
  signing?: { kid: string; longestLifetimeSeconds: number }[];
}

/** What the key Secret holds. */
export type KeyRingRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly problem: string }
  | { readonly kind: 'ring'; readonly ring: KeyRing };

const iso = (ms: number): string => new Date(ms).toISOString();

/** The annotations that store `state`. */
export function rotationAnnotations(state: RotationState): Record<string, string> {
  const stored: StoredState = {
    activatedAt: iso(state.activatedAt),
    ...(state.pending === undefined
      ? {}
      : { pending: { kids: state.pending.kids, publishedAt: iso(state.pending.publishedAt) } }),
    retiring: state.retiring.map((entry) => ({
      kid: entry.kid,
      since: iso(entry.since),
      retireAt: iso(entry.retireAt),
    })),
    ...(state.signing === undefined
      ? {}
      : {
          signing: state.signing.map((entry) => ({
            kid: entry.kid,
            longestLifetimeSeconds: entry.longestLifetimeMs / 1000,
          })),
        }),
  };
  return { [ROTATION_ANNOTATION]: JSON.stringify(stored) };
}

function parseState(text: string | undefined, legacyRetentionMs: number): RotationState | undefined {
  if (text === undefined) return undefined;
  try {
    const stored = JSON.parse(text) as StoredState;
    const state: RotationState = {
      activatedAt: Date.parse(stored.activatedAt),
      retiring: stored.retiring.map((entry) => {
        const since = Date.parse(entry.since);
        const retireAt = entry.retireAt === undefined ? since + legacyRetentionMs : Date.parse(entry.retireAt);
        return { kid: entry.kid, since, retireAt };
      }),
      ...(stored.pending === undefined
        ? {}
        : { pending: { kids: stored.pending.kids, publishedAt: Date.parse(stored.pending.publishedAt) } }),
      ...parseSigning(stored.signing),
    };
    const times = [state.activatedAt, ...state.retiring.flatMap((entry) => [entry.since, entry.retireAt])];
    return times.some(Number.isNaN) ? undefined : state;
  } catch {
    return undefined;
  }
}

/**
 * The recorded lifetimes of the signing keys. An entry that is not a kid with a non-negative number of seconds is
 * left out (its key then counts as having signed under the current lifetimes only, as before they were recorded).
 */
function parseSigning(stored: unknown): Pick<RotationState, 'signing'> {
  if (!Array.isArray(stored)) return {};
  const signing: NonNullable<RotationState['signing']> = [];
  for (const entry of stored as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { kid, longestLifetimeSeconds: seconds } = entry as Record<string, unknown>;
    if (typeof kid === 'string' && typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) {
      signing.push({ kid, longestLifetimeMs: seconds * 1000 });
    }
  }
  return { signing };
}

/**
 * The key ring stored in `secret`. `absent` when there is no Secret; `unreadable` when the Secret has no `keys.json`,
 * or one that is not a valid key file (the problem names what is wrong, never key material). A valid file without
 * readable timestamps is adopted as if its keys had just started signing at `now`; a retiring entry recorded without
 * its retirement time retires `legacyRetentionMs` after it stopped signing.
 */
export function readKeyRing(secret: V1Secret | undefined, now: number, legacyRetentionMs: number): KeyRingRead {
  if (secret === undefined) return { kind: 'absent' };
  const encoded = secret.data?.[MOUNTS.keysFile];
  if (encoded === undefined) return { kind: 'unreadable', problem: `the Secret has no ${MOUNTS.keysFile}` };
  let file: unknown;
  try {
    file = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return { kind: 'unreadable', problem: `${MOUNTS.keysFile} is not JSON` };
  }
  const problem = keyFileProblem(file) ?? keyMaterialProblem(file as KeyFile);
  if (problem !== undefined) return { kind: 'unreadable', problem: `${MOUNTS.keysFile}: ${problem}` };
  const annotation = secret.metadata?.annotations?.[ROTATION_ANNOTATION];
  const state = parseState(annotation, legacyRetentionMs) ?? { activatedAt: now, retiring: [] };
  return { kind: 'ring', ring: { file: file as KeyFile, state } };
}

/** The first key whose material does not import as a private key (what the provider would refuse at load). */
function keyMaterialProblem(file: KeyFile): string | undefined {
  for (const [index, key] of file.keys.entries()) {
    try {
      createPrivateKey({ key, format: 'jwk' });
    } catch {
      return `keys[${index}] (kid "${key.kid}") is not a valid private key`;
    }
  }
  return undefined;
}
