/**
 * Compiles the provider the way the image does (`npm run build`: `tsc -p tsconfig.build.json`) into a git-ignored
 * folder inside the repository, so the compiled files resolve node_modules as in the image, and answers the entry.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..');

export async function buildCompiledEntry(): Promise<{ entry: string; dir: string }> {
  await mkdir(join(root, 'test-output'), { recursive: true });
  const dir = await mkdtemp(join(root, 'test-output', 'bench-build-'));
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dir],
    { cwd: root },
  );
  return { entry: join(dir, 'bin/kubeoidc.js'), dir };
}
