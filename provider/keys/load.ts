import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { watchFile, unwatchFile } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { generateKeyFile, generateSecretKey } from './generate.ts';
import { keyFileProblem, type KeyFile, type SigningAlgorithm } from './key-file.ts';
import { Keystore } from './keystore.ts';

/** Reads and validates a key file; the error names the file and the problem, never key material. */
export async function readKeyFile(path: string): Promise<KeyFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? 'is not valid JSON'
        : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new ConfigError('keysFile', `${path} ${reason}`);
  }
  const problem = keyFileProblem(parsed);
  if (problem) throw new ConfigError('keysFile', `${path}: ${problem}`);
  return parsed as KeyFile;
}

/**
 * Development keys: read from `<dir>/keys.json`, or generated once (one key per algorithm) and written there with
 * mode 0600, so restarts keep them and issued tokens stay verifiable.
 */
export async function loadOrCreateDevKeys(dir: string, algorithms: readonly SigningAlgorithm[]): Promise<KeyFile> {
  const path = join(dir, 'keys.json');
  try {
    const existing = await readKeyFile(path);
    const missing = algorithms.filter((alg) => !existing.keys.some((key) => key.alg === alg));
    if (missing.length === 0 && existing.secretKeys) return existing;
    if (missing.length === 0) {
      // Development keys from before secrets were encrypted at rest: add a secret key, keep the rest.
      const upgraded = { ...existing, secretKeys: [generateSecretKey()] };
      await writeFile(path, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
      return upgraded;
    }
  } catch (error) {
    if (!(error instanceof ConfigError) || !error.message.includes('ENOENT')) throw error;
  }
  const file = await generateKeyFile(algorithms);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(path, JSON.stringify(file, null, 2), { mode: 0o600 });
  return file;
}

/**
 * Watches a key file and calls `onReload` with a new Keystore when its content changes (Kubernetes updates a mounted
 * Secret by swapping a symlink, so this polls the path rather than relying on inotify). A bad new file is reported
 * through `onError` and the current keys stay in use. Returns a function that stops watching.
 */
export function watchKeyFile(
  path: string,
  onReload: (keystore: Keystore) => void,
  onError: (error: unknown) => void,
  intervalMs = 2000,
): () => void {
  let last = '';
  const listener = (): void => {
    void (async () => {
      try {
        const text = await readFile(path, 'utf8');
        if (text === last) return;
        last = text;
        onReload(await Keystore.load(await readKeyFile(path)));
      } catch (error) {
        onError(error);
      }
    })();
  };
  void readFile(path, 'utf8').then(
    (text) => {
      last = text;
    },
    () => undefined,
  );
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => {
    unwatchFile(path, listener);
  };
}
