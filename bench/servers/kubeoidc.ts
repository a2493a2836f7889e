/**
 * kubeoidc as the image runs it (`node dist/bin/kubeoidc.js provider`, with the Dockerfile's node flags and ENV), or from the TypeScript
 * sources (`bin/kubeoidc.ts`, for the quick correctness test), on Redis, configured through a KUBEOIDC_CONFIG file
 * like a deployment: the bench clients and accounts, introspection, revocation, the device flow and JWT access tokens
 * on, metrics on their own port, log level `info` (the default).
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AccountRecord } from '../../provider/config/options.ts';
import { freePort } from '../../test/support/free-port.ts';
import { trivialHashCost } from '../accounts.ts';
import { benchClient, benchJwtClient, benchScopes, benchWebClient } from '../bench-client.ts';
import type { ServerSpec } from './launch.ts';
import { imageEnvironment, imageNodeFlags } from '../../test/support/image-entrypoint.ts';

const root = resolve(import.meta.dirname, '../..');

export function kubeoidcSpec(options: { entry: string; keysFile: string; accounts: AccountRecord[] }): ServerSpec {
  return {
    name: 'kubeoidc',
    async command({ port, redisUrl, dir }) {
      const configFile = join(dir, 'kubeoidc.json');
      const config = {
        clients: [benchClient, { ...benchJwtClient, access_token_format: 'jwt' }, benchWebClient],
        accounts: { records: options.accounts, passwordHashCost: trivialHashCost },
        scopes: benchScopes,
        features: {
          introspection: { enabled: true },
          revocation: { enabled: true },
          deviceFlow: { enabled: true },
          jwtAccessTokens: { enabled: true },
        },
      };
      await writeFile(configFile, JSON.stringify(config));
      return {
        // As the image runs it: with the Dockerfile ENTRYPOINT's node flags and its ENV (NODE_ENV, malloc tuning).
        argv: [process.execPath, ...imageNodeFlags(), options.entry, 'provider'],
        env: {
          PATH: process.env.PATH ?? '',
          ...imageEnvironment(),
          KUBEOIDC_CONFIG: configFile,
          KUBEOIDC_KEYS_FILE: options.keysFile,
          KUBEOIDC_REDIS_URL: redisUrl,
          KUBEOIDC_ISSUER: `http://127.0.0.1:${String(port)}`,
          KUBEOIDC_PORT: String(port),
          KUBEOIDC_HOST: '127.0.0.1',
          KUBEOIDC_METRICS_PORT: String(await freePort()),
        },
      };
    },
  };
}

/** The entry of the TypeScript sources (no build). */
export const sourceEntry = join(root, 'bin/kubeoidc.ts');
