/**
 * The image map: what the node agent runs for a container image, since there is no container runtime here. An entry
 * stands for an image's configuration (ENTRYPOINT, CMD, WORKDIR, USER, ENV) and its files, which are bind-mounted
 * into the container's root at the paths the image has them.
 *
 * - the kubeoidc image: the compiled entry built as the Dockerfile builds it (`tsc -p tsconfig.build.json` into
 *   `/app/dist`, with `package.json` and `node_modules` beside it), run by this Node.js (24) at `/usr/local/bin/node`,
 *   as user 65532;
 * - a Redis image: Debian's `redis-server`, with the official image's `redis-server` entry and `/data` workdir;
 * - the Dockerfile's base image `node:24-bookworm-slim`: this Node.js at `/usr/local/bin/node`, for tests' own small
 *   pods.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { imageEntrypoint, imageEnvironment } from '../image-entrypoint.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

/** A host file or directory the image has at `path`. */
export interface ImageFile {
  readonly hostPath: string;
  readonly path: string;
}

/** What running an image means here. */
export interface ImageConfig {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string;
  readonly uid: number;
  readonly gid: number;
  readonly env: Readonly<Record<string, string>>;
  readonly files: readonly ImageFile[];
}

/** An image of the map; `pull()` prepares its files once (like an image pull) and may take a while. */
export interface Image {
  pull(): Promise<ImageConfig>;
}

/** Image reference (as in `spec.containers[].image`) → image. */
export type ImageMap = Readonly<Partial<Record<string, Image>>>;

/** The image reference the chart and the operator name by default. */
export const KUBEOIDC_IMAGE = 'ghcr.io/kubeoidc/kubeoidc:0.1.0';
/** The chart's evaluation Redis image. */
export const REDIS_IMAGE = 'docker.io/library/redis:7.2-alpine';

/** The Dockerfile's base image. */
export const NODE_IMAGE = 'node:24-bookworm-slim';

const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= make());
}

/**
 * The kubeoidc image, built into `buildDir` (the caller removes it): `dist/` compiled from this checkout,
 * `package.json`, and the checkout's `node_modules` mounted beside them.
 */
export function kubeoidcImage(buildDir: string): Image {
  return {
    pull: once(async () => {
      const app = join(buildDir, 'app');
      mkdirSync(join(app, 'node_modules'), { recursive: true });
      // Under `--pdeathsig` like every process of the agent: a killed test process leaves no compiler running.
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      const outDir = join(app, 'dist');
      await run(
        'setpriv',
        ['--pdeathsig', 'KILL', '--', process.execPath, tsc, '-p', 'tsconfig.build.json', '--outDir', outDir],
        {
          cwd: root,
        },
      );
      copyFileSync(join(root, 'package.json'), join(app, 'package.json'));
      return {
        entrypoint: imageEntrypoint(),
        cmd: ['provider'],
        workingDir: '/app',
        uid: 65532,
        gid: 65532,
        env: { PATH: IMAGE_PATH, ...imageEnvironment() },
        files: [
          { hostPath: process.execPath, path: '/usr/local/bin/node' },
          { hostPath: app, path: '/app' },
          // The checkout's node_modules may be a symlink; a bind mount needs the real directory.
          { hostPath: realpathSync(join(root, 'node_modules')), path: '/app/node_modules' },
        ],
      };
    }),
  };
}

/** A Redis image: Debian's `redis-server` (on the machine's root filesystem, which containers see). */
export function redisImage(): Image {
  return {
    pull: once(() =>
      Promise.resolve({
        entrypoint: ['redis-server'],
        cmd: [],
        workingDir: '/data',
        uid: 0,
        gid: 0,
        env: { PATH: IMAGE_PATH },
        files: [],
      }),
    ),
  };
}

/** The Node.js base image (`node` as the command, run as root like the official image). */
export function nodeImage(): Image {
  return {
    pull: once(() =>
      Promise.resolve({
        entrypoint: [],
        cmd: ['node'],
        workingDir: '/',
        uid: 0,
        gid: 0,
        env: { PATH: IMAGE_PATH },
        files: [{ hostPath: process.execPath, path: '/usr/local/bin/node' }],
      }),
    ),
  };
}

/** The map covering the images the chart and the operator name, and the Node.js base image. */
export function defaultImageMap(buildDir: string): ImageMap {
  return { [KUBEOIDC_IMAGE]: kubeoidcImage(buildDir), [REDIS_IMAGE]: redisImage(), [NODE_IMAGE]: nodeImage() };
}
