/**
 * The ConfigMap holding the provider configuration file, and the checksum of that file that the Deployment's pod
 * template carries (so a configuration change rolls the pods). Pure.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { ProviderConfig } from '../../../provider/config/options.ts';
import type { OIDCProvider } from '../../kube/crds.ts';
import { ownedMeta, ownedNames } from './meta.ts';
import { MOUNTS } from './provider-config.ts';

/** The configuration file's text: YAML with a stable key order (the checksum depends on it). */
export function configText(config: ProviderConfig): string {
  return stringify(config, { sortMapEntries: true });
}

/** SHA-256 (hex) of the configuration file's text. */
export function configChecksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The ConfigMap `<name>-config` with `config.yaml`. */
export function renderConfigMap(provider: OIDCProvider, text: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: ownedMeta(provider, ownedNames(provider).configMap),
    data: { [MOUNTS.configFile]: text },
  };
}
