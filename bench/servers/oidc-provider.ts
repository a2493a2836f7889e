/**
 * Child process: panva's oidc-provider (the peer) on Redis, configured like kubeoidc — the same clients, keys, scopes,
 * endpoint paths and features; refresh tokens rotate on every use (as kubeoidc's always do); its development
 * interactions serve the login and consent forms (they accept any login and check no password).
 * Environment: BENCH_PORT, BENCH_REDIS_URL, BENCH_KEYS_FILE (kubeoidc's key file format).
 */
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import Provider from 'oidc-provider';
import type { KeyFile } from '../../provider/keys/key-file.ts';
import { benchClient, benchJwtClient, benchScopes, benchWebClient } from '../bench-client.ts';
import { redisAdapter } from './oidc-redis-adapter.ts';

const port = Number(process.env.BENCH_PORT);
const keys = JSON.parse(await readFile(process.env.BENCH_KEYS_FILE ?? '', 'utf8')) as KeyFile;
const redis = new Redis(process.env.BENCH_REDIS_URL ?? '', { lazyConnect: false });
const jwtResource = 'urn:bench:api';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  adapter: redisAdapter(redis),
  clients: [benchClient, benchJwtClient, benchWebClient],
  jwks: { keys: keys.keys },
  cookies: { keys: keys.cookieKeys },
  scopes: benchScopes,
  routes: {
    authorization: '/authorize',
    code_verification: '/device',
    device_authorization: '/device/authorize',
    introspection: '/introspect',
    revocation: '/revoke',
    token: '/token',
    jwks: '/jwks',
    userinfo: '/userinfo',
    end_session: '/logout',
  },
  rotateRefreshToken: true,
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    deviceFlow: { enabled: true },
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // bench-jwt's tokens are for a resource server whose access tokens are JWTs; everyone else's stay opaque.
      defaultResource: (_ctx: unknown, client: { clientId: string }) =>
        client.clientId === benchJwtClient.client_id ? jwtResource : undefined,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        audience: jwtResource,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => {
  console.log('ready');
});
