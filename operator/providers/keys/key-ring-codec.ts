/**
 * Reading and writing a {@link KeyRing} from and to the key Secret: the key file in `keys.json`, the rotation
 * timestamps in one annotation (RFC 3339). Pure.
 */
import type { V1Secret } from '@kubernetes/client-node';
import { keyFileProblem, type KeyFile } from '../../../provider/keys/key-file.ts';
import { MOUNTS } from '../render/provider-config.ts';
import type { KeyRing, RotationState } from './rotation.ts';

/** Annotation of the key Secret holding the {@link RotationState}. */
export const ROTATION_ANNOTATION = 'kubeoidc.dev/key-rotation';

interface StoredState {
  activatedAt: string;
  pending?: { kids: string[]; publishedAt: string };
  retiring: { kid: string; since: string }[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The annotations that store `state`. */
export function rotationAnnotations(state: RotationState): Record<string, string> {
  const stored: StoredState = {
    activatedAt: iso(state.activatedAt),
    ...(state.pending === undefined
      ? {}
      : { pending: { kids: state.pending.kids, publishedAt: iso(state.pending.publishedAt) } }),
    retiring: state.retiring.map((entry) => ({ kid: entry.kid, since: iso(entry.since) })),
  };
  return { [ROTATION_ANNOTATION]: JSON.stringify(stored) };
}

function parseState(text: string | undefined): RotationState | undefined {
  if (text === undefined) return undefined;
  try {
    const stored = JSON.parse(text) as StoredState;
    const state: RotationState = {
      activatedAt: Date.parse(stored.activatedAt),
      retiring: stored.retiring.map((entry) => ({ kid: entry.kid, since: Date.parse(entry.since) })),
      ...(stored.pending === undefined
        ? {}
        : { pending: { kids: stored.pending.kids, publishedAt: Date.parse(stored.pending.publishedAt) } }),
    };
    return Number.isNaN(state.activatedAt) ? undefined : state;
  } catch {
    return undefined;
  }
}

/**
 * The key ring stored in `secret`, or undefined when it holds no usable key file (then the reconciler generates new
 * keys). A usable file without readable timestamps is adopted as if its keys had just started signing at `now`.
 */
export function readKeyRing(secret: V1Secret | undefined, now: number): KeyRing | undefined {
  const encoded = secret?.data?.[MOUNTS.keysFile];
  if (encoded === undefined) return undefined;
  let file: unknown;
  try {
    file = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (keyFileProblem(file) !== undefined) return undefined;
  const state = parseState(secret?.metadata?.annotations?.[ROTATION_ANNOTATION]) ?? { activatedAt: now, retiring: [] };
  return { file: file as KeyFile, state };
}
