/**
 * The image's ENTRYPOINT and ENV as the Dockerfile declares them, so that what tests and the bench run as "the image"
 * starts node with exactly the image's flags (e.g. `--max-semi-space-size`) and environment (e.g. `MALLOC_ARENA_MAX`),
 * never a copy that drifts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The exec-form ENTRYPOINT of the repository's Dockerfile, e.g. `["node", "--flag", "/app/dist/bin/kubeoidc.js"]`. */
const defaultDockerfile = resolve(import.meta.dirname, '../../Dockerfile');

export function imageEntrypoint(dockerfile = defaultDockerfile): string[] {
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

/**
 * The environment the image's final stage sets (`ENV KEY=value …` lines after the last `FROM`). Only the unquoted
 * `KEY=value` form is read; any other `ENV` form is an error rather than a value silently missed.
 */
export function imageEnvironment(dockerfile = defaultDockerfile): Record<string, string> {
  const text = readFileSync(dockerfile, 'utf8');
  const stages = [...text.matchAll(/^FROM\s/gm)];
  const finalStage = text.slice(stages.at(-1)?.index ?? 0);
  const env: Record<string, string> = {};
  for (const [, pairs = ''] of finalStage.matchAll(/^ENV\s+(.*)$/gm)) {
    for (const pair of pairs.trim().split(/\s+/)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=([^"'\s\\$]*)$/.exec(pair);
      if (!match) throw new Error(`${dockerfile}: ENV ${pairs}: only unquoted KEY=value pairs are supported`);
      const [, name = '', value = ''] = match;
      env[name] = value;
    }
  }
  return env;
}
