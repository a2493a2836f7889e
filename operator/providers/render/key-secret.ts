/**
 * The Secret holding the provider's key file (`KeyFile`, provider/keys/key-file.ts) and, for readers that only need
 * public keys, the JWKS it publishes. The keys themselves are generated and rotated by the reconciler
 * (`operator/providers/keys/`); this renderer only places them, with the rotation state as an annotation. Pure.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1Secret } from '@kubernetes/client-node';
import type { JWK } from 'jose';
import type { KeyFile } from '../../../provider/keys/key-file.ts';
import type { OIDCProvider } from '../../kube/crds.ts';
import { ownedMeta, ownedNames } from './meta.ts';
import { MOUNTS } from './provider-config.ts';

/** Data key of the public JWKS in the Secret. */
export const JWKS_KEY = 'jwks.json';

const privateMembers = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** The public JWKS of a key file: every key, private members removed. */
export function publicJwks(file: KeyFile): { keys: JWK[] } {
  return {
    keys: file.keys.map((key) => Object.fromEntries(Object.entries(key).filter(([name]) => !privateMembers.has(name)))),
  };
}

/** The Secret `<name>-keys`; `annotations` carry the rotation state. */
export function renderKeySecret(provider: OIDCProvider, file: KeyFile, annotations: Record<string, string>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: ownedMeta(provider, ownedNames(provider).secret, { annotations }),
    type: 'Opaque',
    data: {
      [MOUNTS.keysFile]: Buffer.from(JSON.stringify(file)).toString('base64'),
      [JWKS_KEY]: Buffer.from(JSON.stringify(publicJwks(file))).toString('base64'),
    },
  };
}
