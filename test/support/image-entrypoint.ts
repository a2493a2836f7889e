/**
 * The image's ENTRYPOINT as the Dockerfile declares it, so that what tests and the bench run as "the image" starts
 * node with exactly the image's flags (e.g. `--max-semi-space-size`), never a copy that drifts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The exec-form ENTRYPOINT of the repository's Dockerfile, e.g. `["node", "--flag", "/app/dist/bin/kubeoidc.js"]`. */
export function imageEntrypoint(dockerfile = resolve(import.meta.dirname, '../../Dockerfile')): string[] {
  const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(readFileSync(dockerfile, 'utf8'))?.[1];
  if (line === undefined) throw new Error(`${dockerfile} has no exec-form ENTRYPOINT`);
  const entrypoint = JSON.parse(line) as unknown;
  if (!Array.isArray(entrypoint) || !entrypoint.every((part) => typeof part === 'string') || entrypoint[0] !== 'node') {
    throw new Error(`${dockerfile}: ENTRYPOINT is not ["node", ...]`);
  }
  return entrypoint;
}

/** The node flags of the image's ENTRYPOINT (between `node` and the script). */
export function imageNodeFlags(): string[] {
  return imageEntrypoint().slice(1, -1);
}
