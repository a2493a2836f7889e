/**
 * A pod's volumes as directories under the pod's directory, which containers bind-mount at their `mountPath`:
 * emptyDir, configMap and secret (all keys or `items`, with `defaultMode` and per-item `mode`), projected (sources
 * serviceAccountToken from the TokenRequest API, configMap, secret, downwardAPI), downwardAPI and hostPath.
 *
 * Files belong to root and to the pod's `fsGroup` when it has one, which may then also read them (the kubelet adds
 * group read to these read-only volumes for an fsGroup). `refresh` runs again on
 * every sync, so a changed ConfigMap or Secret reaches running pods (each file is replaced by a rename, so a reader sees
 * the old or the new content, never a mix). The ServiceAccount token is requested once per pod.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1KeyToPath, V1Pod, V1Volume } from '@kubernetes/client-node';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { callApi, type ApiEndpoint } from './kube-api.ts';
import { podField, readKeys } from './object-refs.ts';

/** Host directory of each volume, by volume name. */
export type VolumeDirs = ReadonlyMap<string, string>;

interface VolumeFile {
  readonly path: string;
  readonly content: Buffer;
  readonly mode: number;
}

const DEFAULT_MODE = 0o644;

/** Materialises the pod's volumes under `podDir/volumes` (or refreshes them); throws what keeps the pod from starting. */
export class PodVolumes {
  readonly #api: ApiEndpoint;
  readonly #pod: V1Pod;
  readonly #dir: string;
  readonly #podIP: string;
  readonly #hostIP: string;
  readonly #tokens = new Map<string, string>();

  constructor(api: ApiEndpoint, pod: V1Pod, podDir: string, podIP: string, hostIP: string) {
    this.#api = api;
    this.#pod = pod;
    this.#dir = join(podDir, 'volumes');
    this.#podIP = podIP;
    this.#hostIP = hostIP;
  }

