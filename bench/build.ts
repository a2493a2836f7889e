/**
 * Builds the provider the way the image does (`npm run build`: `scripts/build.ts`, one esbuild bundle) into a
 * git-ignored folder inside the repository, so the built files resolve node_modules (the operator's Kubernetes
 * client) as in the image, and answers the entry.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildDist, builtEntry } from '../scripts/build.ts';

const root = resolve(import.meta.dirname, '..');

export async function buildCompiledEntry(): Promise<{ entry: string; dir: string }> {
  await mkdir(join(root, 'test-output'), { recursive: true });
  const dir = await mkdtemp(join(root, 'test-output', 'bench-build-'));
  await buildDist(dir);
  return { entry: join(dir, builtEntry), dir };
}
