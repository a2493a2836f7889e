/** The signing keys both servers of the bench load (`KUBEOIDC_KEYS_FILE`, and the peer's JWKS from the same file). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyFile } from '../provider/keys/generate.ts';

/** Writes a fresh RS256 + ES256 key file into `dir` (owner-only) and answers its path. */
export async function writeBenchKeys(dir: string): Promise<string> {
  const keysFile = join(dir, 'keys.json');
  await writeFile(keysFile, JSON.stringify(await generateKeyFile(['RS256', 'ES256'])), { mode: 0o600 });
  return keysFile;
}