  /** Writes every volume's current content; returns where each one is. */
  async refresh(): Promise<VolumeDirs> {
    const dirs = new Map<string, string>();
    const fsGroup = this.#pod.spec?.securityContext?.fsGroup;
    for (const volume of this.#pod.spec?.volumes ?? []) {
      if (volume.hostPath !== undefined) {
        dirs.set(volume.name, volume.hostPath.path);
        continue;
      }
      const dir = join(this.#dir, volume.name);
      if (volume.emptyDir !== undefined) {
        if (!existsSync(dir)) {
          mkdirSync(dir, { recursive: true });
          chmodSync(dir, 0o777); // as the kubelet makes them: writable by whatever user the containers run as
        }
      } else {
        writeFiles(dir, await this.#files(volume), fsGroup);
      }
      dirs.set(volume.name, dir);
    }
    return dirs;
  }

  async #files(volume: V1Volume): Promise<VolumeFile[]> {
    const namespace = this.#pod.metadata?.namespace ?? 'default';
    if (volume.configMap !== undefined || volume.secret !== undefined) {
      const source = volume.configMap ?? volume.secret;
      const name = volume.configMap?.name ?? volume.secret?.secretName ?? '';
      const kind = volume.configMap !== undefined ? 'configmaps' : 'secrets';
      const keys = await readKeys(this.#api, kind, namespace, name, source?.optional ?? false);
      return keyFiles(keys ?? new Map(), source?.items, source?.defaultMode ?? DEFAULT_MODE, name);
    }
    if (volume.downwardAPI !== undefined) {
      const mode = volume.downwardAPI.defaultMode ?? DEFAULT_MODE;
      return (volume.downwardAPI.items ?? []).map((item) => this.#fieldFile(item, mode));
    }
    if (volume.projected !== undefined) {
      const mode = volume.projected.defaultMode ?? DEFAULT_MODE;
      const files: VolumeFile[] = [];
      for (const source of volume.projected.sources ?? []) {
        if (source.serviceAccountToken !== undefined) {
          const { path, audience, expirationSeconds } = source.serviceAccountToken;
          const token = await this.#token(audience, expirationSeconds);
          files.push({ path, content: Buffer.from(token), mode });
        } else if (source.configMap !== undefined || source.secret !== undefined) {
          const ref = source.configMap ?? source.secret;
          const kind = source.configMap !== undefined ? 'configmaps' : 'secrets';
          const keys = await readKeys(this.#api, kind, namespace, ref?.name ?? '', ref?.optional ?? false);
          files.push(...keyFiles(keys ?? new Map(), ref?.items, mode, ref?.name ?? ''));
        } else if (source.downwardAPI !== undefined) {
          files.push(...(source.downwardAPI.items ?? []).map((item) => this.#fieldFile(item, mode)));
        }
      }
      return files;
    }
    throw new Error(`volume ${volume.name}: this volume type is not supported by the node agent`);
  }

  #fieldFile(item: { path: string; mode?: number; fieldRef?: { fieldPath: string } }, mode: number): VolumeFile {
    if (item.fieldRef === undefined) throw new Error(`downwardAPI ${item.path}: only fieldRef is supported`);
    const value = podField(this.#pod, item.fieldRef.fieldPath, this.#podIP, this.#hostIP);
    return { path: item.path, content: Buffer.from(value), mode: item.mode ?? mode };
  }

  /** A bound token from the TokenRequest API (`serviceaccounts/token`), for this pod, requested once per audience. */
  async #token(audience: string | undefined, expirationSeconds: number | undefined): Promise<string> {
    const key = `${audience ?? ''}/${expirationSeconds ?? ''}`;
    const cached = this.#tokens.get(key);
    if (cached !== undefined) return cached;
    const meta = this.#pod.metadata;
    const account = this.#pod.spec?.serviceAccountName ?? 'default';
    const review = await callApi<{ status: { token: string } }>(
      this.#api,
      'POST',
      `/api/v1/namespaces/${meta?.namespace ?? 'default'}/serviceaccounts/${account}/token`,
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          ...(audience === undefined ? {} : { audiences: [audience] }),
          expirationSeconds: expirationSeconds ?? 3607,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: meta?.name, uid: meta?.uid },
        },
      },
    );
    this.#tokens.set(key, review.status.token);
    return review.status.token;
  }
}

/** The files of a ConfigMap or Secret: every key, or just `items` (each must exist). */
function keyFiles(
  keys: ReadonlyMap<string, Buffer>,
  items: readonly V1KeyToPath[] | undefined,
  mode: number,
  name: string,
): VolumeFile[] {
  if (items === undefined) return [...keys].map(([key, content]) => ({ path: key, content, mode }));
  return items.map((item) => {
    const content = keys.get(item.key);
    if (content === undefined) throw new Error(`configmap or secret "${name}" has no key ${item.key}`);
    return { path: item.path, content, mode: item.mode ?? mode };
  });
}

/** Writes `files` into `dir` (replacing changed ones by rename) and removes files no longer there. */
function writeFiles(dir: string, files: readonly VolumeFile[], fsGroup: number | undefined): void {
  mkdirSync(dir, { recursive: true });
  const gid = fsGroup ?? 0;
  const wanted = new Set<string>();
  for (const file of files) {
    const relative = normalize(file.path);
    if (relative.startsWith('..') || relative.startsWith('/')) throw new Error(`volume path ${file.path} is invalid`);
    wanted.add(relative.split('/')[0] ?? relative);
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    const unchanged = existsSync(path) && readFileSync(path).equals(file.content);
    if (unchanged) continue;
    const temp = join(dirname(path), `..tmp-${relative.replaceAll('/', '_')}`);
    writeFileSync(temp, file.content);
    chownSync(temp, 0, gid);
    chmodSync(temp, fsGroup === undefined ? file.mode : file.mode | 0o440);
    renameSync(temp, path);
  }
  for (const entry of readdirSync(dir))
    if (!wanted.has(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
}
