/** panva's oidc-provider 9.x (the peer) on Redis: `oidc-provider.ts` as a child process, NODE_ENV=production. */
import { resolve } from 'node:path';
import type { ServerSpec } from './launch.ts';

export function peerSpec(options: { keysFile: string }): ServerSpec {
  return {
    name: 'oidc-provider',
    command({ port, redisUrl }) {
      return Promise.resolve({
        argv: [process.execPath, resolve(import.meta.dirname, 'oidc-provider.ts')],
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          BENCH_PORT: String(port),
          BENCH_REDIS_URL: redisUrl,
          BENCH_KEYS_FILE: options.keysFile,
        },
      });
    },
  };
}
